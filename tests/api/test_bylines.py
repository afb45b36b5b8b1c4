"""Guest and agency bylines and contributor profiles through API v1 (reader item 6)."""

from __future__ import annotations

from typing import Any

import pytest

from bulletin.blogs.models import Contributor, Entry
from tests.api.support import Api

pytestmark = pytest.mark.django_db


def _profile(desk, **body) -> dict[str, Any]:
    response = desk.api.post(f"{desk.path}/contributors", {"name": "Ana Costa", **body})
    assert response.status_code == 201, response.content
    made: dict[str, Any] = response.json()
    return made


def test_an_entry_credited_to_an_agency_says_so_and_not_the_writer(desk):
    response = desk.api.post(
        f"{desk.path}/entries", {"headline": "Ceasefire agreed", "guest_byline": "Reuters"}
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["guest_byline"] == "Reuters"
    assert data["authors"] == []  # the token's owner is not credited for an agency's words
    assert '<span class="entry__author entry__author--guest">Reuters</span>' in data["html"]


def test_a_guest_byline_follows_the_people(desk, make):
    reporter = make.member(desk.blog, "editor", display_name="Jo Lane")
    data = desk.api.post(
        f"{desk.path}/entries",
        {"headline": "Talks", "author_ids": [reporter.pk], "guest_byline": "Staff and agencies"},
    ).json()

    assert (
        '<span class="entry__author">Jo Lane</span> and '
        '<span class="entry__author entry__author--guest">Staff and agencies</span>'
    ) in data["html"]


def test_a_guest_byline_is_one_line_of_at_most_200_characters(desk):
    too_long = desk.api.post(f"{desk.path}/entries", {"headline": "x", "guest_byline": "R" * 201})
    two_lines = desk.api.post(
        f"{desk.path}/entries", {"headline": "x", "guest_byline": "Reuters\nAP"}
    )

    assert too_long.status_code == 400
    assert "at most 200 characters, got 201" in too_long.json()["error"]["fields"]["guest_byline"]
    assert two_lines.status_code == 201
    assert two_lines.json()["guest_byline"] == "Reuters AP"


def test_owners_keep_contributor_profiles_and_entries_credit_them(desk):
    profile = _profile(desk, role="Washington correspondent")

    entry = desk.api.post(
        f"{desk.path}/entries", {"headline": "Vote tonight", "contributor_ids": [profile["id"]]}
    ).json()

    assert entry["authors"] == []
    assert entry["contributors"] == [
        {
            "id": profile["id"],
            "name": "Ana Costa",
            "role": "Washington correspondent",
            "photo": None,
        }
    ]
    assert 'Ana Costa <span class="entry__role">Washington correspondent</span>' in entry["html"]
    listed = desk.api.get(f"{desk.path}/contributors").json()["items"]
    assert [person["name"] for person in listed] == ["Ana Costa"]


def test_renaming_a_profile_re_renders_the_entries_that_credit_it(desk):
    profile = _profile(desk)
    entry = desk.api.post(
        f"{desk.path}/entries", {"headline": "Vote", "contributor_ids": [profile["id"]]}
    ).json()

    changed = desk.api.patch(
        f"{desk.path}/contributors/{profile['id']}", {"role": "Political editor"}
    )

    assert changed.status_code == 200, changed.content
    assert changed.json()["role"] == "Political editor"
    html = Entry.objects.get(pk=entry["id"]).html
    assert '<span class="entry__role">Political editor</span>' in html


def test_deleting_a_profile_removes_its_credit(desk):
    profile = _profile(desk)
    entry = desk.api.post(
        f"{desk.path}/entries", {"headline": "Vote", "contributor_ids": [profile["id"]]}
    ).json()

    assert desk.api.delete(f"{desk.path}/contributors/{profile['id']}").status_code == 204

    assert not Contributor.objects.filter(pk=profile["id"]).exists()
    assert "Ana Costa" not in Entry.objects.get(pk=entry["id"]).html


def test_an_entry_edit_sets_and_clears_the_byline(desk):
    profile = _profile(desk)
    entry = desk.api.post(f"{desk.path}/entries", {"headline": "Vote"}).json()
    path = f"{desk.path}/entries/{entry['id']}"

    edited = desk.api.patch(
        path,
        {"guest_byline": "AP", "contributor_ids": [profile["id"]], "author_ids": []},
        if_match=str(entry["revision"]),
    ).json()
    cleared = desk.api.patch(
        path, {"guest_byline": "", "contributor_ids": []}, if_match=str(edited["revision"])
    ).json()

    assert (edited["guest_byline"], [p["id"] for p in edited["contributors"]]) == (
        "AP",
        [profile["id"]],
    )
    assert edited["authors"] == []
    assert (cleared["guest_byline"], cleared["contributors"]) == ("", [])


def test_an_entry_may_credit_only_its_own_blogs_profiles(desk, make):
    other = make.blog()
    stranger = Contributor.objects.create(blog=other, name="Someone else")

    response = desk.api.post(
        f"{desk.path}/entries", {"headline": "x", "contributor_ids": [stranger.pk]}
    )

    assert response.status_code == 400
    assert (
        "contributor profiles, got unknown id(s)"
        in (response.json()["error"]["fields"]["contributor_ids"])
    )
    assert not Entry.objects.filter(blog=desk.blog).exists()


@pytest.mark.parametrize("role", ["editor", "contributor"])
def test_only_owners_manage_profiles_but_members_list_them(desk, make, api_as, role):
    profile = _profile(desk)
    member: Api = api_as(make.member(desk.blog, role))

    created = member.post(f"{desk.path}/contributors", {"name": "Ben"})
    changed = member.patch(f"{desk.path}/contributors/{profile['id']}", {"name": "Ben"})
    removed = member.delete(f"{desk.path}/contributors/{profile['id']}")
    listed = member.get(f"{desk.path}/contributors")

    assert (created.status_code, changed.status_code, removed.status_code) == (403, 403, 403)
    assert "manage the contributor profiles of" in created.json()["error"]["message"]
    assert listed.status_code == 200
    assert Contributor.objects.get(pk=profile["id"]).name == "Ana Costa"


def test_readers_do_not_list_profiles(desk, anonymous):
    _profile(desk)

    assert anonymous.get(f"{desk.path}/contributors").status_code == 401


def test_a_profile_needs_a_name(desk):
    response = desk.api.post(f"{desk.path}/contributors", {"name": "  ", "role": "Stringer"})

    assert response.status_code == 400
    assert "name" in response.json()["error"]["fields"]


def test_a_profile_photo_must_be_an_image_this_team_uploaded(desk, make):
    response = desk.api.post(f"{desk.path}/contributors", {"name": "Ana", "photo_id": 999_999})

    assert response.status_code == 400
    assert "photo_id" in response.json()["error"]["fields"]


def test_a_blog_language_may_name_a_region_for_its_conventions(desk):
    british = desk.api.patch(desk.path, {"language": "en-GB"})
    unknown = desk.api.patch(desk.path, {"language": "xx-YY"})

    assert british.status_code == 200, british.content
    assert british.json()["language"] == "en-gb"
    assert unknown.status_code == 400
    assert "en-us, en-gb" in unknown.json()["error"]["fields"]["language"]


def test_changing_the_language_rewrites_every_entrys_times(desk):
    desk.api.patch(desk.path, {"language": "en-us", "timezone": "Europe/London"})
    entry = desk.api.post(
        f"{desk.path}/entries", {"headline": "Vote", "display_at": "2026-01-27T14:39:00Z"}
    ).json()
    assert ">2:39 PM GMT</time>" in entry["html"]

    desk.api.patch(desk.path, {"language": "en-gb"})

    assert ">14:39 GMT</time>" in Entry.objects.get(pk=entry["id"]).html
