"""Writes to the words printed with an image (alt text, caption, credit).

An image row belongs to no blog: one photo may illustrate entries on several blogs and be a
blog's cover. Its words are part of everything that shows it, so changing them is an edit of
each of those, held to the same rule as any edit a reader sees: only those who may publish
there may make it, and each one is re-rendered and logged in the change log.
"""

from __future__ import annotations

from django.db import transaction

from bulletin.accounts.permissions import Action, can, require
from bulletin.blogs.changelog import append_change, lock_blog
from bulletin.blogs.media import Words, clean_words
from bulletin.blogs.models import (
    Activity,
    BlogStatus,
    ChangeKind,
    Entry,
    EntryStatus,
    LiveBlog,
    Media,
)
from bulletin.blogs.rendering import blog_json
from bulletin.blogs.services.common import Actor, acting_user, require_open
from bulletin.blogs.services.recording import record_entry_change
from bulletin.errors import PermissionDenied

# A cover is in front of readers once its blog is; a draft blog's cover is not yet.
_PUBLIC_BLOGS = (BlogStatus.LIVE, BlogStatus.ENDED, BlogStatus.ARCHIVED)


def describe_image(
    actor: Actor,
    blog: LiveBlog,
    media: Media,
    *,
    alt: str,
    caption: str = "",
    credit: str = "",
) -> Media:
    """Set the words printed with an image (alt required) and re-render all that shows it.

    ``blog`` is the blog whose desk asks. An image in public use (shown by a published entry,
    or the cover of a blog readers can see) may be re-described only by someone who may
    publish on every blog showing it; otherwise by its uploader, or by someone who may publish
    on a blog that uses it. Every entry showing it is re-rendered with a change row, and every
    blog it is the cover of gets a header change, in the one transaction that changes the words.
    """
    require(actor, blog, Action.WRITE_DRAFT)
    require_open(blog)
    words = clean_words(alt, caption, credit, alt_required=True)
    if (media.alt, media.caption, media.credit) == (words.alt, words.caption, words.credit):
        return media  # nothing changes: no change rows, nothing to refuse
    public = _public_uses(media)
    if public:
        _require_may_publish_on_all(actor, public)
    else:
        _require_may_describe_private(actor, blog, media)
    with transaction.atomic():
        media = Media.objects.select_for_update().get(pk=media.pk)
        _write(media, words)
        for blog_id in _blogs_showing(media):
            _rerender(actor, blog_id, media)
    return media


def _public_uses(media: Media) -> list[LiveBlog]:
    ids = set(
        Entry.objects.filter(image=media, status=EntryStatus.PUBLISHED).values_list(
            "blog_id", flat=True
        )
    )
    ids |= set(
        LiveBlog.objects.filter(cover_image=media, status__in=_PUBLIC_BLOGS).values_list(
            "pk", flat=True
        )
    )
    return list(LiveBlog.objects.filter(pk__in=ids).order_by("pk"))


def _require_may_publish_on_all(actor: Actor, blogs: list[LiveBlog]) -> None:
    for shown_on in blogs:
        if not can(actor, shown_on, Action.PUBLISH):
            raise PermissionDenied(
                f"this image is shown to readers on {shown_on.title!r}: only those who may "
                "publish on every live blog showing it may change its alt text, caption or "
                "credit (upload a new image to describe it differently)",
                fields={"image_alt": "editors and owners of every blog showing it only"},
            )


def _require_may_describe_private(actor: Actor, blog: LiveBlog, media: Media) -> None:
    # Not in front of readers yet: the uploader may word their own picture, and those who may
    # publish on a blog may word the images it already uses (a contributor's draft photo).
    user = acting_user(actor)
    if user is not None and media.uploaded_by_id == user.pk:
        return
    used_here = (
        blog.cover_image_id == media.pk
        or Entry.objects.filter(blog=blog, image_id=media.pk).exists()
    )
    if used_here and can(actor, blog, Action.PUBLISH):
        return
    raise PermissionDenied(
        "you may describe only images you uploaded, or images this live blog uses when you "
        "may publish on it",
        fields={"image_alt": "the uploader, or editors and owners of a blog using it, only"},
    )


def _write(media: Media, words: Words) -> None:
    media.alt, media.caption, media.credit = words.alt, words.caption, words.credit
    media.save(update_fields=["alt", "caption", "credit"])


def _blogs_showing(media: Media) -> list[int]:
    ids = set(
        Entry.objects.filter(image=media)
        .exclude(status=EntryStatus.DELETED)
        .values_list("blog_id", flat=True)
    )
    ids |= set(LiveBlog.objects.filter(cover_image=media).values_list("pk", flat=True))
    # Always in the same order, so two writers locking several blogs cannot deadlock.
    return sorted(ids)


def _rerender(actor: Actor, blog_id: int, media: Media) -> None:
    user = acting_user(actor)
    blog = lock_blog(blog_id)
    entries = (
        Entry.objects.select_for_update()
        .filter(blog=blog, image=media)
        .exclude(status=EntryStatus.DELETED)
        .order_by("pk")
    )
    for entry in entries:
        entry.image = media
        record_entry_change(entry, blog, user, Activity.EDITED, was_public=entry.is_public)
    if blog.cover_image_id == media.pk:
        blog.cover_image = media
        append_change(
            blog,
            ChangeKind.BLOG,
            {"blog": blog_json(blog)},
            action=Activity.BLOG_UPDATED,
            actor=user,
        )
