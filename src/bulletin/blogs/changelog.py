"""Number a change with the blog's next seq and append it to the change log.

Callers hold the transaction; :func:`lock_blog` must be the first statement in it so that
writers to one blog queue on the blog row (PostgreSQL) or on the write lock (SQLite with
IMMEDIATE transactions) and can never draw the same seq or leave a gap.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from bulletin.accounts.models import User
from bulletin.blogs.events import ChangeEvent, change_committed
from bulletin.blogs.models import Activity, Change, ChangeKind, Entry, LiveBlog
from bulletin.errors import NotFound


def lock_blog(blog_id: int) -> LiveBlog:
    """Load the blog for writing, holding its row until the transaction ends."""
    blog = (
        LiveBlog.objects.select_for_update(of=("self",))
        .select_related("pinned_entry", "cover_image")
        .filter(pk=blog_id)
        .first()
    )
    if blog is None:
        raise NotFound(f"no live blog with id {blog_id}")
    return blog


def append_change(
    blog: LiveBlog,
    kind: ChangeKind,
    payload: dict[str, Any],
    *,
    action: Activity,
    entry: Entry | None = None,
    actor: User | None = None,
    public: bool = True,
) -> Change:
    """Give the change the blog's next seq, store it, and announce it after commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append_change must run inside the writer's transaction")
    now = timezone.now()
    blog.seq += 1
    blog.updated_at = now
    blog.save(update_fields=["seq", "updated_at"])
    payload = {**payload, "seq": blog.seq}
    change = Change.objects.create(
        blog=blog,
        seq=blog.seq,
        kind=kind,
        public=public,
        action=action,
        entry=entry,
        payload=payload,
        actor=actor,
        created_at=now,
    )
    event = ChangeEvent(
        blog_id=blog.pk,
        slug=blog.slug,
        seq=blog.seq,
        kind=kind,
        public=public,
        entry_id=entry.pk if entry else None,
        payload=payload,
    )
    transaction.on_commit(partial(change_committed.send, sender=Change, event=event))
    return change


def event_for(change: Change, slug: str) -> ChangeEvent:
    """Rebuild the event of a stored change (for backfill and feeds)."""
    return ChangeEvent(
        blog_id=change.blog_id,
        slug=slug,
        seq=change.seq,
        kind=change.kind,
        public=change.public,
        entry_id=change.entry_id,
        payload=change.payload,
    )
