"""API v1 of the assistant: shapes as documented, the one error shape, roles."""

from __future__ import annotations

import pytest

from bulletin.accounts.models import Scope
from bulletin.blogs.models import KeyPoint
from tests.api.support import Api, error_of, json_of, writes_nothing
from tests.assist.conftest import FOLLOW_UP, REWORDED

pytestmark = pytest.mark.django_db


def test_similar_returns_the_repeated_entry_with_score_and_new_sentences(team, api_as):
    found = json_of(api_as(team.contributor).post(f"{team.path}/similar", REWORDED))

    (item,) = found["similar"]
    assert set(item) >= {"entry_id", "headline", "score", "new_sentences"}
    assert item["entry_id"] == team.story.pk
    assert item["headline"] == team.story.headline
    assert 0.6 <= item["score"] <= 1
    assert isinstance(item["new_sentences"], list)


def test_a_follow_up_gets_an_empty_list(team, api_as):
    assert json_of(api_as(team.editor).post(f"{team.path}/similar", FOLLOW_UP)) == {"similar": []}


def test_similar_refuses_the_anonymous_readers_and_non_members(team, api_as, make):
    anonymous = Api(api_as(team.owner).client)
    error_of(anonymous.post(f"{team.path}/similar", REWORDED), 401)
    reader_token = api_as(team.editor, [Scope.READ])
    error_of(reader_token.post(f"{team.path}/similar", REWORDED), 403)
    error = error_of(api_as(team.stranger).post(f"{team.path}/similar", REWORDED), 403)
    assert "not a member" in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"headline": "x" * 301, "body": ""}, "headline"),
        ({"headline": "ok", "body": "", "colour": "red"}, "colour"),
        ({"headline": 4, "body": ""}, "headline"),
        ({"headline": "ok", "entry_id": 0}, "entry_id"),
    ],
)
def test_bad_bodies_get_the_one_error_shape_naming_the_field(team, api_as, body, field):
    with writes_nothing():
        error = error_of(api_as(team.editor).post(f"{team.path}/similar", body), 400)

    assert error["code"] == "validation_error"
    assert field in error["message"]


def test_an_unknown_blog_is_not_found(team, api_as):
    error_of(api_as(team.editor).post("/blogs/no-such-blog/assist/similar", REWORDED), 404)


def test_key_point_suggestions_have_the_documented_shape(team, api_as):
    found = json_of(api_as(team.editor).get(f"{team.path}/key-points"))

    assert found["suggestions"]
    for suggestion in found["suggestions"]:
        assert set(suggestion) >= {"text", "entry_ids"}
        assert all(isinstance(i, int) for i in suggestion["entry_ids"])


def test_contributors_and_readers_may_not_read_suggestions(team, api_as):
    error_of(api_as(team.contributor).get(f"{team.path}/key-points"), 403)
    error_of(Api(api_as(team.owner).client).get(f"{team.path}/key-points"), 401)


def test_accept_and_dismiss_over_the_api(team, api_as):
    api = api_as(team.editor)
    first, second = json_of(api.get(f"{team.path}/key-points"))["suggestions"][:2]

    box = json_of(api.post(f"{team.path}/key-points/{first['key']}/accept", {}))
    assert box["key_points"] == [{"text": first["text"], "entry_id": first["entry_ids"][0]}]
    assert api.post(f"{team.path}/key-points/{second['key']}/dismiss").status_code == 204

    left = {s["key"] for s in json_of(api.get(f"{team.path}/key-points"))["suggestions"]}
    assert {first["key"], second["key"]}.isdisjoint(left)


def test_accepting_an_edited_line_that_is_too_long_is_refused_and_changes_nothing(team, api_as):
    api = api_as(team.editor)
    key = json_of(api.get(f"{team.path}/key-points"))["suggestions"][0]["key"]

    with writes_nothing():
        error_of(api.post(f"{team.path}/key-points/{key}/accept", {"text": "x" * 281}), 400)
    assert not KeyPoint.objects.exists()


def test_settings_owners_change_the_threshold(team, api_as):
    assert json_of(api_as(team.contributor).get(f"{team.path}/settings")) == {
        "repeat_threshold": 0.6
    }
    error_of(api_as(team.editor).put(f"{team.path}/settings", {"repeat_threshold": 0.8}), 403)
    error_of(api_as(team.owner).put(f"{team.path}/settings", {"repeat_threshold": 2}), 400)

    changed = json_of(api_as(team.owner).put(f"{team.path}/settings", {"repeat_threshold": 0.8}))

    assert changed == {"repeat_threshold": 0.8}
