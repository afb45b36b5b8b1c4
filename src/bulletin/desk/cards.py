"""Entry cards of the desk page, rendered once per version and kept per process.

Every desk member's page (and its live refresh after each change) lists up to ~100 cards;
rendering them through the template each time was most of the desk's response time. A card
depends only on the entry's version, the blog's pin and zone, and the moves the viewer may
make (:func:`bulletin.blogs.workflow.entry_actions`, which picks its buttons), so it is kept
under exactly that key. The CSRF token differs per session: the card's forms are
rendered with a placeholder input and the viewer's token is put in on the way out, into those
inputs only (never into the entry's HTML or a byline, which people write).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bulletin.blogs.models import Entry
from bulletin.blogs.rendering import entry_name
from bulletin.blogs.workflow import Move, entry_actions
from bulletin.desk.access import Desk

CARDS_KEPT = 4096
# The card's own CSRF input, with a placeholder for the viewer's token. Nothing a person
# writes can produce this exact text: a literal "<" is escaped in every text (Django's
# autoescape, the sanitiser), and entry HTML may carry no name= or value= attribute. So the
# token is put into these inputs and nowhere else, however the entry or a byline is worded.
CSRF_SLOT = "<csrf-slot>"
_CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
_SLOT_INPUT = _CSRF_INPUT.format(CSRF_SLOT)

_cards: OrderedDict[Hashable, str] = OrderedDict()
_lock = threading.Lock()


def _actions(entry: Entry, desk: Desk) -> frozenset[Move]:
    pinned = desk.blog.pinned_entry_id == entry.pk
    return entry_actions(desk.role, desk.user.pk, entry, pinned=pinned)


def _key(entry: Entry, desk: Desk, editing: list[str], actions: frozenset[Move]) -> Hashable:
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
        tuple(sorted(actions)),
        tuple(editing),
    )


def card(entry: Entry, desk: Desk, editing: list[str], csrf_token: str) -> SafeString:
    """The entry's card on the desk, with the buttons this viewer may use."""
    actions = _actions(entry, desk)
    key = _key(entry, desk, editing, actions)
    with _lock:
        html = _cards.get(key)
        if html is not None:
            _cards.move_to_end(key)
    if html is None:
        entry.editing_now = editing  # type: ignore[attr-defined]
        html = render_to_string(
            "desk/_entry_card.html",
            {
                "entry": entry,
                # A photo or a post without a headline is still named (the selection box).
                "name": entry_name(entry),
                "blog": desk.blog,
                "desk": desk,
                "actions": actions,
                "csrf_input": mark_safe(_SLOT_INPUT),  # noqa: S308  (our constant)
            },
        )
        with _lock:
            _cards[key] = html
            while len(_cards) > CARDS_KEPT:
                _cards.popitem(last=False)
    # Django's tokens are letters and digits; escaped all the same, as the tag would.
    filled = _CSRF_INPUT.format(escape(csrf_token))
    return mark_safe(html.replace(_SLOT_INPUT, filled))  # noqa: S308  (rendered by our template)


def forget_all() -> None:
    """Drop every kept card (tests)."""
    with _lock:
        _cards.clear()
