"""Editing on the desk: corrections, conflicts between editors, who is editing, history,
activity, and the one-button actions (delete, pin, key event, unpublish) — plus archived blogs.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.test import Client

from bulletin.accounts.models import Role, User
from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Change, Entry, LiveBlog
from tests.desk.conftest import Team
from tests.desk.support import changes_nothing, followed, form_fields, reader_page, text
from tests.factories import Factory

EDITOR_FORM = "entry-editor"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _named(user: User, name: str) -> User:
    User.objects.filter(pk=user.pk).update(display_name=name)
    user.refresh_from_db()
    return user


def _edit_path(team: Team, entry: Entry) -> str:
    return f"/desk/{team.blog.slug}/entries/{entry.pk}/edit"


def _reader_page(blog: LiveBlog) -> str:
    return reader_page(blog.slug)


# --- editing and corrections --------------------------------------------------------------


def test_an_edit_bumps_the_revision_and_shows_the_correction_note_to_readers(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, headline="Harbour closed", body="<p>The harbour is shut.</p>")
    client = _signed_in(team.editor)
    form = form_fields(client.get(_edit_path(team, entry)), EDITOR_FORM)
    assert (form["headline"], form["revision"]) == ("Harbour closed", "1")

    response = client.post(
        _edit_path(team, entry),
        {
            **form,
            "headline": "North harbour closed",
            "correction_note": "An earlier version said both harbours were closed.",
        },
    )

    assert "Saved revision 2." in followed(client, response)
    entry.refresh_from_db()
    assert entry.revision == 2
    assert entry.headline == "North harbour closed"
    assert entry.edited_at is not None
    assert Change.objects.filter(entry=entry).latest("seq").action == "entry.edited"
    page = _reader_page(team.blog)
    assert "North harbour closed" in page
    assert "Correction: An earlier version said both harbours were closed." in re.sub(
        r"<[^>]+>", "", page
    )
    assert "Updated" in entry.html


def test_an_editor_corrects_the_time_readers_see_in_the_blogs_time_zone(make: Factory) -> None:
    blog = make.blog(timezone="America/New_York", language="en-us")
    editor = make.member(blog, Role.EDITOR)
    entry = make.entry(blog, headline="Ferry runs aground")
    client = _signed_in(editor)
    path = f"/desk/{blog.slug}/entries/{entry.pk}/edit"
    form = form_fields(client.get(path), EDITOR_FORM)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", form["display_at"])

    response = client.post(path, {**form, "display_at": "2030-01-27T09:15"})

    assert response.status_code == 303
    entry.refresh_from_db()
    assert entry.display_at == datetime(2030, 1, 27, 14, 15, tzinfo=UTC)
    assert '<time datetime="2030-01-27T14:15:00Z">9:15 AM EST</time>' in entry.html


def test_a_contributor_editing_their_own_draft_is_not_offered_the_time_or_a_correction(
    team: Team, make: Factory
) -> None:
    draft = make.entry(team.blog, by=team.contributor, status="draft")

    form = form_fields(_signed_in(team.contributor).get(_edit_path(team, draft)), EDITOR_FORM)

    assert "display_at" not in form
    assert "correction_note" not in form


# --- two editors, one entry ---------------------------------------------------------------


def test_the_second_of_two_editors_to_save_sees_both_versions_and_overwrites_nothing(
    team: Team, make: Factory
) -> None:
    anna = _named(team.editor, "Anna Editor")
    ben = _named(make.member(team.blog, Role.EDITOR), "Ben Editor")
    entry = make.entry(team.blog, headline="Bridge closed", body="<p>The bridge is shut.</p>")
    first, second = _signed_in(anna), _signed_in(ben)
    annas_form = form_fields(first.get(_edit_path(team, entry)), EDITOR_FORM)
    bens_form = form_fields(second.get(_edit_path(team, entry)), EDITOR_FORM)
    assert annas_form["revision"] == bens_form["revision"] == "1"

    saved = first.post(_edit_path(team, entry), {**annas_form, "headline": "Bridge reopened"})
    refused = second.post(
        _edit_path(team, entry),
        {**bens_form, "body": "<p>The bridge is shut until Friday.</p>"},
    )

    assert saved.status_code == 303
    assert refused.status_code == 409
    page = text(refused)
    assert "Anna Editor saved this entry while you were editing" in page
    assert "You started from revision 1; Anna Editor saved revision 2" in page
    theirs, yours = page.split("Theirs (revision 2, saved)")[1].split("Yours (not saved)")
    assert "Bridge reopened" in theirs
    assert "The bridge is shut." in theirs
    assert "The bridge is shut until Friday." in yours
    assert "Bridge closed" in yours
    entry.refresh_from_db()
    assert (entry.revision, entry.headline, entry.body) == (
        2,
        "Bridge reopened",
        "<p>The bridge is shut.</p>",
    )

    again = form_fields(refused, EDITOR_FORM)
    assert again["revision"] == "2"
    assert again["body"] == "<p>The bridge is shut until Friday.</p>"  # what Ben typed is kept
    resaved = second.post(_edit_path(team, entry), again)

    assert "Saved revision 3." in followed(second, resaved)
    entry.refresh_from_db()
    assert entry.revision == 3
    assert entry.body == "<p>The bridge is shut until Friday.</p>"


# --- who is editing -----------------------------------------------------------------------


def test_the_desk_says_who_is_editing_an_entry_until_they_close_it(
    team: Team, make: Factory
) -> None:
    anna = _named(team.editor, "Anna Editor")
    entry = make.entry(team.blog, headline="Bridge closed")
    heartbeat = f"/desk/{team.blog.slug}/entries/{entry.pk}/editing"
    annas, owners = _signed_in(anna), _signed_in(team.owner)

    beat = annas.post(heartbeat, {"state": "open"})

    assert beat.status_code == 200
    assert beat.json()["others"] == []
    assert beat.json()["revision"] == 1
    assert "Anna Editor is editing this entry too." in text(owners.get(_edit_path(team, entry)))
    assert "Anna Editor is editing this entry" in text(owners.get(f"/desk/{team.blog.slug}/"))
    assert "Anna Editor is editing this entry" in text(owners.get(f"/desk/{team.blog.slug}/panels"))
    assert owners.post(heartbeat, {"state": "open"}).json()["others"] == ["Anna Editor"]
    owners.post(heartbeat, {"state": "closed"})

    annas.post(heartbeat, {"state": "closed"})

    assert "is editing" not in text(owners.get(_edit_path(team, entry)))
    assert "is editing this entry" not in text(owners.get(f"/desk/{team.blog.slug}/panels"))


def test_saving_an_edit_ends_the_editors_presence(team: Team, make: Factory) -> None:
    entry = make.entry(team.blog)
    client = _signed_in(_named(team.editor, "Anna Editor"))
    client.post(f"/desk/{team.blog.slug}/entries/{entry.pk}/editing", {"state": "open"})
    form = form_fields(client.get(_edit_path(team, entry)), EDITOR_FORM)

    client.post(_edit_path(team, entry), {**form, "headline": "Changed"})

    assert "is editing" not in text(_signed_in(team.owner).get(_edit_path(team, entry)))


# --- history and activity -----------------------------------------------------------------


def test_the_history_lists_every_revision_with_who_and_a_word_diff(
    team: Team, make: Factory
) -> None:
    _named(team.contributor, "Cal Contributor")
    anna = _named(team.editor, "Anna Editor")
    entry = make.entry(
        team.blog,
        by=team.contributor,
        status="draft",
        headline="Water rising",
        body="<p>The river is rising.</p>",
    )
    services.publish_draft(anna, entry)
    services.update_entry(
        anna, entry, EntryFields(body="<p>The river is falling fast.</p>"), expected_revision=2
    )

    page = text(_signed_in(team.owner).get(f"/desk/{team.blog.slug}/entries/{entry.pk}/history"))

    assert "Revision 3" in page
    assert "Revision 2" in page
    assert "Revision 1" in page
    assert page.index("Revision 3") < page.index("Revision 2") < page.index("Revision 1")
    assert "Cal Contributor" in page
    assert page.count("Anna Editor") == 2
    assert "Status: draft → published" in page
    assert "The river is <del>rising.</del><ins>falling fast.</ins>" in page
    assert "Created." in page


def test_the_activity_log_tells_who_did_what_in_words(team: Team, make: Factory) -> None:
    _named(team.contributor, "Cal Contributor")
    anna = _named(team.editor, "Anna Editor")
    entry = make.entry(team.blog, by=team.contributor, status="draft", headline="Lifeboat")
    services.submit_for_review(team.contributor, entry)
    services.approve_entry(anna, entry)
    services.pin_entry(anna, team.blog, entry)

    page = text(_signed_in(team.contributor).get(f"/desk/{team.blog.slug}/activity"))

    rows = re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL)
    said = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]
    assert any("Cal Contributor Saved a draft “Lifeboat” desk only" in row for row in said)
    assert any("Cal Contributor Submitted for review “Lifeboat” desk only" in row for row in said)
    assert any("Anna Editor Approved and published “Lifeboat” readers" in row for row in said)
    assert any("Anna Editor Pinned “Lifeboat” readers" in row for row in said)
    assert any("Started live coverage" in row for row in said)
    # Newest first.
    assert page.index("Pinned") < page.index("Approved and published") < page.index("Saved")


# --- one-button actions -------------------------------------------------------------------


def test_deleting_leaves_a_tombstone_and_takes_the_entry_off_the_reader_page(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, headline="Wrong harbour")
    assert "Wrong harbour" in _reader_page(team.blog)
    client = _signed_in(team.editor)

    response = client.post(f"/desk/{team.blog.slug}/entries/{entry.pk}/delete")

    assert "Deleted." in followed(client, response)
    entry.refresh_from_db()
    assert entry.status == "deleted"
    change = Change.objects.filter(entry=entry).latest("seq")
    assert (change.kind, change.action) == ("delete", "entry.deleted")
    assert "Wrong harbour" not in _reader_page(team.blog)
    assert "Wrong harbour" not in text(client.get(f"/desk/{team.blog.slug}/panels"))
    gone = client.get(_edit_path(team, entry))
    assert gone["Location"] == f"/desk/{team.blog.slug}/entries/{entry.pk}/history"
    assert "was deleted and can no longer be edited" in followed(client, gone)


def test_pinning_and_unpinning_an_entry(team: Team, make: Factory) -> None:
    entry = make.entry(team.blog, headline="Evacuation routes")
    client = _signed_in(team.editor)
    base = f"/desk/{team.blog.slug}/entries/{entry.pk}"

    pinned = followed(client, client.post(f"{base}/pin"))

    assert "Pinned." in pinned
    assert LiveBlog.objects.get(pk=team.blog.pk).pinned_entry_id == entry.pk
    assert '<span class="badge badge-pinned">Pinned</span>' in pinned
    assert f'action="{base}/unpin"' in pinned
    assert 'id="pinned-entry"><article' in _reader_page(team.blog)

    unpinned = followed(client, client.post(f"{base}/unpin"))

    assert "Unpinned." in unpinned
    assert LiveBlog.objects.get(pk=team.blog.pk).pinned_entry_id is None
    assert f'action="{base}/pin"' in unpinned


def test_a_key_event_is_marked_and_unmarked(team: Team, make: Factory) -> None:
    entry = make.entry(team.blog, headline="Dam breached")
    client = _signed_in(team.editor)
    path = f"/desk/{team.blog.slug}/entries/{entry.pk}/key-event"

    assert "Key event updated." in followed(client, client.post(path, {"on": "1"}))
    entry.refresh_from_db()
    assert entry.is_key_event
    assert entry.revision == 2
    assert "entry--key-event" in entry.html

    client.post(path, {"on": "0"})
    entry.refresh_from_db()
    assert not entry.is_key_event
    assert Change.objects.filter(entry=entry).latest("seq").action == "entry.not_key_event"


def test_unpublishing_takes_an_entry_back_to_the_drafts(team: Team, make: Factory) -> None:
    entry = make.entry(team.blog, headline="Premature report")
    client = _signed_in(team.editor)

    response = client.post(f"/desk/{team.blog.slug}/entries/{entry.pk}/unpublish")

    assert "Unpublished." in followed(client, response)
    entry.refresh_from_db()
    assert entry.status == "draft"
    assert "Premature report" not in _reader_page(team.blog)
    assert re.search(
        r"Drafts <span class=\"count\">1</span>", text(client.get(f"/desk/{team.blog.slug}/"))
    )


def test_an_action_that_does_not_fit_the_entry_is_explained_on_the_page_it_came_from(
    team: Team, make: Factory
) -> None:
    draft = make.entry(team.blog, status="draft")
    client = _signed_in(team.editor)

    with changes_nothing():
        response = client.post(
            f"/desk/{team.blog.slug}/entries/{draft.pk}/pin",
            {"next": f"/desk/{team.blog.slug}/activity"},
        )

    assert response["Location"] == f"/desk/{team.blog.slug}/activity"
    assert f"only a published entry can be pinned, entry {draft.pk} is draft" in followed(
        client, response
    )


def test_an_unknown_action_is_explained_and_changes_nothing(team: Team, make: Factory) -> None:
    entry = make.entry(team.blog)
    client = _signed_in(team.owner)

    with changes_nothing():
        response = client.post(f"/desk/{team.blog.slug}/entries/{entry.pk}/frobnicate")

    assert "action: must be one of publish, approve, submit" in followed(client, response)


# --- archived blogs -----------------------------------------------------------------------


def test_an_archived_blog_refuses_composing_and_editing_with_a_clear_message(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, headline="Last word")
    services.end_coverage(team.owner, team.blog)
    services.archive_blog(team.owner, team.blog)
    client = _signed_in(team.owner)
    form = form_fields(client.get(_edit_path(team, entry)), EDITOR_FORM)

    with changes_nothing():
        composed = client.post(
            f"/desk/{team.blog.slug}/entries", {"action": "publish", "headline": "One more"}
        )
        edited = client.post(_edit_path(team, entry), {**form, "headline": "Changed"})
        pinned = client.post(f"/desk/{team.blog.slug}/entries/{entry.pk}/pin")

    said = "this live blog is archived and takes no more changes"
    assert composed.status_code == 409
    assert "This live blog is archived: it stays readable and takes no more entries." in text(
        composed
    )
    assert edited.status_code == 409
    assert said in text(edited)
    assert said in followed(client, pinned)
    desk = text(client.get(f"/desk/{team.blog.slug}/"))
    assert "This live blog is archived" in desk
    assert 'id="composer"' not in desk
