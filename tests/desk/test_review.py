"""Editors publish what they reviewed, and decide the key-event and breaking flags.

Approve and "Publish now" carry the revision the card showed; if the writer changed the entry
since, nothing is published and the conflict page sets both versions side by side. The
composer and the edit form offer the flags to editors and owners only.
"""

from __future__ import annotations

import re

from django.test import Client

from bulletin.accounts.models import User
from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Change, Entry
from tests.desk.conftest import Team
from tests.desk.support import changes_nothing, followed, reader_page, text
from tests.factories import Factory


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _card_revision(page: str, entry: Entry, action: str) -> str:
    form = re.search(
        rf'action="[^"]*/entries/{entry.pk}/{action}">(.*?)</form>', page, flags=re.DOTALL
    )
    assert form, f"no {action} form for entry {entry.pk}"
    found = re.search(r'name="revision" value="(\d+)"', form.group(1))
    assert found, f"the {action} form carries no revision"
    return found.group(1)


def test_approving_a_revision_the_writer_changed_since_publishes_nothing_and_shows_both(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, team.contributor, status="submitted", headline="Pier 4 shut")
    editor = _signed_in(team.editor)
    seen = _card_revision(text(editor.get(f"/desk/{team.blog.slug}/")), entry, "approve")
    # The contributor edits after the editor read the card.
    services.update_entry(team.contributor, entry, EntryFields(headline="Pier 4 shut, 3 dead"))

    with changes_nothing():
        response = editor.post(
            f"/desk/{team.blog.slug}/entries/{entry.pk}/approve", {"revision": seen}
        )

    assert response.status_code == 409
    page = text(response)
    assert "changed this entry after you reviewed it" in page
    assert "Pier 4 shut, 3 dead" in page  # what is there now
    assert f"What you reviewed (revision {seen})" in page
    assert "Pier 4 shut</h2>" in page or ">Pier 4 shut<" in page  # what the editor saw
    entry.refresh_from_db()
    assert entry.status == "submitted"
    assert "3 dead" not in reader_page(team.blog.slug)


def test_the_conflict_page_approves_the_present_revision_once_it_is_read(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, team.contributor, status="submitted", headline="Pier 4 shut")
    editor = _signed_in(team.editor)
    services.update_entry(team.contributor, entry, EntryFields(headline="Pier 5 shut"))
    conflict = text(
        editor.post(f"/desk/{team.blog.slug}/entries/{entry.pk}/approve", {"revision": "1"})
    )
    now = _card_revision(conflict, entry, "approve")

    response = editor.post(f"/desk/{team.blog.slug}/entries/{entry.pk}/approve", {"revision": now})

    assert "Approved and published." in followed(editor, response)
    assert "Pier 5 shut" in reader_page(team.blog.slug)


def test_publishing_a_draft_changed_since_it_was_read_is_a_conflict(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, team.editor, status="draft", headline="Ferries resume")
    owner = _signed_in(team.owner)
    seen = _card_revision(text(owner.get(f"/desk/{team.blog.slug}/")), entry, "publish")
    services.update_entry(team.editor, entry, EntryFields(headline="Ferries resume at 6"))

    with changes_nothing():
        response = owner.post(
            f"/desk/{team.blog.slug}/entries/{entry.pk}/publish", {"revision": seen}
        )

    assert response.status_code == 409
    assert Entry.objects.get(pk=entry.pk).status == "draft"


def test_approving_without_the_revision_is_refused_with_a_message(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, team.contributor, status="submitted")
    editor = _signed_in(team.editor)

    with changes_nothing():
        response = editor.post(f"/desk/{team.blog.slug}/entries/{entry.pk}/approve")

    assert "revision: must be the revision you reviewed" in followed(editor, response)


# --- key event and breaking -----------------------------------------------------------------


def test_the_composer_and_edit_form_offer_the_flags_to_editors_only(
    team: Team, make: Factory
) -> None:
    own = make.entry(team.blog, team.contributor, status="draft")
    contributor, editor = _signed_in(team.contributor), _signed_in(team.editor)

    for page in (
        text(contributor.get(f"/desk/{team.blog.slug}/")),
        text(contributor.get(f"/desk/{team.blog.slug}/entries/{own.pk}/edit")),
    ):
        assert 'name="key_event"' not in page
        assert 'name="breaking"' not in page
    assert 'name="key_event"' in text(editor.get(f"/desk/{team.blog.slug}/"))
    assert 'name="breaking"' in text(editor.get(f"/desk/{team.blog.slug}/entries/{own.pk}/edit"))


def test_a_contributor_editing_a_draft_an_editor_flagged_keeps_the_flags(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, team.contributor, status="draft", headline="Quay")
    services.update_entry(team.editor, entry, EntryFields(key_event=True, breaking=True))
    entry.refresh_from_db()
    contributor = _signed_in(team.contributor)

    response = contributor.post(
        f"/desk/{team.blog.slug}/entries/{entry.pk}/edit",
        {"headline": "Quay closed", "revision": str(entry.revision)},
    )

    assert response.status_code == 303, text(response)[:500]
    entry.refresh_from_db()
    assert (entry.headline, entry.is_key_event, entry.is_breaking) == ("Quay closed", True, True)


def test_a_contributor_forging_the_flags_is_refused_and_nothing_is_written(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, team.contributor, status="draft", headline="Quay")
    contributor = _signed_in(team.contributor)

    with changes_nothing():
        created = contributor.post(
            f"/desk/{team.blog.slug}/entries",
            {"action": "submit", "headline": "Forged", "key_event": "on"},
        )
        edited = contributor.post(
            f"/desk/{team.blog.slug}/entries/{entry.pk}/edit",
            {"headline": "Quay", "revision": "1", "breaking": "on"},
        )

    for response in (created, edited):
        assert response.status_code == 403
        assert "only editors and owners may mark key events or breaking news" in text(response)


def test_an_editor_sets_the_flags_when_editing_a_submission_before_approving(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, team.contributor, status="submitted", headline="Quay")
    editor = _signed_in(team.editor)

    editor.post(
        f"/desk/{team.blog.slug}/entries/{entry.pk}/edit",
        {"headline": "Quay", "revision": "1", "key_event": "on", "breaking": "on"},
    )
    response = editor.post(f"/desk/{team.blog.slug}/entries/{entry.pk}/approve", {"revision": "2"})

    assert "Approved and published." in followed(editor, response)
    entry.refresh_from_db()
    assert (entry.status, entry.is_key_event, entry.is_breaking) == ("published", True, True)
    assert Change.objects.filter(entry=entry).latest("seq").action == "entry.approved"
