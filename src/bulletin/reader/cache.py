"""Rendered reader pages, kept per process and keyed by the blog's seq.

Readers ask millions of times and newsrooms write a few times a minute, so a page is rendered
once per change and then served from memory. The blog's current seq is looked up at most
once a second per process (and at once after a change made in this process); a request in
between touches no database.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from bulletin.blogs.models import LiveBlog
from bulletin.blogs.queries import PUBLIC_BLOG_STATUSES
from bulletin.lazy import once

FRESH_SECONDS = 1.0
MAX_PAGES = 512


@dataclass(frozen=True)
class BlogHead:
    """Enough of a blog to decide whether a cached page is still current."""

    id: int
    slug: str
    seq: int
    status: str


class PageCache:
    def __init__(self, max_pages: int = MAX_PAGES, fresh_seconds: float = FRESH_SECONDS) -> None:
        self.max_pages = max_pages
        self.fresh_seconds = fresh_seconds
        self._lock = threading.Lock()
        self._pages: OrderedDict[Hashable, Any] = OrderedDict()
        self._heads: dict[str, tuple[BlogHead | None, float]] = {}
        self.hits = 0
        self.misses = 0

    def known_head(self, slug: str) -> tuple[bool, BlogHead | None]:
        """(True, head) when the blog was looked up less than a second ago, else (False, None)."""
        with self._lock:
            known = self._heads.get(slug)
        if known is not None and known[1] > time.monotonic():
            return True, known[0]
        return False, None

    def head(self, slug: str) -> BlogHead | None:
        """The public blog called ``slug`` as of at most a second ago, or None."""
        known, head = self.known_head(slug)
        if known:
            return head
        return self.remember(slug, load_head(slug))

    def last_head(self, slug: str) -> BlogHead | None:
        """The blog as last looked up, however long ago (to serve its page while the database
        is away)."""
        with self._lock:
            known = self._heads.get(slug)
        return known[0] if known is not None else None

    def remember(self, slug: str, head: BlogHead | None) -> BlogHead | None:
        with self._lock:
            self._heads[slug] = (head, time.monotonic() + self.fresh_seconds)
        return head

    def forget(self, slug: str) -> None:
        """A change was committed here: look the blog up again on the next request."""
        with self._lock:
            self._heads.pop(slug, None)

    def forget_blog(self, blog_id: int) -> None:
        """Another process changed this blog: look it up again on the next request."""
        with self._lock:
            stale = [slug for slug, (head, _) in self._heads.items() if head and head.id == blog_id]
            for slug in stale:
                del self._heads[slug]

    def peek(self, key: Hashable) -> Any:
        """The page stored under ``key``, or None (no rendering)."""
        with self._lock:
            value = self._pages.get(key)
            if value is not None:
                self._pages.move_to_end(key)
                self.hits += 1
            return value

    def page(self, key: Hashable, render: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
                self.hits += 1
                return self._pages[key]
        value = render()  # outside the lock: two renders of one page are harmless
        with self._lock:
            self.misses += 1
            self._pages[key] = value
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)
        return value


def live_page_key(blog_id: int, seq: int, before: int | None) -> tuple[Any, ...]:
    """Where a rendered live page is kept (the edge serves hits without Django, so it and the
    reader's view must agree on this key and on the ETag below)."""
    return ("live", blog_id, seq, before)


def live_etag(seq: int, before: int | None) -> str:
    return f'"{seq}"' if before is None else f'"{seq}-b{before}"'


def load_head(slug: str) -> BlogHead | None:
    row = (
        LiveBlog.objects.filter(slug=slug, status__in=PUBLIC_BLOG_STATUSES)
        .values_list("id", "slug", "seq", "status")
        .first()
    )
    return BlogHead(*row) if row else None


@once
def pages() -> PageCache:
    """This process's page cache, made on first use."""
    return PageCache()


def forget_committed_change(sender: Any, event: Any, **_kwargs: Any) -> None:
    pages().forget(event.slug)
