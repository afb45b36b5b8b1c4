"""How a changed entry reaches the change log: rendered once, logged for readers or the desk,
and the blog's header (pinned copy, key points) kept in step with it.

Every entry write ends here, inside its transaction, after the entry row is saved.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from bulletin.accounts.models import User
from bulletin.blogs.changelog import append_change
from bulletin.blogs.events import Removal, entry_removed, entry_written
from bulletin.blogs.models import Activity, ChangeKind, Entry, EntryStatus, KeyPoint, LiveBlog
from bulletin.blogs.rendering import blog_json, render_entry


def record_entry_change(
    entry: Entry,
    blog: LiveBlog,
    actor: User | None,
    activity: Activity,
    *,
    was_public: bool,
    previous_image_id: int | None = None,
) -> None:
    """Render the entry once, store the HTML, and log the change for readers or the desk.

    A public entry appends its current form; one that left the stream (unpublished, deleted)
    appends a bare tombstone; anything else is desk-only. When the blog's header shows the
    entry (pinned, or linked from a key point) the header follows in the same transaction.
    """
    entry.blog = blog
    # Before rendering: what is derived from the entry's words (bulletin.extract's topics and
    # speakers) is stored first, and the HTML carries it.
    entry_written.send(sender=Entry, entry=entry)
    data, html = render_entry(entry)
    entry.html = html
    entry.save(update_fields=["html"])
    if entry.is_public:
        append_change(
            blog,
            ChangeKind.ENTRY,
            {"entry": data, "html": html},
            action=activity,
            entry=entry,
            actor=actor,
        )
    elif was_public:
        # Leaving the stream: readers only need to drop it, and never learn more.
        append_change(
            blog, ChangeKind.DELETE, {"id": entry.pk}, action=activity, entry=entry, actor=actor
        )
    else:
        append_change(
            blog,
            ChangeKind.DESK,
            {"entry": data, "html": html},
            action=activity,
            entry=entry,
            actor=actor,
            public=False,
        )
    follow_header(blog, entry, actor)
    left = (was_public and not entry.is_public) or entry.status == EntryStatus.DELETED
    if left:
        announce_removal(blog, entry, media_ids=_ids(entry.image_id, previous_image_id))
    elif previous_image_id is not None and previous_image_id != entry.image_id:
        # A replaced photo must not stay reachable once it is no longer shown.
        announce_removal(blog, entry, media_ids=(previous_image_id,))


def follow_header(blog: LiveBlog, entry: Entry, actor: User | None) -> bool:
    """Bring the blog's header in step with an entry that changed; True when it changed.

    The header carries the pinned entry's HTML and the key points' links: an edited pinned
    entry re-renders it, and an entry that left the stream is unpinned and unlinked, so no
    replay of the header shows or points at what is gone.
    """
    pinned = blog.pinned_entry_id == entry.pk
    linked = KeyPoint.objects.filter(blog=blog, entry=entry)
    if entry.is_public:
        changed = pinned
    else:
        changed = pinned or linked.exists()
        linked.update(entry=None)
        if pinned:
            blog.pinned_entry = None
            blog.save(update_fields=["pinned_entry"])
    if changed:
        if blog.pinned_entry_id == entry.pk:
            blog.pinned_entry = entry  # the copy in the header is this new version
        append_change(
            blog,
            ChangeKind.BLOG,
            {"blog": blog_json(blog)},
            action=Activity.HEADER_FOLLOWED,
            entry=entry,
            actor=actor,
        )
    return changed


def announce_removal(
    blog: LiveBlog, entry: Entry, *, media_ids: tuple[int, ...], takedown: bool = False
) -> None:
    """Tell the rest of the system, after commit, that the entry left (image files, CDN)."""
    removal = Removal(
        blog_id=blog.pk,
        slug=blog.slug,
        entry_id=entry.pk,
        media_ids=media_ids,
        takedown=takedown,
    )
    transaction.on_commit(partial(entry_removed.send, sender=Entry, removal=removal))


def _ids(*media_ids: int | None) -> tuple[int, ...]:
    return tuple(dict.fromkeys(pk for pk in media_ids if pk is not None))
