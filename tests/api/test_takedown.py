"""POST /api/v1/blogs/{slug}/entries/{id}/takedown: owners and editors take an entry down for
a reason; everyone else is refused, and a refused or malformed call changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bulletin.accounts.models import Role
from bulletin.blogs import services
from bulletin.blogs.models import Entry, EntryStatus
from tests.api.conftest import Desk
from tests.api.support import Api, error_of, json_of, writes_nothing
from tests.factories import Factory

WORDS = "Wrongly named suspect"


def _takedown_path(desk: Desk, entry: Entry) -> str:
    return f"{desk.path}/entries/{entry.pk}/takedown"


@pytest.mark.parametrize("role", [Role.OWNER, Role.EDITOR])
def test_owners_and_editors_take_an_entry_down_and_get_its_tombstone(
    desk: Desk, make: Factory, api_as: Callable[..., Api], role: str
) -> None:
    entry = make.entry(desk.blog, headline=WORDS, body="<p>He did it.</p>")
    caller = desk.owner if role == Role.OWNER else make.member(desk.blog, role)

    body = json_of(
        api_as(caller).post(_takedown_path(desk, entry), {"reason": "Court order 2026/114"})
    )

    assert body["id"] == entry.pk
    assert body["blog"] == desk.blog.slug
    assert body["status"] == "deleted"
    assert body["reason"] == "Court order 2026/114"
    assert body["taken_down_by"] == {"id": caller.pk, "name": caller.byline}
    assert body["taken_down_at"].endswith("Z")
    assert WORDS not in str(body)
    entry.refresh_from_db()
    assert (entry.status, entry.headline, entry.body, entry.html) == ("deleted", "", "", "")
    error_of(desk.api.get(f"{desk.path}/entries/{entry.pk}"), 404)


def test_an_entry_deleted_earlier_can_still_be_taken_down(desk: Desk, make: Factory) -> None:
    entry = make.entry(desk.blog, headline=WORDS)
    services.delete_entry(desk.owner, entry)

    body = json_of(desk.api.post(_takedown_path(desk, entry), {"reason": "Names a minor"}))

    assert body["status"] == "deleted"
    assert Entry.objects.get(pk=entry.pk).taken_down_at is not None


def test_taking_down_twice_is_a_conflict_that_changes_nothing(desk: Desk, make: Factory) -> None:
    entry = make.entry(desk.blog, headline=WORDS)
    json_of(desk.api.post(_takedown_path(desk, entry), {"reason": "Court order"}))

    with writes_nothing():
        error = error_of(desk.api.post(_takedown_path(desk, entry), {"reason": "Again"}), 409)

    assert error["code"] == "invalid_state"


def test_a_contributor_may_not_take_down_and_nothing_changes(
    desk: Desk, make: Factory, api_as: Callable[..., Api]
) -> None:
    entry = make.entry(desk.blog, headline=WORDS)
    contributor = make.member(desk.blog, Role.CONTRIBUTOR)

    with writes_nothing():
        error = error_of(
            api_as(contributor).post(_takedown_path(desk, entry), {"reason": "Mine to remove"}),
            403,
        )

    assert "your role is contributor" in error["message"]
    assert Entry.objects.get(pk=entry.pk).headline == WORDS


def test_an_anonymous_caller_must_sign_in_and_nothing_changes(
    desk: Desk, make: Factory, anonymous: Api
) -> None:
    entry = make.entry(desk.blog, headline=WORDS)

    with writes_nothing():
        error_of(anonymous.post(_takedown_path(desk, entry), {"reason": "Because"}), 401)


def test_a_read_only_token_may_not_take_down(
    desk: Desk, make: Factory, api_as: Callable[..., Api]
) -> None:
    entry = make.entry(desk.blog, headline=WORDS)

    with writes_nothing():
        error = error_of(
            api_as(desk.owner, ["read"]).post(_takedown_path(desk, entry), {"reason": "Because"}),
            403,
        )

    assert "'write' scope" in error["message"]


def test_a_stranger_finds_no_entry_on_a_draft_blog_and_is_refused_on_a_live_one(
    desk: Desk, make: Factory, api_as: Callable[..., Api]
) -> None:
    stranger = api_as(make.user())
    live_entry = make.entry(desk.blog, headline=WORDS)
    draft_blog = make.blog(desk.owner, live=False)
    hidden = make.entry(draft_blog, status=EntryStatus.DRAFT, headline=WORDS)

    with writes_nothing():
        error_of(
            stranger.post(
                f"/blogs/{draft_blog.slug}/entries/{hidden.pk}/takedown", {"reason": "Because"}
            ),
            404,
        )
        error = error_of(stranger.post(_takedown_path(desk, live_entry), {"reason": "X"}), 403)

    assert "you are not a member of this live blog" in error["message"]


def test_a_deleted_entry_stays_not_found_for_those_who_may_not_take_down(
    desk: Desk, make: Factory, api_as: Callable[..., Api]
) -> None:
    entry = make.entry(desk.blog, headline=WORDS)
    services.delete_entry(desk.owner, entry)
    contributor = api_as(make.member(desk.blog, Role.CONTRIBUTOR))

    with writes_nothing():
        error_of(contributor.post(_takedown_path(desk, entry), {"reason": "Because"}), 404)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param({}, "reason", id="no reason"),
        pytest.param({"reason": ""}, "required", id="an empty reason"),
        pytest.param({"reason": "   \n "}, "required", id="a blank reason"),
        pytest.param({"reason": "x" * 1001}, "1000", id="a reason over 1000 characters"),
        pytest.param({"reason": "Court\x00order"}, "NUL", id="a NUL in the reason"),
        pytest.param({"reason": 42}, "string", id="a number for a reason"),
        pytest.param({"reason": "Court order", "purge": True}, "purge", id="an unknown field"),
    ],
)
def test_a_bad_request_is_refused_with_400_and_nothing_changes(
    desk: Desk, make: Factory, body: dict[str, object], expected: str
) -> None:
    entry = make.entry(desk.blog, headline=WORDS)

    with writes_nothing():
        error = error_of(desk.api.post(_takedown_path(desk, entry), body), 400)

    assert error["code"] == "validation_error"
    assert expected.lower() in error["message"].lower()
    assert Entry.objects.get(pk=entry.pk).headline == WORDS


def test_a_body_that_is_not_json_is_refused_and_nothing_changes(desk: Desk, make: Factory) -> None:
    entry = make.entry(desk.blog, headline=WORDS)

    with writes_nothing():
        response = desk.api.call("POST", _takedown_path(desk, entry), raw="reason=Court")

    error_of(response, 400)


def test_the_route_is_in_the_openapi_schema_with_its_body(desk: Desk) -> None:
    schema = json_of(desk.api.get("/openapi.json"))
    operation = schema["paths"]["/api/v1/blogs/{slug}/entries/{entry_id}/takedown"]["post"]
    assert "requestBody" in operation
    assert {"200", "400", "401", "403", "404", "409"} <= set(operation["responses"])
