"""Entry cards of the desk page, rendered once per version and kept per process.

Every desk member's page (and its live refresh after each change) lists up to ~100 cards;
rendering them through the template each time was most of the desk's response time. A card
depends only on the entry's version, the blog's pin and zone, and what the viewer may do, so
it is kept under exactly that key. The CSRF token differs per session: the card is rendered
with a placeholder and the viewer's token is put in on the way out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from bulletin.blogs.models import Entry
from bulletin.desk.access import Desk

CARDS_KEPT = 4096
# Never produced by escaping or by Django's tokens (which are letters and digits only).
CSRF_SLOT = "csrf-slot-for-this-viewer"

_cards: OrderedDict[Hashable, str] = OrderedDict()
_lock = threading.Lock()


def _key(entry: Entry, desk: Desk, editing: list[str]) -> Hashable:
    blog = desk.blog
    return (
        entry.pk,
        entry.revision,
        entry.status,
        entry.updated_at,
        entry.scheduled_for,
        hash(entry.html),  # re-rendered without a new revision when the blog's zone changes
        entry.created_by.byline if entry.created_by else "",
        blog.slug,
        blog.timezone,
        blog.pinned_entry_id == entry.pk,
        desk.may_publish,
        desk.may_curate,
        entry.created_by_id == desk.user.pk,
        tuple(editing),
    )


def card(entry: Entry, desk: Desk, editing: list[str], csrf_token: str) -> SafeString:
    """The entry's card on the desk, with the buttons this viewer may use."""
    key = _key(entry, desk, editing)
    with _lock:
        html = _cards.get(key)
        if html is not None:
            _cards.move_to_end(key)
    if html is None:
        entry.editing_now = editing  # type: ignore[attr-defined]
        html = render_to_string(
            "desk/_entry_card.html",
            {"entry": entry, "blog": desk.blog, "desk": desk, "csrf_token": CSRF_SLOT},
        )
        with _lock:
            _cards[key] = html
            while len(_cards) > CARDS_KEPT:
                _cards.popitem(last=False)
    return mark_safe(html.replace(CSRF_SLOT, csrf_token))  # noqa: S308  (rendered by our template)


def forget_all() -> None:
    """Drop every kept card (tests)."""
    with _lock:
        _cards.clear()
