"""One action on several entries at once (the desk's selection): all of them or none.

Each entry goes through the same service as a single action (workflow rules, revision,
change log, readers' pages and caches told), all inside one transaction: if one entry may not
make the move, nothing changes and the refusal names that entry.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from bulletin.accounts.permissions import Action, may_see_entry, require, role_of
from bulletin.blogs.models import Entry, LiveBlog
from bulletin.blogs.services.common import Actor
from bulletin.blogs.services.entries import delete_entry, set_key_event, unpublish_entry
from bulletin.errors import ValidationFailed

BULK_MAX = 200
# What a selection can be given, by the name the desk's bulk form sends.
BULK_MOVES: dict[str, Callable[[Actor, Entry], Entry]] = {
    "unpublish": unpublish_entry,
    "delete": delete_entry,
    "key-event": lambda actor, entry: set_key_event(actor, entry, True),
    "not-key-event": lambda actor, entry: set_key_event(actor, entry, False),
}
# Moves that leave an entry already in the wanted state alone (no revision, no change).
_ALREADY: dict[str, Callable[[Entry], bool]] = {
    "key-event": lambda entry: entry.is_key_event,
    "not-key-event": lambda entry: not entry.is_key_event,
}


def bulk_move(actor: Actor, blog: LiveBlog, entry_ids: list[int], move: str) -> list[Entry]:
    """Make ``move`` on every entry of ``entry_ids`` in one transaction; the entries changed."""
    # Someone outside the desk is refused before anything they sent is looked at.
    require(actor, blog, Action.VIEW_DESK)
    if move not in BULK_MOVES:
        raise ValidationFailed.on(
            "action", f"expected one of {', '.join(BULK_MOVES)}, got {move[:40]!r}"
        )
    ids = list(dict.fromkeys(entry_ids))
    if not ids:
        raise ValidationFailed.on("entries", "select one or more entries, got none")
    if len(ids) > BULK_MAX:
        raise ValidationFailed.on(
            "entries", f"expected at most {BULK_MAX} entries at once, got {len(ids)}"
        )
    role = role_of(actor, blog)
    found = {entry.pk: entry for entry in Entry.objects.filter(blog=blog, pk__in=ids)}
    # An entry the person may not see is unknown, like one that does not exist or belongs to
    # another blog: the selection is refused as sent, naming the ids, and nothing changes.
    unknown = [
        pk for pk in ids if pk not in found or not may_see_entry(actor, blog, found[pk], role=role)
    ]
    if unknown:
        shown = ", ".join(str(pk) for pk in unknown[:10]) + (" …" if len(unknown) > 10 else "")
        raise ValidationFailed.on(
            "entries",
            f"expected ids of entries in live blog {blog.slug!r}, got {len(unknown)} that "
            f"{'is' if len(unknown) == 1 else 'are'} not: {shown}",
        )
    do, already = BULK_MOVES[move], _ALREADY.get(move)
    changed = []
    with transaction.atomic():
        for pk in ids:
            entry = found[pk]
            if already is not None and already(entry):
                continue
            changed.append(do(actor, entry))
    return changed
