"""A contributor sees their own unpublished entries and everyone's published ones, no more.

Colleagues' drafts, submissions and scheduled entries are neither listed, nor named, nor
linked on any desk page (the desk, its panels, the activity log); editors and owners see all.
Opening one directly is a 404 (test_roles.py covers every route).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bulletin.accounts.models import Role, User
from bulletin.blogs import services
from bulletin.blogs.models import Entry
from tests.desk.conftest import Team
from tests.desk.support import text
from tests.factories import Factory

PAGES = ("/desk/{blog}/", "/desk/{blog}/panels", "/desk/{blog}/activity")


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def colleagues_work(team: Team, make: Factory) -> dict[str, int]:
    """Another contributor's draft, submission and scheduled entry; one published entry."""
    other = make.member(team.blog, Role.CONTRIBUTOR)
    draft = make.entry(team.blog, other, status="draft", headline="Secret draft")
    submitted = make.entry(team.blog, other, status="submitted", headline="Secret submission")
    scheduled = make.entry(team.blog, other, status="draft", headline="Secret schedule")
    services.schedule_entry(team.owner, scheduled, timezone.now() + timedelta(days=1))
    services.publish_draft(
        team.owner, make.entry(team.blog, other, status="draft", headline="Public news")
    )
    make.entry(team.blog, team.contributor, status="draft", headline="My own draft")
    return {"draft": draft.pk, "submitted": submitted.pk, "scheduled": scheduled.pk}


@pytest.mark.parametrize("page", PAGES)
def test_a_contributors_desk_pages_neither_name_nor_link_a_colleagues_unpublished_entries(
    team: Team, colleagues_work: dict[str, int], page: str
) -> None:
    shown = text(_signed_in(team.contributor).get(page.format(blog=team.blog.slug)))

    assert "Secret" not in shown
    for entry_id in colleagues_work.values():
        assert f"/entries/{entry_id}/" not in shown
        assert f'data-entry-id="{entry_id}"' not in shown
    assert "My own draft" in shown
    assert "Public news" in shown


@pytest.mark.parametrize("page", PAGES)
def test_an_editors_desk_pages_show_everyones_unpublished_entries(
    team: Team, colleagues_work: dict[str, int], page: str
) -> None:
    shown = text(_signed_in(team.editor).get(page.format(blog=team.blog.slug)))

    for headline in ("Secret draft", "Secret submission", "Secret schedule", "My own draft"):
        assert headline in shown


def test_a_colleagues_draft_shows_up_for_a_contributor_once_it_is_published(
    team: Team, colleagues_work: dict[str, int]
) -> None:
    services.publish_draft(team.owner, Entry.objects.get(pk=colleagues_work["draft"]))
    client = _signed_in(team.contributor)

    history = client.get(f"/desk/{team.blog.slug}/entries/{colleagues_work['draft']}/history")

    assert history.status_code == 200
    assert "Secret draft" in text(client.get(f"/desk/{team.blog.slug}/activity"))
