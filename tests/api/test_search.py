"""Searching entries through the API (``?q=`` and filters) and restoring a deleted entry:
the same search as the desk's (bulletin.blogs.search), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pytest

from bulletin.accounts.models import Role
from bulletin.blogs import services
from bulletin.blogs.models import Entry
from tests.api.conftest import Desk
from tests.api.support import Api, error_of, json_of, writes_nothing
from tests.factories import Factory


def _search(desk: Desk, api: Api | None = None, **params: str) -> list[str]:
    response = (api or desk.api).get(f"{desk.path}/entries?{urlencode(params)}")
    return [item["headline"] for item in json_of(response)["items"]]


def test_q_finds_entries_by_their_words_best_first(desk: Desk, make: Factory) -> None:
    make.entry(desk.blog, headline="Council meeting", body="<p>The ferry was discussed.</p>")
    make.entry(desk.blog, headline="Ferry cancelled", body="<p>Storm.</p>")
    make.entry(desk.blog, headline="Bridge open")

    assert _search(desk, q="ferries") == ["Ferry cancelled", "Council meeting"]


def test_search_pages_follow_next_cursor_to_the_end(desk: Desk, make: Factory) -> None:
    for n in range(5):
        make.entry(desk.blog, headline=f"Ferry update {n}")
    seen: list[str] = []
    path = f"{desk.path}/entries?q=ferry&limit=2"
    while path:
        page = json_of(desk.api.get(path))
        seen += [item["headline"] for item in page["items"]]
        cursor = page["next_cursor"]
        path = f"{desk.path}/entries?q=ferry&limit=2&cursor={cursor}" if cursor else ""

    assert sorted(seen) == [f"Ferry update {n}" for n in range(5)]


def test_filters_narrow_a_listing_and_a_search(desk: Desk, make: Factory) -> None:
    make.entry(desk.blog, headline="Ferry key", key_event=True)
    make.entry(desk.blog, headline="Ferry plain")

    assert _search(desk, key_events="1") == ["Ferry key"]
    assert _search(desk, q="ferry", key_events="0") == ["Ferry plain"]
    assert _search(desk, q="ferry", date_to="2001-01-01") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "tomorrow"}, "date_from"),
        ({"q": "x", "date_to": "2026-02-30"}, "date_to"),
        ({"author": "me"}, "author"),
        ({"key_events": "yes please"}, "key_events"),
        ({"q": "ferry", "cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(desk: Desk, params: dict[str, str], field: str) -> None:
    error = error_of(desk.api.get(f"{desk.path}/entries?{urlencode(params)}"), 400)

    assert field in error["message"]
    assert repr(next(v for k, v in params.items() if k == field)) in error["message"]


@pytest.mark.parametrize("q", ['"', "NEAR(a b)", "a:b", "-ferry", "*", "ferry)", "'||'"])
def test_query_syntax_characters_never_cause_an_error(desk: Desk, make: Factory, q: str) -> None:
    make.entry(desk.blog, headline="Ferry")

    json_of(desk.api.get(f"{desk.path}/entries?{urlencode({'q': q})}"))


def test_readers_search_only_published_entries(
    desk: Desk, make: Factory, anonymous: Api, api_as: Callable[..., Api]
) -> None:
    make.entry(desk.blog, headline="Ferry published")
    make.entry(desk.blog, headline="Ferry draft", status="draft")
    contributor = make.member(desk.blog, Role.CONTRIBUTOR)
    make.entry(desk.blog, contributor, headline="Ferry mine", status="draft")

    assert _search(desk, anonymous, q="ferry") == ["Ferry published"]
    assert _search(desk, api_as(contributor), q="ferry", status="draft") == ["Ferry mine"]
    assert sorted(_search(desk, q="ferry", status="draft")) == ["Ferry draft", "Ferry mine"]
    error_of(anonymous.get(f"{desk.path}/entries?q=ferry&status=draft"), 401)


def test_restore_brings_a_deleted_entry_back(desk: Desk, make: Factory) -> None:
    entry = make.entry(desk.blog, headline="Back again")
    services.delete_entry(desk.owner, entry)

    restored = json_of(desk.api.post(f"{desk.path}/entries/{entry.pk}/restore"))

    assert restored["status"] == "published"
    assert _search(desk, q="back") == ["Back again"]


def test_a_taken_down_entry_cannot_be_restored(desk: Desk, make: Factory) -> None:
    entry = make.entry(desk.blog, headline="Libel")
    services.takedown_entry(desk.owner, entry, reason="Court order")

    with writes_nothing():
        error = error_of(desk.api.post(f"{desk.path}/entries/{entry.pk}/restore"), 409)

    assert "a takedown cannot be undone" in error["message"]
    assert Entry.objects.get(pk=entry.pk).status == "deleted"
