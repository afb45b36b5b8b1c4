"""A save that changes nothing is a no-op, from the desk's edit form and from the API:
no new revision, no change-log row, no "Updated" label for readers (blogs/services/entries.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Change, Entry, EntryRevision
from bulletin.errors import Conflict
from tests.desk.conftest import Team
from tests.desk.support import form_fields, reader_page
from tests.factories import Factory


def _traces(entry: Entry) -> tuple[int, int, int, datetime | None]:
    entry.refresh_from_db()
    return (
        entry.revision,
        EntryRevision.objects.filter(entry=entry).count(),
        Change.objects.filter(blog_id=entry.blog_id).count(),
        entry.edited_at,
    )


def _published(team: Team, make: Factory) -> Entry:
    entry = make.entry(
        team.blog,
        team.editor,
        headline="Storm surge at dawn",
        body="<p>Waves over the <strong>harbour</strong> wall.</p>",
        related_url="https://example.org/story",
        key_event=True,
    )
    # Published at a time with seconds: the edit form shows whole minutes.
    Entry.objects.filter(pk=entry.pk).update(
        display_at=datetime(2026, 12, 3, 21, 13, 47, tzinfo=UTC)
    )
    return entry


def test_saving_the_edit_form_unchanged_makes_no_revision_and_no_updated_label(
    team: Team, make: Factory
) -> None:
    entry = _published(team, make)
    client = Client()
    client.force_login(team.editor)
    path = f"/desk/{team.blog.slug}/entries/{entry.pk}/edit"
    before = _traces(entry)
    form = form_fields(client.get(path), "entry-editor")

    response = client.post(path, form)

    assert response.status_code == 303, response.content[:400]
    assert _traces(entry) == before
    assert entry.display_at == datetime(2026, 12, 3, 21, 13, 47, tzinfo=UTC)
    page = reader_page(team.blog.slug)
    assert "Storm surge at dawn" in page
    assert "entry__updated" not in page  # the entry's "Updated 21:14" label

    # One changed word is an edit again, with its label.
    client.post(path, {**form, "headline": "Storm surge at dawn, harbour shut"})
    revision, revisions, changes, edited_at = _traces(entry)
    assert (revision, revisions, changes) == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert edited_at is not None
    assert "entry__updated" in reader_page(team.blog.slug)


def test_an_api_patch_with_the_values_it_has_makes_no_revision(team: Team, make: Factory) -> None:
    entry = _published(team, make)
    token = make.token(team.editor)
    before = _traces(entry)
    same = {
        "headline": "Storm surge at dawn",
        "body": "<p>Waves over the <strong>harbour</strong> wall.</p>",
        "related_url": "https://example.org/story",
        "key_event": True,
        "author_ids": [team.editor.pk],
    }

    response = Client().patch(
        f"/api/v1/blogs/{team.blog.slug}/entries/{entry.pk}",
        json.dumps(same),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "If-Match": f'"{entry.revision}"'},
    )

    assert response.status_code == 200, response.content[:400]
    assert response["ETag"] == f'"{before[0]}"'
    assert json.loads(response.content)["revision"] == before[0]
    assert _traces(entry) == before
    assert "entry__updated" not in reader_page(team.blog.slug)


def test_a_service_edit_with_identical_fields_is_a_no_op_even_for_drafts(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, team.contributor, status="draft", headline="Draft words")
    before = _traces(entry)
    same = EntryFields.read({"headline": "Draft words", "body": "<p>Update.</p>"})
    services.update_entry(team.contributor, entry, same, expected_revision=entry.revision)
    assert _traces(entry) == before
    changed = EntryFields.read({"headline": "Other words"})
    services.update_entry(team.contributor, entry, changed, expected_revision=entry.revision)
    assert _traces(entry)[0] == before[0] + 1
    # A stale revision is refused, changed or not: the check comes first.
    with pytest.raises(Conflict):
        services.update_entry(team.contributor, entry, changed, expected_revision=before[0])
