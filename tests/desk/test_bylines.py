"""Bylines on the desk: tick people and contributor profiles, type a guest or agency byline;
owners keep the contributor profiles (name, role, photo). Desk item 5."""

from __future__ import annotations

import pytest

from bulletin.blogs.models import Contributor, Entry
from tests.desk.conftest import Team
from tests.desk.support import media_files, png, upload

pytestmark = pytest.mark.django_db


def _contributors_page(team: Team) -> str:
    return f"/desk/{team.blog.slug}/contributors"


def test_an_owner_adds_a_profile_with_role_and_photo(team: Team) -> None:
    client = team.client_of(team.owner)

    response = client.post(
        _contributors_page(team),
        {"do": "add", "name": "Ana Costa", "role": "Stringer", "photo": upload(png((96, 96)))},
    )

    assert response.status_code == 303
    person = Contributor.objects.get(blog=team.blog)
    assert (person.name, person.role) == ("Ana Costa", "Stringer")
    assert person.photo is not None
    assert person.photo.alt == "Ana Costa"
    page = client.get(_contributors_page(team)).content.decode()
    assert 'value="Ana Costa"' in page


def test_an_owner_renames_and_removes_a_profile(team: Team) -> None:
    client = team.client_of(team.owner)
    person = Contributor.objects.create(blog=team.blog, name="Ana")

    renamed = client.post(
        _contributors_page(team),
        {"do": "change", "contributor": person.pk, "name": "Ana Costa", "role": "Editor-at-large"},
    )
    removed = client.post(_contributors_page(team), {"do": "remove", "contributor": person.pk})

    assert (renamed.status_code, removed.status_code) == (303, 303)
    assert not Contributor.objects.filter(pk=person.pk).exists()


def test_a_nameless_profile_is_refused_and_its_photo_not_kept(team: Team) -> None:
    client = team.client_of(team.owner)

    response = client.post(
        _contributors_page(team), {"do": "add", "name": " ", "photo": upload(png())}
    )

    assert response.status_code == 400
    assert "must not be empty" in response.content.decode()
    assert not Contributor.objects.exists()
    assert media_files() == []


@pytest.mark.parametrize("who", ["editor", "contributor"])
def test_only_owners_change_profiles_but_every_member_sees_them(team: Team, who: str) -> None:
    client = team.client_of(getattr(team, who))
    Contributor.objects.create(blog=team.blog, name="Ana Costa")

    refused = client.post(_contributors_page(team), {"do": "add", "name": "Ben"})
    page = client.get(_contributors_page(team))

    assert refused.status_code == 403
    assert page.status_code == 200
    assert "Ana Costa" in page.content.decode()
    assert "Add a contributor" not in page.content.decode()
    assert Contributor.objects.count() == 1


def test_the_composer_credits_ticked_profiles_and_a_typed_guest_byline(team: Team) -> None:
    person = Contributor.objects.create(blog=team.blog, name="Ana Costa", role="Stringer")
    client = team.client_of(team.editor)
    composer = client.get(f"/desk/{team.blog.slug}/").content.decode()
    assert f'name="contributors" value="{person.pk}"' in composer
    assert 'name="guest_byline"' in composer

    response = client.post(
        f"/desk/{team.blog.slug}/entries",
        {
            "headline": "Polls close",
            "body": "<p>Counting starts.</p>",
            "bylines": "1",
            "contributors": [str(person.pk)],
            "guest_byline": "Reuters",
            "action": "publish",
        },
    )

    assert response.status_code == 303
    entry = Entry.objects.get(headline="Polls close")
    assert list(entry.authors.all()) == []  # nobody ticked: the editor is not credited
    assert [p.pk for p in entry.contributors.all()] == [person.pk]
    assert entry.guest_byline == "Reuters"
    assert 'Ana Costa <span class="entry__role">Stringer</span>' in entry.html
    assert "entry__author--guest" in entry.html


def test_the_edit_form_shows_and_changes_the_byline(team: Team, make) -> None:
    person = Contributor.objects.create(blog=team.blog, name="Ana Costa")
    entry = make.entry(team.blog, guest_byline="AFP", contributor_ids=[person.pk])
    client = team.client_of(team.owner)
    path = f"/desk/{team.blog.slug}/entries/{entry.pk}/edit"

    form = client.get(path).content.decode()
    saved = client.post(
        path,
        {
            "headline": entry.headline,
            "body": entry.body,
            "bylines": "1",
            "authors": [str(team.owner.pk)],
            "guest_byline": "",
            "revision": str(entry.revision),
        },
    )

    assert 'value="AFP"' in form
    assert f'name="contributors" value="{person.pk}" checked' in form
    assert saved.status_code == 303, saved.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.guest_byline == ""
    assert list(entry.contributors.all()) == []
    assert [a.pk for a in entry.authors.all()] == [team.owner.pk]
