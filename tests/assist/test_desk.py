"""The desk's side: the composer's repeat check and the suggestion buttons."""

from __future__ import annotations

import json

import pytest

from bulletin.assist import services
from bulletin.blogs.models import KeyPoint
from tests.assist.conftest import FOLLOW_UP, REWORDED

pytestmark = pytest.mark.django_db


def test_the_composer_check_answers_with_a_warning_line(team):
    client = team.client_of(team.contributor)

    response = client.post(f"/desk/{team.blog.slug}/assist/similar", REWORDED)

    assert response.status_code == 200
    (item,) = json.loads(response.content)["similar"]
    assert item["entry_id"] == team.story.pk
    assert item["warning"].startswith("This looks like ")
    assert team.story.headline[:20] in item["warning"]
    assert item["edit_url"] == f"/desk/{team.blog.slug}/entries/{team.story.pk}/edit"


def test_the_composer_check_is_quiet_for_a_follow_up(team):
    client = team.client_of(team.editor)

    response = client.post(f"/desk/{team.blog.slug}/assist/similar", FOLLOW_UP)

    assert json.loads(response.content) == {"similar": []}


def test_a_bad_entry_id_is_a_json_error(team):
    client = team.client_of(team.editor)

    response = client.post(f"/desk/{team.blog.slug}/assist/similar", {"entry_id": "x"})

    assert response.status_code == 400
    assert json.loads(response.content)["error"]["code"] == "validation_error"


def test_the_check_needs_a_member_and_csrf(team):
    stranger = team.client_of(team.stranger)
    assert stranger.post(f"/desk/{team.blog.slug}/assist/similar", REWORDED).status_code == 403
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(team.editor)
    assert strict.post(f"/desk/{team.blog.slug}/assist/similar", REWORDED).status_code == 403


def test_editors_see_suggestions_in_the_key_points_panel_contributors_do_not(team):
    suggestion = services.suggestions(team.editor, team.blog)[0]

    page = team.client_of(team.editor).get(f"/desk/{team.blog.slug}/").content.decode()
    assert "Suggested from the last hours" in page
    assert suggestion.key in page
    page = team.client_of(team.contributor).get(f"/desk/{team.blog.slug}/").content.decode()
    assert "Suggested from the last hours" not in page
    assert 'data-repeat-check="/desk/' in page


def test_accept_and_dismiss_buttons(team):
    first, second = services.suggestions(team.editor, team.blog)[:2]
    client = team.client_of(team.editor)

    response = client.post(
        f"/desk/{team.blog.slug}/assist/key-points/{first.key}/accept", {"text": " Edited line "}
    )
    assert response.status_code == 303
    assert list(KeyPoint.objects.values_list("text", flat=True)) == ["Edited line"]
    response = client.post(f"/desk/{team.blog.slug}/assist/key-points/{second.key}/dismiss")
    assert response.status_code == 303
    assert second.key not in {s.key for s in services.suggestions(team.editor, team.blog)}


def test_a_contributor_cannot_accept(team):
    key = services.suggestions(team.editor, team.blog)[0].key
    client = team.client_of(team.contributor)

    response = client.post(f"/desk/{team.blog.slug}/assist/key-points/{key}/accept")

    assert response.status_code == 403
    assert not KeyPoint.objects.exists()
