"""The live blog inside another site's article: the embed page's options and its snippet.

``/live/{slug}/embed`` is the whole blog; ``?limit=N`` is the compact widget, the latest N
entries with a "More on the live page" link (``&key_points=1`` adds the key points). A
compact page also carries a few older entries, hidden: when one of the N is deleted, the
widget shows the next older one instead of shrinking (reader/static/reader/embed-limit.js
keeps the latest N shown as entries come and go).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.templatetags.static import static

from bulletin.blogs.models import Entry, LiveBlog
from bulletin.links import absolute_reverse, absolute_url
from bulletin.numbers import describe, whole_number
from bulletin.reader import stream

LIMIT_MAX = 20
# Hidden older entries a compact widget keeps to fill in for deleted ones.
RESERVE = 5
# What the page offers to paste: a widget the height of a few entries.
SUGGESTED_LIMIT = 5
_YES = {"1", "true", "yes"}
_NO = {"", "0", "false", "no"}


@dataclass(frozen=True)
class EmbedOptions:
    limit: int | None = None  # None: the whole blog, as the full live page shows it
    key_points: bool = True

    @property
    def compact(self) -> bool:
        return self.limit is not None

    @property
    def reserve(self) -> int:
        # On the page too, so that embed-limit.js keeps no more hidden than the page came with.
        return RESERVE if self.compact else 0

    @property
    def cache_key(self) -> tuple[int | None, bool]:
        return (self.limit, self.key_points)

    @property
    def etag_suffix(self) -> str:
        if self.limit is None:
            return ""
        return f"-l{self.limit}{'k' if self.key_points else ''}"


def options_from(query: Mapping[str, str]) -> EmbedOptions:
    """The options of an embed request; ValueError says what was wrong, in words."""
    raw_limit = query.get("limit")
    if raw_limit is None or raw_limit == "":
        return EmbedOptions()
    limit = whole_number(raw_limit, limit=LIMIT_MAX)
    if not limit:
        raise ValueError(
            f"limit must be a number of entries from 1 to {LIMIT_MAX}, got {describe(raw_limit)}"
        )
    raw_points = query.get("key_points", "").lower()
    if raw_points not in _YES | _NO:
        raise ValueError(f"key_points must be 1 or 0, got {describe(raw_points)}")
    # A compact widget leaves the key points out unless asked: it is there to be short.
    return EmbedOptions(limit=limit, key_points=raw_points in _YES)


def compact_page(blog: LiveBlog, limit: int) -> stream.StreamPage:
    """The latest ``limit`` entries, and behind them up to RESERVE older ones, hidden."""
    shown = stream.page(blog, size=limit + RESERVE)
    newest_first = sorted(shown.entries, key=lambda e: (e.display_at, e.pk), reverse=True)
    for entry in newest_first[limit:]:
        _hold_back(entry)
    return stream.StreamPage(shown.days, shown.entries, older_cursor=None)


def _hold_back(entry: Entry) -> None:
    # The stored HTML is the entry's one rendering (blogs/rendering.py): hidden here, in this
    # page only (the instance is never saved), rather than rendered a second way.
    entry.html = entry.html.replace("<article ", "<article hidden ", 1)


def embed_url(blog: LiveBlog, limit: int | None = None) -> str:
    page = absolute_reverse("reader:embed", blog.slug)
    return f"{page}?{urlencode({'limit': limit})}" if limit else page


def snippet(blog: LiveBlog, limit: int | None = None) -> str:
    """What a newsroom pastes into an article page to show this live blog there; with
    ``limit``, the compact widget of the latest ``limit`` entries."""
    script = absolute_url(static("reader/embed.js"))
    limit_attribute = f' data-bulletin-limit="{limit}"' if limit else ""
    return (
        f'<div data-bulletin-embed="{embed_url(blog)}"{limit_attribute}></div>\n'
        f'<script src="{script}" async></script>'
    )
