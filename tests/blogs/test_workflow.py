"""One table says which moves an entry allows and who may make them; the card asks it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bulletin.accounts.models import Role
from bulletin.blogs.models import Entry, EntryStatus
from bulletin.blogs.workflow import MOVES, Move, entry_actions, possible, refusal

WRITER, OTHER = 7, 8


def entry(status: str, by: int = WRITER) -> Entry:
    return Entry(pk=1, status=status, created_by_id=by)


def moves(role: str | None, status: str, *, by: int = WRITER, pinned: bool = False) -> set[str]:
    return {str(move) for move in entry_actions(role, WRITER, entry(status, by), pinned=pinned)}


def test_a_contributor_edits_submits_and_deletes_only_their_own_draft():
    assert moves(Role.CONTRIBUTOR, EntryStatus.DRAFT) == {"edit", "submit", "delete"}
    assert moves(Role.CONTRIBUTOR, EntryStatus.SUBMITTED) == {"edit", "delete"}
    assert moves(Role.CONTRIBUTOR, EntryStatus.DRAFT, by=OTHER) == set()
    assert moves(Role.CONTRIBUTOR, EntryStatus.PUBLISHED) == set()


def test_an_editor_approves_a_submission_instead_of_publishing_it():
    offered = moves(Role.EDITOR, EntryStatus.SUBMITTED, by=OTHER)

    assert {"approve", "reject", "edit", "delete", "takedown"} <= offered
    assert "publish" not in offered
    assert "submit" not in offered


def test_a_published_entry_offers_pin_or_unpin_by_whether_it_is_pinned():
    assert {"pin", "unpublish", "key-event"} <= moves(Role.EDITOR, EntryStatus.PUBLISHED)
    pinned = moves(Role.EDITOR, EntryStatus.PUBLISHED, pinned=True)
    assert "unpin" in pinned
    assert "pin" not in pinned


def test_a_deleted_entry_can_only_be_restored_or_taken_down():
    assert moves(Role.OWNER, EntryStatus.DELETED) == {"restore", "takedown"}
    assert moves(Role.CONTRIBUTOR, EntryStatus.DELETED) == set()


def test_a_deleted_entry_is_restorable_for_the_window_only_and_never_after_a_takedown():
    gone = entry(EntryStatus.DELETED)
    assert possible(gone, Move.RESTORE)

    gone.updated_at -= timedelta(days=31)  # DESK_RESTORE_DAYS is 30 by default
    assert not possible(gone, Move.RESTORE)
    assert "can be restored for 30 days only" in refusal(gone, Move.RESTORE).message

    taken_down = entry(EntryStatus.DELETED)
    taken_down.taken_down_at = taken_down.created_at
    assert not possible(taken_down, Move.RESTORE)
    assert "a takedown cannot be undone" in refusal(taken_down, Move.RESTORE).message
    assert not possible(entry(EntryStatus.PUBLISHED), Move.RESTORE)


def test_a_reader_may_do_nothing():
    assert moves(None, EntryStatus.PUBLISHED) == set()


@pytest.mark.parametrize("move", [move for move in Move if MOVES[move].target is not None])
def test_no_move_leads_where_it_starts(move):
    step = MOVES[move]

    assert step.target not in step.sources or move in {Move.SCHEDULE, Move.TAKE_DOWN}


def test_a_taken_down_entry_is_not_taken_down_twice():
    gone = entry(EntryStatus.DELETED)
    assert possible(gone, Move.TAKE_DOWN)

    gone.taken_down_at = gone.created_at
    assert not possible(gone, Move.TAKE_DOWN)
