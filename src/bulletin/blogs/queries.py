"""Reads shared by the API and the reader pages (writes live in services)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bulletin.blogs.models import BlogStatus, Change, Entry, EntryStatus, LiveBlog

PUBLIC_BLOG_STATUSES = (BlogStatus.LIVE, BlogStatus.ENDED, BlogStatus.ARCHIVED)


def public_blog(slug: str) -> LiveBlog | None:
    """The blog readers may see under this slug (not drafts), or None."""
    return (
        LiveBlog.objects.select_related("pinned_entry", "cover_image")
        .filter(slug=slug, status__in=PUBLIC_BLOG_STATUSES)
        .first()
    )


def stream_order(blog: LiveBlog) -> tuple[str, str]:
    newest_first = blog.order == "newest_first"
    return ("-display_at", "-id") if newest_first else ("display_at", "id")


def stream(blog: LiveBlog, limit: int) -> list[Entry]:
    """The first page of published entries, in the blog's order."""
    return list(
        Entry.objects.filter(blog=blog, status=EntryStatus.PUBLISHED)
        .order_by(*stream_order(blog))
        .only("id", "html", "display_at", "blog_id")[:limit]
    )


def changes_after(
    blog: LiveBlog, since: int, limit: int, include_desk: bool = False
) -> QuerySet[Change]:
    """Changes with seq greater than ``since``, oldest first.

    Public replays skip redacted changes (superseded or taken down): readers get the present.
    """
    changes = Change.objects.filter(blog=blog, seq__gt=since)
    if not include_desk:
        changes = changes.filter(public=True, redacted=False)
    return changes.order_by("seq")[:limit]


FEED_PAGE = 500
# A CDN may serve a feed answer for a second, and a stale one while it asks again.
FEED_CACHE_CONTROL = "public, max-age=1, stale-while-revalidate=5"


def change_feed(blog: LiveBlog, since: int, page: int = FEED_PAGE) -> dict[str, Any]:
    """The public changes after ``since`` as the polling feed gives them (oldest first)."""
    from bulletin.blogs.rendering import iso

    if since > blog.seq:
        return {"blog": blog.slug, "seq": blog.seq, "reset": True, "more": False, "changes": []}
    rows = list(changes_after(blog, since, page + 1))
    more = len(rows) > page
    rows = rows[:page]
    return {
        "blog": blog.slug,
        "seq": rows[-1].seq if more else blog.seq,
        "reset": False,
        "more": more,
        "changes": [
            {
                "seq": row.seq,
                "kind": row.kind,
                "entry_id": row.entry_id,
                "data": row.payload,
                "created": iso(row.created_at),
            }
            for row in rows
        ],
    }


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (weak or strong, one of a list)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))
