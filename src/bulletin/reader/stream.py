"""Which entries a reader page shows, grouped by day, with a cursor to older ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from bulletin.blogs.models import Entry, EntryStatus, LiveBlog, Order

PAGE_SIZE = 30


@dataclass(frozen=True)
class Day:
    day: date
    entries: list[Entry]


@dataclass(frozen=True)
class StreamPage:
    days: list[Day]
    entries: list[Entry]
    older_cursor: int | None  # the entry id to pass as ?before= for older updates


def _published(blog: LiveBlog) -> Q:
    return Q(blog=blog, status=EntryStatus.PUBLISHED)


def page(
    blog: LiveBlog, before: Entry | None = None, *, including: bool = False, size: int = PAGE_SIZE
) -> StreamPage:
    """The newest ``size`` entries, or those older than ``before`` (or from it, ``including``).

    A page of older entries is anchored at an entry, so it always shows the same entries and
    can be cached for long.
    """
    # Whole entries: the page's search-engine markup needs bodies, authors and images.
    entries = (
        Entry.objects.filter(_published(blog))
        .select_related("image")
        .prefetch_related("authors", "contributors")
    )
    if before is not None:
        moment = before.display_at
        if including:
            entries = entries.filter(
                Q(display_at__lt=moment) | Q(display_at=moment, pk__lte=before.pk)
            )
        else:
            entries = entries.filter(
                Q(display_at__lt=moment) | Q(display_at=moment, pk__lt=before.pk)
            )
    found = list(entries.order_by("-display_at", "-pk")[: size + 1])
    older = found[size - 1].pk if len(found) > size else None
    shown = found[:size]
    if blog.order == Order.OLDEST_FIRST:
        shown.reverse()
    return StreamPage(by_day(blog, shown), shown, older)


def by_day(blog: LiveBlog, entries: list[Entry]) -> list[Day]:
    """``entries`` (in the order given) under one heading per day in the blog's time zone."""
    zone = ZoneInfo(blog.timezone)
    days: list[Day] = []
    for entry in entries:
        moment = entry.display_at or timezone.now()
        day = timezone.localtime(moment, zone).date()
        if not days or days[-1].day != day:
            days.append(Day(day, []))
        days[-1].entries.append(entry)
    return days


def published_entry(blog: LiveBlog, entry_id: int) -> Entry | None:
    return (
        Entry.objects.filter(_published(blog), pk=entry_id)
        .select_related("image")
        .prefetch_related("authors", "contributors")
        .first()
    )
