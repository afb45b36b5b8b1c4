"""The home page: the newsroom's index of its live blogs, then of its recent ended ones.

Like the live pages it is rendered once per change and served from the page cache: its key
is a fingerprint of the public blogs (how many, their summed seq, the latest update), looked
up at most once a second per process.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Sum
from django.urls import reverse

from bulletin.blogs.dates import date_label, time_label
from bulletin.blogs.models import BlogStatus, LiveBlog
from bulletin.blogs.queries import PUBLIC_BLOG_STATUSES
from bulletin.blogs.rendering import media_json
from bulletin.reader.cache import FRESH_SECONDS

MAX_LIVE = 50
MAX_RECENT = 20


@dataclass(frozen=True)
class BlogCard:
    """One blog as the index shows it."""

    url: str
    title: str
    description: str
    live: bool
    language: str
    updated_iso: str
    updated_label: str  # "January 27, 2:39 PM EST": in the blog's own conventions
    cover: dict[str, Any] | None


@dataclass(frozen=True)
class Index:
    live: list[BlogCard]
    recent: list[BlogCard]


def _card(blog: LiveBlog) -> BlogCard:
    live = blog.status == BlogStatus.LIVE
    # A live blog shows its latest update; an ended one when its coverage ended.
    moment = blog.updated_at if live or blog.coverage_end is None else blog.coverage_end
    return BlogCard(
        url=reverse("reader:live", args=[blog.slug]),
        title=blog.title,
        description=blog.description,
        live=live,
        language=blog.language,
        updated_iso=moment.isoformat(),
        updated_label=_when(moment, blog.timezone, blog.language),
        cover=media_json(blog.cover_image),
    )


def _when(moment: datetime, zone: str, language: str) -> str:
    return f"{date_label(moment, zone, language)}, {time_label(moment, zone, language)}"


def index() -> Index:
    """Live blogs (latest update first), then the most recently updated ended ones."""
    public = LiveBlog.objects.select_related("cover_image").order_by("-updated_at", "-pk")
    live = public.filter(status=BlogStatus.LIVE)[:MAX_LIVE]
    recent = public.filter(status__in=[BlogStatus.ENDED, BlogStatus.ARCHIVED])[:MAX_RECENT]
    return Index([_card(blog) for blog in live], [_card(blog) for blog in recent])


_lock = threading.Lock()
_known: tuple[str, float] | None = None


def fingerprint() -> str:
    """Changes whenever a public blog is added, removed, changed or updated."""
    global _known
    with _lock:
        if _known is not None and _known[1] > time.monotonic():
            return _known[0]
    totals = LiveBlog.objects.filter(status__in=PUBLIC_BLOG_STATUSES).aggregate(
        count=Count("id"), seq=Sum("seq"), latest=Max("updated_at")
    )
    latest = totals["latest"].timestamp() if totals["latest"] else 0
    value = f"{totals['count']}-{totals['seq'] or 0}-{latest:.6f}"
    with _lock:
        _known = (value, time.monotonic() + FRESH_SECONDS)
    return value


def forget() -> None:
    """A blog changed in this process: work the fingerprint out again on the next request."""
    global _known
    with _lock:
        _known = None
