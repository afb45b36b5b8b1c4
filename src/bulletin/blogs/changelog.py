"""Number a change with the blog's next seq and append it to the change log.

Callers hold the transaction; :func:`lock_blog` must be the first statement in it so that
writers to one blog queue on the blog row (PostgreSQL) or on the write lock (SQLite with
IMMEDIATE transactions) and can never draw the same seq or leave a gap.

The log keeps every seq, but readers replay only the present: appending a public change
redacts the earlier public changes of the same subject (:func:`bulletin.blogs.events.subject_of`)
in the same transaction, emptying their payloads. A reader resuming from any seq then gets,
for each entry changed since, its current form or a bare tombstone, and the blog's header
once, as it is now. Seqs stay gap-free; a redacted change is simply not replayed.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bulletin.accounts.models import User
from bulletin.blogs.events import (
    ENTRY_KINDS,
    HEADER_KINDS,
    ChangeEvent,
    change_committed,
    subject_of,
)
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
    if public:
        _supersede(blog, kind, entry.pk if entry else None)
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


def _supersede(blog: LiveBlog, kind: str, entry_id: int | None) -> None:
    """Redact the public changes that a new public change of this subject replaces."""
    subject = subject_of(kind, entry_id)
    if subject is None:
        return
    same = (
        Q(entry_id=entry_id, kind__in=ENTRY_KINDS)
        if kind in ENTRY_KINDS
        else Q(kind__in=HEADER_KINDS)
    )
    redact(Change.objects.filter(same, blog=blog, public=True, redacted=False))


def redact(changes: Any) -> int:
    """Empty these changes' payloads and keep them out of every replay, for good."""
    return int(changes.update(redacted=True, payload={}))


def redact_entry(blog: LiveBlog, entry_id: int) -> int:
    """Redact every change of an entry, desk-only ones included (a takedown)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("redact_entry must run inside the writer's transaction")
    return redact(Change.objects.filter(blog=blog, entry_id=entry_id, redacted=False))


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
