"""Reads shared by the API and the reader pages (writes live in services)."""

from __future__ import annotations

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
    """Changes with seq greater than ``since``, oldest first."""
    changes = Change.objects.filter(blog=blog, seq__gt=since)
    if not include_desk:
        changes = changes.filter(public=True)
    return changes.order_by("seq")[:limit]
