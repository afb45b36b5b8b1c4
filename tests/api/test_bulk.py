"""One action on several entries over the API (``POST …/entries/bulk``): each entry moves as
its single route would, all in one transaction; a refusal names the field and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bulletin.accounts.models import Role
from bulletin.blogs.models import Activity, Change, ChangeKind, Entry, LiveBlog
from bulletin.blogs.services import BULK_MAX
from tests.api.conftest import Desk
from tests.api.support import Api, error_of, json_of, writes_nothing
from tests.factories import Factory


def _bulk(desk: Desk, action: Any, entries: Any, api: Api | None = None) -> Any:
    return (api or desk.api).post(
        f"{desk.path}/entries/bulk", {"action": action, "entries": entries}
    )


def _statuses(entries: list[Entry]) -> list[str]:
    return [Entry.objects.get(pk=entry.pk).status for entry in entries]


def test_bulk_unpublish_moves_each_entry_and_answers_which_changed(
    desk: Desk, make: Factory
) -> None:
    chosen = [make.entry(desk.blog, headline=f"Wrong {n}") for n in range(3)]
    kept = make.entry(desk.blog, headline="Right")
    seq = LiveBlog.objects.get(pk=desk.blog.pk).seq

    answer = json_of(_bulk(desk, "unpublish", [entry.pk for entry in chosen]))

    assert answer == {
        "action": "unpublish",
        "changed": [entry.pk for entry in chosen],
        "unchanged": [],
    }
    assert _statuses(chosen) == ["draft"] * 3
    assert _statuses([kept]) == ["published"]
    # Readers are told as for three single unpublishes: one tombstone each.
    tombstones = Change.objects.filter(blog=desk.blog, seq__gt=seq, kind=ChangeKind.DELETE)
    assert sorted(tombstones.values_list("entry_id", flat=True)) == sorted(e.pk for e in chosen)
    assert set(tombstones.values_list("action", flat=True)) == {Activity.UNPUBLISHED}


def test_bulk_key_events_leave_entries_already_marked_alone(desk: Desk, make: Factory) -> None:
    marked = make.entry(desk.blog, headline="Already", key_event=True)
    plain = make.entry(desk.blog, headline="Plain")

    answer = json_of(_bulk(desk, "key-event", [marked.pk, plain.pk, plain.pk]))

    assert answer["changed"] == [plain.pk]
    assert answer["unchanged"] == [marked.pk]
    assert Entry.objects.get(pk=marked.pk).revision == 1
    assert Entry.objects.get(pk=plain.pk).is_key_event
    assert json_of(_bulk(desk, "not-key-event", [marked.pk, plain.pk]))["changed"] == [
        marked.pk,
        plain.pk,
    ]


def test_bulk_delete_removes_the_entries_from_the_stream(desk: Desk, make: Factory) -> None:
    entries = [make.entry(desk.blog, headline=f"Entry {n}") for n in range(2)]

    json_of(_bulk(desk, "delete", [entry.pk for entry in entries]))

    assert _statuses(entries) == ["deleted", "deleted"]
    error_of(desk.api.get(f"{desk.path}/entries/{entries[0].pk}"), 404)


def test_bulk_is_all_or_nothing_and_the_refusal_names_the_entry(desk: Desk, make: Factory) -> None:
    published = make.entry(desk.blog, headline="Published")
    draft = make.entry(desk.blog, headline="Draft", status="draft")

    with writes_nothing():
        error = error_of(_bulk(desk, "unpublish", [published.pk, draft.pk]), 409)

    assert f"entry {draft.pk} can become draft only from published" in error["message"]


def _other_blogs_entry(make: Factory) -> int:
    return make.entry(make.blog(), headline="Theirs").pk


@pytest.mark.parametrize(
    ("action", "entries", "field", "says"),
    [
        ("explode", "ENTRY", "action", "expected one of unpublish, delete, key-event"),
        (7, "ENTRY", "action", "must be a string, got 7"),
        ("delete", [], "entries", "select one or more entries, got none"),
        ("delete", list(range(1, BULK_MAX + 2)), "entries", f"at most {BULK_MAX} entries"),
        ("delete", ["one"], "entries[0]", 'must be a whole number, got "one"'),
        ("delete", [0], "entries[0]", "must be at least 1, got 0"),
        ("delete", "ENTRY+999999", "entries", "got 1 that is not: 999999"),
        ("delete", "ENTRY+THEIRS", "entries", "that is not: THEIRS"),
    ],
)
def test_a_bad_bulk_request_is_a_400_naming_the_field_and_changes_nothing(
    desk: Desk, make: Factory, action: Any, entries: Any, field: str, says: str
) -> None:
    mine = make.entry(desk.blog, headline="Mine").pk
    theirs = _other_blogs_entry(make)
    if entries == "ENTRY":
        entries = [mine]
    elif isinstance(entries, str):
        entries = [mine, theirs if entries.endswith("THEIRS") else 999999]
        says = says.replace("THEIRS", str(theirs))

    with writes_nothing():
        error = error_of(_bulk(desk, action, entries), 400)

    assert error["code"] == "validation_error"
    assert says in error["fields"][field], error
    assert error["message"].startswith(f"{field}: ")


def test_a_colleagues_draft_is_unknown_to_a_contributor(
    desk: Desk, make: Factory, api_as: Callable[..., Api]
) -> None:
    contributor = make.member(desk.blog, Role.CONTRIBUTOR)
    hidden = make.entry(desk.blog, headline="Editor draft", status="draft")
    own = make.entry(desk.blog, contributor, headline="Own draft", status="draft")

    with writes_nothing():
        error = error_of(_bulk(desk, "delete", [own.pk, hidden.pk], api_as(contributor)), 400)

    assert error["fields"] == {
        "entries": f"expected ids of entries in live blog {desk.blog.slug!r}, got 1 that is "
        f"not: {hidden.pk}"
    }
    json_of(_bulk(desk, "delete", [own.pk], api_as(contributor)))
    assert _statuses([own]) == ["deleted"]


def test_a_contributor_may_not_unpublish_in_bulk(
    desk: Desk, make: Factory, api_as: Callable[..., Api]
) -> None:
    contributor = make.member(desk.blog, Role.CONTRIBUTOR)
    entry = make.entry(desk.blog, headline="Published")

    with writes_nothing():
        error = error_of(_bulk(desk, "unpublish", [entry.pk], api_as(contributor)), 403)

    assert "your role is contributor" in error["message"]


def test_unknown_fields_in_a_bulk_request_are_refused(desk: Desk, make: Factory) -> None:
    entry = make.entry(desk.blog)

    with writes_nothing():
        response = desk.api.post(
            f"{desk.path}/entries/bulk", {"action": "delete", "entries": [entry.pk], "ids": [1]}
        )

    assert error_of(response, 400)["fields"] == {"ids": "is not a known field"}


def test_a_single_entry_is_still_found_beside_the_bulk_route(desk: Desk, make: Factory) -> None:
    entry = make.entry(desk.blog, headline="Alone")

    assert json_of(desk.api.get(f"{desk.path}/entries/{entry.pk}"))["headline"] == "Alone"
    assert "allowed: POST" in error_of(desk.api.get(f"{desk.path}/entries/bulk"), 405)["message"]


def test_the_pinned_entry_deleted_in_bulk_is_pinned_again_when_restored(
    desk: Desk, make: Factory
) -> None:
    pinned = make.entry(desk.blog, headline="What we know")
    json_of(desk.api.post(f"{desk.path}/entries/{pinned.pk}/pin"))
    json_of(_bulk(desk, "delete", [pinned.pk]))
    assert json_of(desk.api.get(desk.path))["pinned_entry_id"] is None
    seq = LiveBlog.objects.get(pk=desk.blog.pk).seq

    json_of(desk.api.post(f"{desk.path}/entries/{pinned.pk}/restore"))

    assert json_of(desk.api.get(desk.path))["pinned_entry_id"] == pinned.pk
    feed = json_of(desk.api.get(f"{desk.path}/changes?since={seq}"))
    assert [change["kind"] for change in feed["changes"]] == ["entry", "blog"]
    assert feed["changes"][1]["data"]["blog"]["pinned_entry_id"] == pinned.pk
