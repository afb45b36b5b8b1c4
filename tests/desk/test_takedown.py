"""Taking an entry down from the desk: a page that says what it does, a required reason,
owners and editors only; the history and the activity log keep who, when and why."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Entry
from tests.desk.conftest import Team
from tests.desk.support import (
    changes_nothing,
    csrf_token,
    field_error,
    followed,
    login_redirect_of,
    text,
)
from tests.factories import Factory

WORDS = "Wrongly named suspect"


def _path(team: Team, entry: Entry) -> str:
    return reverse("desk-takedown", args=[team.blog.slug, entry.pk])


@pytest.mark.parametrize("who", ["owner", "editor"])
def test_owners_and_editors_see_what_a_takedown_does_and_take_the_entry_down(
    team: Team, make: Factory, who: str
) -> None:
    entry = make.entry(team.blog, headline=WORDS)
    client = team.client_of(getattr(team, who))

    page = client.get(_path(team, entry))

    assert page.status_code == 200
    says = text(page)
    assert "It is permanent." in says
    assert "for the blog's owners only" in says
    assert "CDN" in says
    assert "Delete" in says  # says when deleting is enough
    response = client.post(_path(team, entry), {"reason": "Court order 2026/114"})
    assert response["Location"] == reverse("desk-history", args=[team.blog.slug, entry.pk])
    history = followed(client, response)
    assert "was taken down" in history
    assert "Reason: Court order 2026/114" in history
    entry.refresh_from_db()
    assert entry.taken_down_at is not None
    assert entry.taken_down_by == getattr(team, who)
    assert entry.headline == ""


def test_the_card_and_the_edit_page_offer_a_takedown_to_editors_only(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, headline=WORDS)
    link = _path(team, entry)

    for user, offered in ((team.editor, True), (team.owner, True), (team.contributor, False)):
        desk = text(team.client_of(user).get(reverse("desk-blog", args=[team.blog.slug])))
        assert (link in desk) is offered, user
    edit = team.client_of(team.editor).get(f"/desk/{team.blog.slug}/entries/{entry.pk}/edit")
    assert link in text(edit)


def test_a_contributor_may_neither_see_the_form_nor_take_down(team: Team, make: Factory) -> None:
    entry = make.entry(team.blog, headline=WORDS)
    client = team.client_of(team.contributor)

    assert client.get(_path(team, entry)).status_code == 403
    with changes_nothing():
        refused = client.post(_path(team, entry), {"reason": "Mine to remove"})

    assert refused.status_code == 403
    assert "your role is contributor" in text(refused)


def test_a_stranger_is_refused_and_someone_signed_out_is_sent_to_sign_in(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, headline=WORDS)
    path = _path(team, entry)

    with changes_nothing():
        stranger = team.client_of(team.stranger).post(path, {"reason": "Because"})
        nobody = Client().post(path, {"reason": "Because"})

    assert stranger.status_code == 403
    assert "you are not a member of this live blog" in text(stranger)
    assert login_redirect_of(nobody) == path


def test_an_entry_of_another_blog_is_not_found(team: Team, make: Factory) -> None:
    elsewhere = make.entry(make.blog(team.owner), headline=WORDS)

    with changes_nothing():
        response = team.client_of(team.owner).post(_path(team, elsewhere), {"reason": "X"})

    assert response.status_code == 404


def test_the_form_posts_with_its_own_csrf_token_and_not_without(team: Team, make: Factory) -> None:
    entry = make.entry(team.blog, headline=WORDS)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(team.editor)
    page = browser.get(_path(team, entry))

    with changes_nothing():
        forged = browser.post(_path(team, entry), {"reason": "Forged"})
    assert forged.status_code == 403
    done = browser.post(
        _path(team, entry), {"reason": "Court order", "csrfmiddlewaretoken": csrf_token(page)}
    )

    assert done.status_code == 303
    assert Entry.objects.get(pk=entry.pk).taken_down_at is not None


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        pytest.param(None, "is required", id="no reason"),
        pytest.param("", "is required", id="an empty reason"),
        pytest.param("  \n\t ", "is required", id="a blank reason"),
        pytest.param("x" * 1001, "at most 1000 characters", id="a reason over 1000 characters"),
        pytest.param("Court\x00order", "NUL", id="a NUL in the reason"),
    ],
)
def test_a_bad_reason_shows_the_form_again_with_400_and_changes_nothing(
    team: Team, make: Factory, reason: str | None, expected: str
) -> None:
    entry = make.entry(team.blog, headline=WORDS)
    data = {} if reason is None else {"reason": reason}

    with changes_nothing():
        response = team.client_of(team.editor).post(_path(team, entry), data)

    assert response.status_code == 400
    assert expected in field_error(response, "reason")
    assert "Take down permanently" in text(response)


def test_an_entry_taken_down_already_says_so_and_cannot_be_taken_down_again(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, headline=WORDS)
    services.takedown_entry(team.owner, entry, reason="Court order")
    client = team.client_of(team.editor)

    page = text(client.get(_path(team, entry)))
    with changes_nothing():
        again = client.post(_path(team, entry), {"reason": "Again"})

    assert f"taken down by {team.owner.byline}" in page
    assert "Take down permanently" not in page
    assert again.status_code == 409


def test_the_history_withholds_the_text_from_all_but_owners(team: Team, make: Factory) -> None:
    entry = make.entry(team.blog, headline=WORDS, body="<p>He did it, police say.</p>")
    services.update_entry(
        team.owner, entry, EntryFields(headline=f"{WORDS} arrested"), expected_revision=1
    )
    services.takedown_entry(team.editor, entry, reason="Court order 2026/114")
    history = reverse("desk-history", args=[team.blog.slug, entry.pk])

    editor_sees = text(team.client_of(team.editor).get(history))
    owner_sees = text(team.client_of(team.owner).get(history))

    assert WORDS not in editor_sees
    assert "police say" not in editor_sees
    assert "only the blog's owners can read it" in editor_sees
    assert "Reason: Court order 2026/114" in editor_sees
    assert WORDS in owner_sees
    assert "police say" in owner_sees


def test_the_activity_log_says_who_took_the_entry_down_when_and_why(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, headline=WORDS)
    services.takedown_entry(team.editor, entry, reason="Court order 2026/114")

    log = text(team.client_of(team.owner).get(reverse("desk-activity", args=[team.blog.slug])))

    row = next(line for line in log.split("<tr>") if "Took down" in line)
    assert team.editor.byline in row
    assert "Reason: Court order 2026/114" in row
    assert "<time datetime=" in row
    assert WORDS not in log
