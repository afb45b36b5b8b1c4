"""What the realtime engine reads from the database: blog state and the change log.

The engine runs on the event loop; these functions run in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from bulletin.blogs.changelog import event_for
from bulletin.blogs.events import ChangeEvent
from bulletin.blogs.models import Change, LiveBlog
from bulletin.blogs.queries import PUBLIC_BLOG_STATUSES


@dataclass(frozen=True)
class BlogState:
    id: int
    slug: str
    seq: int
    status: str

    @property
    def public(self) -> bool:
        return self.status in PUBLIC_BLOG_STATUSES


def _fresh_connection() -> None:
    # Threads of the executor keep their connection; drop it when it went stale.
    close_old_connections()


def blog_state_sync(slug: str) -> BlogState | None:
    _fresh_connection()
    row = LiveBlog.objects.filter(slug=slug).values_list("id", "slug", "seq", "status").first()
    return BlogState(*row) if row else None


def public_changes_sync(
    blog_id: int, slug: str, after: int, upto: int | None, limit: int
) -> list[ChangeEvent]:
    _fresh_connection()
    # Redacted changes were superseded or taken down: readers replay only the present.
    rows = Change.objects.filter(blog_id=blog_id, seq__gt=after, public=True, redacted=False)
    if upto is not None:
        rows = rows.filter(seq__lte=upto)
    return [event_for(row, slug) for row in rows.order_by("seq")[:limit]]


def latest_seqs_sync(blog_ids: list[int]) -> dict[int, int]:
    _fresh_connection()
    return dict(LiveBlog.objects.filter(pk__in=blog_ids).values_list("id", "seq"))


def changes_since_id_sync(last_id: int, limit: int) -> list[tuple[int, int, int]]:
    """(change id, blog id, seq) of changes newer than ``last_id``: what db-tail follows."""
    _fresh_connection()
    return list(
        Change.objects.filter(pk__gt=last_id)
        .order_by("pk")
        .values_list("pk", "blog_id", "seq")[:limit]
    )


def last_change_id_sync() -> int:
    _fresh_connection()
    last = Change.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0)


blog_state = sync_to_async(blog_state_sync, thread_sensitive=False)
public_changes = sync_to_async(public_changes_sync, thread_sensitive=False)
latest_seqs = sync_to_async(latest_seqs_sync, thread_sensitive=False)
changes_since_id = sync_to_async(changes_since_id_sync, thread_sensitive=False)
last_change_id = sync_to_async(last_change_id_sync, thread_sensitive=False)
