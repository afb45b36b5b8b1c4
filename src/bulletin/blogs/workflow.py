"""What can be done to an entry, from which status, and by whom: one table, one question.

:data:`MOVES` is the table of the entry's life (draft → submitted → published, unpublish,
schedule, delete, take down, edit, key event, pin). The services refuse a move the table does
not allow (:func:`require_move`); the desk's card offers the buttons :func:`entry_actions`
returns. Roles and what each may do stay in :mod:`bulletin.accounts.permissions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.utils import timezone

from bulletin import config
from bulletin.accounts.permissions import Action, role_allows
from bulletin.blogs.models import Entry, EntryStatus
from bulletin.errors import InvalidState

_DRAFT, _SUBMITTED = EntryStatus.DRAFT, EntryStatus.SUBMITTED
_SCHEDULED, _PUBLISHED = EntryStatus.SCHEDULED, EntryStatus.PUBLISHED
# Entries readers can see, or could once: everything but a deleted tombstone.
NOT_DELETED = frozenset({_DRAFT, _SUBMITTED, _SCHEDULED, _PUBLISHED})
# What a writer may still change on their own, without an editor: work not yet reviewed.
WRITERS_OWN = frozenset({_DRAFT, _SUBMITTED})


class Move(StrEnum):
    """One thing a person can do to an entry (the desk's button names)."""

    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    UNPUBLISH = "unpublish"
    DELETE = "delete"
    KEY_EVENT = "key-event"
    PIN = "pin"
    UNPIN = "unpin"
    TAKE_DOWN = "takedown"
    RESTORE = "restore"


@dataclass(frozen=True)
class Step:
    """A move: the statuses it starts from, the status it leads to (None: unchanged), the
    permission it needs, and whether a writer may make it on their own unreviewed entry."""

    sources: frozenset[str]
    target: str | None
    needs: Action
    writer_may: bool = False


MOVES: dict[Move, Step] = {
    Move.EDIT: Step(NOT_DELETED, None, Action.PUBLISH, writer_may=True),
    Move.SUBMIT: Step(frozenset({_DRAFT}), _SUBMITTED, Action.PUBLISH, writer_may=True),
    Move.APPROVE: Step(frozenset({_SUBMITTED}), _PUBLISHED, Action.PUBLISH),
    Move.REJECT: Step(frozenset({_SUBMITTED}), _DRAFT, Action.PUBLISH),
    Move.PUBLISH: Step(frozenset({_DRAFT, _SUBMITTED, _SCHEDULED}), _PUBLISHED, Action.PUBLISH),
    Move.SCHEDULE: Step(frozenset({_DRAFT, _SUBMITTED, _SCHEDULED}), _SCHEDULED, Action.PUBLISH),
    Move.UNPUBLISH: Step(frozenset({_PUBLISHED}), _DRAFT, Action.PUBLISH),
    Move.DELETE: Step(NOT_DELETED, EntryStatus.DELETED, Action.PUBLISH, writer_may=True),
    Move.KEY_EVENT: Step(NOT_DELETED, None, Action.CURATE),
    Move.PIN: Step(frozenset({_PUBLISHED}), None, Action.CURATE),
    Move.UNPIN: Step(frozenset({_PUBLISHED}), None, Action.CURATE),
    # Also for deleted entries: a takedown clears what a deletion kept (the revisions' text).
    Move.TAKE_DOWN: Step(frozenset(EntryStatus.values), EntryStatus.DELETED, Action.TAKE_DOWN),
    # Back to the status it had before it was deleted (a published entry is published again),
    # for DESK_RESTORE_DAYS after the deletion; never after a takedown (restore_window below).
    Move.RESTORE: Step(frozenset({EntryStatus.DELETED}), None, Action.PUBLISH),
}


def restore_deadline(entry: Entry) -> datetime | None:
    """Until when a deleted entry may be restored (None: never, or not deleted).

    A deleted entry changes no more (no move but restore and takedown starts from deleted),
    so its ``updated_at`` is when it was deleted.
    """
    days = config.current.DESK_RESTORE_DAYS
    if entry.status != EntryStatus.DELETED or entry.taken_down_at is not None or days <= 0:
        return None
    return entry.updated_at + timedelta(days=days)


def _restorable(entry: Entry) -> bool:
    deadline = restore_deadline(entry)
    return deadline is not None and timezone.now() < deadline


def permitted(role: str | None, user_id: int | None, entry: Entry, move: Move) -> bool:
    """Whether this role may make the move at all (whatever the entry's status)."""
    step = MOVES[move]
    if role_allows(role, step.needs):
        return True
    own = user_id is not None and entry.created_by_id == user_id
    return (
        step.writer_may
        and own
        and entry.status in WRITERS_OWN
        and role_allows(role, Action.WRITE_DRAFT)
    )


def possible(entry: Entry, move: Move) -> bool:
    """Whether the entry's status allows the move (whoever asks)."""
    if move == Move.TAKE_DOWN and entry.taken_down_at is not None:
        return False
    if move == Move.RESTORE:
        return _restorable(entry)
    return entry.status in MOVES[move].sources


def refusal(entry: Entry, move: Move) -> InvalidState:
    """Why the entry's status does not allow the move, in the desk's words."""
    step = MOVES[move]
    if move == Move.TAKE_DOWN:
        return InvalidState(f"entry {entry.pk} was already taken down")
    if move == Move.RESTORE:
        return _restore_refusal(entry)
    if move in {Move.PIN, Move.UNPIN}:
        return InvalidState(
            f"only a published entry can be pinned, entry {entry.pk} is {entry.status}"
        )
    if entry.status == EntryStatus.DELETED and step.target is None:
        return InvalidState(f"entry {entry.pk} was deleted and can no longer be edited")
    return InvalidState(
        f"entry {entry.pk} can become {step.target} only from "
        f"{' or '.join(sorted(step.sources))}, it is {entry.status}"
    )


def _restore_refusal(entry: Entry) -> InvalidState:
    if entry.taken_down_at is not None:
        return InvalidState(f"entry {entry.pk} was taken down: a takedown cannot be undone")
    if entry.status != EntryStatus.DELETED:
        return InvalidState(
            f"only a deleted entry can be restored, entry {entry.pk} is {entry.status}"
        )
    days = config.current.DESK_RESTORE_DAYS
    if days <= 0:
        return InvalidState("deleted entries cannot be restored on this site (DESK_RESTORE_DAYS=0)")
    return InvalidState(
        f"entry {entry.pk} was deleted on {entry.updated_at:%Y-%m-%d %H:%M} UTC: deleted "
        f"entries can be restored for {days} days only"
    )


def require_possible(entry: Entry, move: Move) -> None:
    if not possible(entry, move):
        raise refusal(entry, move)


def entry_actions(
    role: str | None, user_id: int | None, entry: Entry, *, pinned: bool
) -> frozenset[Move]:
    """The moves this viewer may make on the entry now: the buttons of its desk card.

    One button per outcome: a submitted entry is published by approving it, an editor
    publishes rather than submits, and a pinned entry offers Unpin instead of Pin.
    """
    moves = {
        move for move in Move if permitted(role, user_id, entry, move) and possible(entry, move)
    }
    moves.discard(Move.UNPIN if not pinned else Move.PIN)
    if Move.APPROVE in moves:
        moves.discard(Move.PUBLISH)
    if role_allows(role, Action.PUBLISH):
        moves.discard(Move.SUBMIT)
    return frozenset(moves)
