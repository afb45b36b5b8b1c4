"""What a returning reader missed: the entries first published after a seq they last saw.

The reader's browser remembers the last seq its page showed (localStorage, never sent to us
as a cookie); when the page it opens later has a higher seq, it asks
``/live/{slug}/catch-up?since=N``. The answer is the same for every reader who last saw seq N,
so it is cached like a page: per process keyed by ``(blog, seq, N)``, and by any CDN for a
second (docs/realtime.md, "Since your last visit").

An entry is *new since N* when it is published now and its first public ``entry`` change in
the change log has a seq above N. Superseded changes keep their seq and entry (only their
payload is emptied), so an entry published before N and edited after it is an edit, not news.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef
from django.urls import reverse

from bulletin.blogs.models import Change, ChangeKind, Entry, EntryStatus, LiveBlog
from bulletin.blogs.rendering import iso

# Key events listed by name in the summary; the count covers them all.
KEY_EVENTS_LISTED = 10


class Brief(NamedTuple):
    """What the summary says of one new entry."""

    id: int
    headline: str
    is_key_event: bool
    display_at: datetime | None


def _first_public_before(since: int) -> Exists:
    """Whether the outer entry had a public ``entry`` change at or before seq ``since``."""
    return Exists(
        Change.objects.filter(
            entry=OuterRef("pk"), kind=ChangeKind.ENTRY, public=True, seq__lte=since
        )
    )


def new_entries(blog: LiveBlog, since: int) -> list[Brief]:
    """Published entries of ``blog`` whose first public change came after seq ``since``,
    oldest first (by display time, as the stream orders them).

    Starts from the changes after ``since`` (the log's ``(blog, seq)`` index), so a reader
    who missed a few updates costs a few rows, whatever the size of the blog."""
    changed = Change.objects.filter(
        blog=blog, seq__gt=since, kind=ChangeKind.ENTRY, public=True
    ).values("entry_id")
    rows = (
        Entry.objects.filter(pk__in=changed, blog=blog, status=EntryStatus.PUBLISHED)
        .exclude(_first_public_before(since))
        .order_by("display_at", "pk")
        .values_list("pk", "headline", "is_key_event", "display_at")
    )
    return [Brief(*row) for row in rows]


def _brief(blog: LiveBlog, entry: Brief) -> dict[str, Any]:
    return {
        "id": entry.id,
        "headline": entry.headline,
        "url": reverse("reader:entry", args=[blog.slug, entry.id]),
        "anchor": f"entry-{entry.id}",
        "display_at": iso(entry.display_at),
    }


def summary(blog: LiveBlog, since: int) -> dict[str, Any]:
    """The JSON a returning reader's page shows as "Since you were last here"."""
    found = new_entries(blog, since) if since < blog.seq else []
    key_events = [entry for entry in found if entry.is_key_event]
    return {
        "blog": blog.slug,
        "seq": blog.seq,
        "since": since,
        "updates": len(found),
        "key_event_count": len(key_events),
        # Newest first, as a reader scans a list of headlines.
        "key_events": [_brief(blog, entry) for entry in reversed(key_events[-KEY_EVENTS_LISTED:])],
        "first_unseen": _brief(blog, found[0]) if found else None,
    }
