"""Over the API too, editors publish what they reviewed and decide the flags.

``POST …/approve`` and ``…/publish`` take ``If-Match`` with the revision the caller read, as
edits do: a stale one is 409 with the current revision, none is 428, and nothing is published.
Contributors may not set key-event or breaking (403 naming the fields), on create or edit.
"""

from __future__ import annotations

import pytest

from bulletin.accounts.models import Role
from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Entry
from tests.api.support import error_of, json_of, writes_nothing


@pytest.mark.parametrize(("step", "status"), [("approve", "submitted"), ("publish", "draft")])
def test_publishing_a_revision_changed_since_it_was_read_is_a_conflict_and_publishes_nothing(
    desk, make, api_as, anonymous, step, status
):
    contributor = make.member(desk.blog, Role.CONTRIBUTOR)
    entry = make.entry(desk.blog, contributor, status=status, headline="Pier 4 shut")
    read = json_of(desk.api.get(f"{desk.path}/entries/{entry.pk}"))
    services.update_entry(contributor, entry, EntryFields(headline="Pier 4 shut, 3 dead"))

    with writes_nothing():
        stale = desk.api.post(
            f"{desk.path}/entries/{entry.pk}/{step}", if_match=f'"{read["revision"]}"'
        )

    error = error_of(stale, 409)
    assert error["code"] == "conflict"
    assert error["current_revision"] == read["revision"] + 1
    assert "the current revision is 2" in error["message"]
    assert Entry.objects.get(pk=entry.pk).status == status
    assert anonymous.get(f"{desk.path}/entries/{entry.pk}").status_code == 404


@pytest.mark.parametrize(("step", "status"), [("approve", "submitted"), ("publish", "draft")])
def test_publishing_without_if_match_is_refused_with_428(desk, make, step, status):
    entry = make.entry(desk.blog, status=status)

    with writes_nothing():
        error = error_of(desk.api.post(f"{desk.path}/entries/{entry.pk}/{step}"), 428)

    assert error["code"] == "precondition_required"
    assert "with the revision you reviewed" in error["message"]
    assert error["current_revision"] == entry.revision


def test_approving_the_revision_read_publishes_it(desk, make, anonymous):
    entry = make.entry(desk.blog, status="submitted", headline="Ferries resume")
    read = json_of(desk.api.get(f"{desk.path}/entries/{entry.pk}"))

    approved = json_of(
        desk.api.post(f"{desk.path}/entries/{entry.pk}/approve", if_match=str(read["revision"]))
    )

    assert approved["status"] == "published"
    assert json_of(anonymous.get(f"{desk.path}/entries/{entry.pk}"))["headline"] == "Ferries resume"


def test_a_contributor_without_the_right_to_publish_hears_that_before_any_if_match(
    desk, make, api_as
):
    contributor = make.member(desk.blog, Role.CONTRIBUTOR)
    own = make.entry(desk.blog, contributor, status="submitted")

    with writes_nothing():
        error = error_of(api_as(contributor).post(f"{desk.path}/entries/{own.pk}/approve"), 403)

    assert "your role is contributor" in error["message"]


# --- key event and breaking -----------------------------------------------------------------


@pytest.mark.parametrize("flag", ["key_event", "breaking"])
def test_a_contributor_may_not_set_the_flags_when_creating_or_editing(desk, make, api_as, flag):
    contributor = make.member(desk.blog, Role.CONTRIBUTOR)
    api = api_as(contributor)
    own = make.entry(desk.blog, contributor, status="draft")

    with writes_nothing():
        created = api.post(
            f"{desk.path}/entries", {"headline": "Quay", "status": "draft", flag: True}
        )
        edited = api.patch(f"{desk.path}/entries/{own.pk}", {flag: True}, if_match="1")

    for response in (created, edited):
        error = error_of(response, 403)
        assert error["code"] == "permission_denied"
        assert "only editors and owners may mark key events or breaking news" in error["message"]
        assert error["fields"] == {flag: "editors and owners only"}


def test_a_contributor_may_send_the_flags_unchanged(desk, make, api_as):
    contributor = make.member(desk.blog, Role.CONTRIBUTOR)
    own = make.entry(desk.blog, contributor, status="draft")

    edited = api_as(contributor).patch(
        f"{desk.path}/entries/{own.pk}",
        {"headline": "Quay", "key_event": False, "breaking": False},
        if_match="1",
    )

    assert json_of(edited)["headline"] == "Quay"


def test_an_editor_sets_the_flags_on_a_submission_and_approves_it(desk, make, api_as):
    contributor = make.member(desk.blog, Role.CONTRIBUTOR)
    editor = api_as(make.member(desk.blog, Role.EDITOR))
    entry = make.entry(desk.blog, contributor, status="submitted")
    path = f"{desk.path}/entries/{entry.pk}"

    flagged = json_of(editor.patch(path, {"key_event": True, "breaking": True}, if_match="1"))
    approved = json_of(editor.post(f"{path}/approve", if_match=str(flagged["revision"])))

    assert (approved["status"], approved["key_event"], approved["breaking"]) == (
        "published",
        True,
        True,
    )
