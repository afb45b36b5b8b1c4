"""Shared drafts: the composer's autosave kept on the server (bulletin.desk.drafts).

Kept per writer and blog, restored into the composer on any device, listed for editors and
openable by them, refused when saved from an older version, checked like an entry, cleared by
publishing or emptying, and never public.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from bulletin.accounts.models import User
from bulletin.blogs.models import Change, Entry
from bulletin.desk.models import EntryDraft
from tests.desk.conftest import Team
from tests.desk.support import form_fields, reader_page, text


def _signed_in(user: User, **options: Any) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def _draft_path(team: Team, author: User) -> str:
    return f"/desk/{team.blog.slug}/drafts/{author.pk}"


def _save(client: Client, team: Team, author: User, version: int, **values: Any) -> Any:
    return client.post(_draft_path(team, author), {"draft_version": str(version), **values})


def _json(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:400])
    body: dict[str, Any] = json.loads(response.content)
    return body


def test_the_composer_is_kept_as_the_writers_draft_and_comes_back_on_another_device(
    team: Team,
) -> None:
    laptop = _signed_in(team.contributor)
    saved = _json(
        _save(laptop, team, team.contributor, 0, headline="Ferry stuck", body="<p>At Pier 2.</p>")
    )
    assert saved["version"] == 1
    assert saved["saved_by"] == team.contributor.byline

    phone = _signed_in(team.contributor)  # another session: the laptop crashed
    page = phone.get(f"/desk/{team.blog.slug}/")
    form = form_fields(page, "composer")
    assert (form["headline"], form["body"]) == ("Ferry stuck", "<p>At Pier 2.</p>")
    assert form["draft_author"] == str(team.contributor.pk)
    assert 'data-draft-version="1"' in page.content.decode()
    assert "Draft" not in [entry.status for entry in Entry.objects.all()]  # not an entry yet


def test_a_save_from_an_older_version_is_refused_with_the_newer_one_and_changes_nothing(
    team: Team,
) -> None:
    first, second = _signed_in(team.editor), _signed_in(team.editor)
    _json(_save(first, team, team.editor, 0, headline="Bridge shut"))
    _json(_save(first, team, team.editor, 1, headline="Bridge shut both ways"))

    refused = _json(_save(second, team, team.editor, 1, headline="Bridge open"), 409)

    error = refused["error"]
    assert "changed this draft" in error["message"]
    assert "version 2" in error["message"]
    assert "yours was version 1" in error["message"]
    assert error["current"]["version"] == 2
    assert error["current"]["values"]["headline"] == ["Bridge shut both ways"]
    kept = EntryDraft.objects.get(blog=team.blog, author=team.editor)
    assert (kept.version, kept.values["headline"]) == (2, ["Bridge shut both ways"])
    # Saved over it on purpose, from the version now known:
    assert _json(_save(second, team, team.editor, 2, headline="Bridge open"))["version"] == 3


def test_editors_see_a_colleagues_draft_listed_and_may_open_and_change_it(team: Team) -> None:
    writer = _signed_in(team.contributor)
    _json(_save(writer, team, team.contributor, 0, headline="Crane toppled"))
    editor = _signed_in(team.editor)

    desk = text(editor.get(f"/desk/{team.blog.slug}/"))
    assert "Being written" in desk
    assert "Crane toppled" in desk
    assert _draft_path(team, team.contributor) in desk
    opened = editor.get(_draft_path(team, team.contributor))
    assert opened.status_code == 200
    assert form_fields(opened, "composer")["headline"] == "Crane toppled"
    assert f"{team.contributor.byline}\N{RIGHT SINGLE QUOTATION MARK}s draft" in text(opened)

    changed = _json(_save(editor, team, team.contributor, 1, headline="Crane toppled at Pier 3"))
    assert (changed["version"], changed["saved_by"]) == (2, team.editor.byline)
    # The writer's own desk does not list their draft: it is in their composer.
    assert "Being written" not in text(writer.get(f"/desk/{team.blog.slug}/"))


def test_contributors_and_strangers_neither_see_nor_write_others_drafts(team: Team) -> None:
    _json(_save(_signed_in(team.editor), team, team.editor, 0, headline="Evacuation plan"))
    contributor = _signed_in(team.contributor)

    assert "Evacuation plan" not in text(contributor.get(f"/desk/{team.blog.slug}/"))
    assert contributor.get(_draft_path(team, team.editor)).status_code == 404
    assert _save(contributor, team, team.editor, 1, headline="Mine").status_code == 404
    stranger = _signed_in(team.stranger)
    assert stranger.get(_draft_path(team, team.editor)).status_code == 403
    assert _save(stranger, team, team.editor, 1, headline="Mine").status_code == 403
    assert _save(Client(), team, team.editor, 1, headline="Mine").status_code == 401
    kept = EntryDraft.objects.get(author=team.editor)
    assert (kept.version, kept.values["headline"]) == (1, ["Evacuation plan"])


def test_a_draft_is_checked_like_an_entry_and_its_body_kept_clean(team: Team) -> None:
    client = _signed_in(team.editor)
    refused = _json(_save(client, team, team.editor, 0, headline="x" * 301), 400)
    assert "headline" in refused["error"]["fields"]
    assert "got 301" in refused["error"]["fields"]["headline"]
    bad_version = _json(_save(client, team, team.editor, -1, headline="Quay"), 400)
    assert "draft_version" in bad_version["error"]["fields"]
    assert not EntryDraft.objects.exists()

    _json(_save(client, team, team.editor, 0, body='<p onclick="x()">Quay<script>x()</script></p>'))
    kept = EntryDraft.objects.get(author=team.editor)
    assert kept.values["body"] == ["<p>Quay</p>"]
    assert "csrfmiddlewaretoken" not in kept.values
    assert "draft_version" not in kept.values


def test_publishing_from_the_composer_clears_the_draft(team: Team) -> None:
    client = _signed_in(team.editor)
    _json(_save(client, team, team.editor, 0, headline="Road reopened"))
    response = client.post(
        f"/desk/{team.blog.slug}/entries",
        {"action": "publish", "headline": "Road reopened", "draft_author": str(team.editor.pk)},
    )
    assert response.status_code == 303
    assert Entry.objects.get(blog=team.blog).headline == "Road reopened"
    assert not EntryDraft.objects.exists()
    # The next save from the page that published it finds the draft gone, and says so.
    gone = _json(_save(client, team, team.editor, 1, headline="Road reopened"), 409)
    assert "published or cleared" in gone["error"]["message"]


def test_an_editor_publishing_a_colleagues_draft_clears_it_and_a_contributor_cannot(
    team: Team,
) -> None:
    _json(_save(_signed_in(team.owner), team, team.owner, 0, headline="Owner's words"))
    contributor = _signed_in(team.contributor)
    contributor.post(
        f"/desk/{team.blog.slug}/entries",
        {"action": "submit", "headline": "Mine", "draft_author": str(team.owner.pk)},
    )
    assert EntryDraft.objects.filter(author=team.owner).exists()  # not theirs to clear
    _signed_in(team.editor).post(
        f"/desk/{team.blog.slug}/entries",
        {"action": "publish", "headline": "Owner's words", "draft_author": str(team.owner.pk)},
    )
    assert not EntryDraft.objects.filter(author=team.owner).exists()


def test_an_emptied_composer_clears_its_draft(team: Team) -> None:
    client = _signed_in(team.editor)
    _json(_save(client, team, team.editor, 0, headline="Gale warning"))
    assert _json(_save(client, team, team.editor, 1, headline="  ", body=""))["version"] == 0
    assert not EntryDraft.objects.exists()
    form = form_fields(client.get(f"/desk/{team.blog.slug}/"), "composer")
    assert form["headline"] == ""


def test_drafts_are_never_public(team: Team) -> None:
    client = _signed_in(team.editor)
    changes = Change.objects.count()
    _json(_save(client, team, team.editor, 0, headline="Secret source says"))
    _json(_save(client, team, team.editor, 1, headline="Secret source says more"))
    assert Change.objects.count() == changes
    assert "Secret source" not in reader_page(team.blog.slug)
    assert "Secret source" not in text(Client().get(f"/live/{team.blog.slug}/feed.xml"))


def test_the_draft_time_is_in_the_blogs_time_zone(team: Team) -> None:
    team.blog.timezone = "Asia/Tokyo"
    team.blog.save(update_fields=["timezone"])
    client = _signed_in(team.editor)
    saved = _json(_save(client, team, team.editor, 0, headline="Quake felt"))
    assert re.fullmatch(r"\d\d:\d\d:\d\d JST", saved["saved_clock"])
    page = client.get(f"/desk/{team.blog.slug}/").content.decode()
    assert f'data-draft-saved="{saved["saved_clock"]}"' in page


def test_an_autosave_needs_the_csrf_token(team: Team) -> None:
    browser = _signed_in(team.editor, enforce_csrf_checks=True)
    browser.get(f"/desk/{team.blog.slug}/")
    assert _save(browser, team, team.editor, 0, headline="Forged").status_code == 403
    assert not EntryDraft.objects.exists()


# --- drafts of edits: the unsaved changes to an existing entry ----------------------------


def _edit_draft_path(team: Team, entry: Entry, author: User) -> str:
    return f"/desk/{team.blog.slug}/entries/{entry.pk}/drafts/{author.pk}"


def _save_edit(
    client: Client, team: Team, entry: Entry, author: User, version: int, **values: Any
) -> Any:
    form = {"revision": str(entry.revision), "draft_version": str(version), **values}
    return client.post(_edit_draft_path(team, entry, author), form)


def _discard_edit(client: Client, team: Team, entry: Entry, author: User, version: int) -> Any:
    return client.post(
        f"{_edit_draft_path(team, entry, author)}/discard", {"draft_version": str(version)}
    )


def test_an_edit_is_kept_as_a_draft_of_that_entry_and_offered_when_the_form_reopens(
    team: Team, make: Any
) -> None:
    entry = make.entry(team.blog, team.contributor, status="draft", headline="Ferry stuck")
    laptop = _signed_in(team.contributor)
    saved = _json(
        _save_edit(laptop, team, entry, team.contributor, 0, headline="Ferry stuck at Pier 2")
    )
    assert saved["version"] == 1
    kept = EntryDraft.objects.get(author=team.contributor, entry=entry)
    assert kept.values["headline"] == ["Ferry stuck at Pier 2"]
    assert kept.values["revision"] == [str(entry.revision)]  # what the edit started from
    entry.refresh_from_db()
    assert entry.headline == "Ferry stuck"  # the entry itself is untouched

    phone = _signed_in(team.contributor)  # the laptop crashed
    reopened = phone.get(f"/desk/{team.blog.slug}/entries/{entry.pk}/edit")
    offer = text(reopened)
    assert "You have unsaved changes to this entry" in offer
    assert form_fields(reopened, "entry-editor")["headline"] == "Ferry stuck"  # offered, not poured
    assert 'data-draft-version="0"' in reopened.content.decode()
    restored = phone.get(_edit_draft_path(team, entry, team.contributor))
    assert restored.status_code == 200
    form = form_fields(restored, "entry-editor")
    assert (form["headline"], form["draft_author"]) == (
        "Ferry stuck at Pier 2",
        str(team.contributor.pk),
    )
    assert 'data-draft-version="1"' in restored.content.decode()
    # Beside it, the writer's composer draft is a draft of its own.
    _json(_save(phone, team, team.contributor, 0, headline="Something new"))
    assert EntryDraft.objects.filter(author=team.contributor).count() == 2


def test_an_edit_draft_from_an_older_version_is_refused_with_the_newer_one(
    team: Team, make: Any
) -> None:
    entry = make.entry(team.blog, headline="Bridge shut")
    first, second = _signed_in(team.editor), _signed_in(team.editor)
    _json(_save_edit(first, team, entry, team.editor, 0, headline="Bridge shut both ways"))

    refused = _json(_save_edit(second, team, entry, team.editor, 0, headline="Bridge open"), 409)

    error = refused["error"]
    assert error["code"] == "conflict"
    assert "changed this draft" in error["message"]
    assert "what you typed is still in this edit form" in error["message"]
    assert error["current"]["values"]["headline"] == ["Bridge shut both ways"]
    kept = EntryDraft.objects.get(entry=entry)
    assert (kept.version, kept.values["headline"]) == (1, ["Bridge shut both ways"])
    assert (
        _json(_save_edit(second, team, entry, team.editor, 1, headline="Bridge open"))["version"]
        == 2
    )


def test_an_edit_draft_is_checked_like_the_edit_and_its_body_kept_clean(
    team: Team, make: Any
) -> None:
    entry = make.entry(team.blog)
    client = _signed_in(team.editor)
    too_long = _json(_save_edit(client, team, entry, team.editor, 0, headline="x" * 301), 400)
    assert "got 301" in too_long["error"]["fields"]["headline"]
    no_revision = client.post(
        _edit_draft_path(team, entry, team.editor), {"draft_version": "0", "headline": "Quay"}
    )
    assert "revision" in _json(no_revision, 400)["error"]["fields"]
    assert not EntryDraft.objects.exists()

    _json(
        _save_edit(
            client,
            team,
            entry,
            team.editor,
            0,
            body='<p onclick="x()">Quay<script>x()</script></p>',
        )
    )
    kept = EntryDraft.objects.get(entry=entry)
    assert kept.values["body"] == ["<p>Quay</p>"]
    assert "csrfmiddlewaretoken" not in kept.values
    # Emptied, an edit form still holds an edit: it is kept until saved or discarded.
    _json(_save_edit(client, team, entry, team.editor, 1, headline="", body=""))
    assert EntryDraft.objects.get(entry=entry).version == 2


def test_saving_the_edit_uses_the_draft_and_removes_it(team: Team, make: Any) -> None:
    entry = make.entry(team.blog, headline="Road closed")
    client = _signed_in(team.editor)
    _json(_save_edit(client, team, entry, team.editor, 0, headline="Road reopened"))
    changes = Change.objects.count()
    response = client.post(
        f"/desk/{team.blog.slug}/entries/{entry.pk}/edit",
        {
            "action": "save",
            "revision": str(entry.revision),
            "headline": "Road reopened",
            "draft_author": str(team.editor.pk),
        },
    )
    assert response.status_code == 303
    entry.refresh_from_db()
    assert entry.headline == "Road reopened"
    assert not EntryDraft.objects.exists()
    assert Change.objects.count() == changes + 1  # the edit, not the drafts before it
    gone = _json(_save_edit(client, team, entry, team.editor, 1, headline="Road reopened"), 409)
    assert "saved, published or cleared" in gone["error"]["message"]


def test_an_edit_refused_as_stale_keeps_its_draft(team: Team, make: Any) -> None:
    entry = make.entry(team.blog, headline="Tide high")
    client = _signed_in(team.editor)
    _json(_save_edit(client, team, entry, team.editor, 0, headline="Tide very high"))
    stale = client.post(
        f"/desk/{team.blog.slug}/entries/{entry.pk}/edit",
        {"action": "save", "revision": "999", "headline": "x", "draft_author": str(team.editor.pk)},
    )
    assert stale.status_code == 409
    assert EntryDraft.objects.filter(entry=entry).exists()
    assert 'data-draft-version="1"' in stale.content.decode()


def test_discarding_an_edit_draft_removes_it_unless_it_moved_on(team: Team, make: Any) -> None:
    entry = make.entry(team.blog)
    client = _signed_in(team.editor)
    _json(_save_edit(client, team, entry, team.editor, 0, headline="Second thoughts"))
    _json(_save_edit(client, team, entry, team.editor, 1, headline="Third thoughts"))

    kept = _discard_edit(client, team, entry, team.editor, 1)  # another window saved version 2
    assert kept.status_code == 303
    assert EntryDraft.objects.get(entry=entry).version == 2
    assert "it was kept, not discarded" in text(client.get(kept["Location"]))

    assert _discard_edit(client, team, entry, team.editor, 2).status_code == 303
    assert not EntryDraft.objects.exists()
    bad = _discard_edit(client, team, entry, team.editor, -1)
    assert bad.status_code == 303  # a one-button action: back to the page, with the reason
    assert "draft_version" in text(client.get(bad["Location"]))


def test_a_contributor_can_neither_read_nor_write_nor_discard_a_colleagues_edit_draft(
    team: Team, make: Any
) -> None:
    entry = make.entry(team.blog, headline="Evacuation")
    _json(
        _save_edit(_signed_in(team.editor), team, entry, team.editor, 0, headline="Evacuation plan")
    )
    contributor = _signed_in(team.contributor)

    assert contributor.get(_edit_draft_path(team, entry, team.editor)).status_code == 404
    assert _save_edit(contributor, team, entry, team.editor, 1, headline="Mine").status_code == 404
    assert _discard_edit(contributor, team, entry, team.editor, 1).status_code == 404
    assert "Evacuation plan" not in text(contributor.get(f"/desk/{team.blog.slug}/"))
    # Nor may a contributor keep changes to an entry they may not edit (a published one).
    refused = _json(_save_edit(contributor, team, entry, team.contributor, 0, headline="Mine"), 403)
    assert "your role is contributor" in refused["error"]["message"]
    stranger = _signed_in(team.stranger)
    assert _save_edit(stranger, team, entry, team.stranger, 0, headline="Mine").status_code == 403
    assert _save_edit(Client(), team, entry, team.editor, 1, headline="Mine").status_code == 401
    kept = EntryDraft.objects.get(entry=entry)
    assert (kept.author, kept.version, kept.values["headline"]) == (
        team.editor,
        1,
        ["Evacuation plan"],
    )


def test_a_contributors_hidden_entry_has_no_drafts_for_colleagues(team: Team, make: Any) -> None:
    colleague = make.member(team.blog, "contributor")
    theirs = make.entry(team.blog, colleague, status="draft", headline="Theirs")
    contributor = _signed_in(team.contributor)
    answer = _save_edit(contributor, team, theirs, team.contributor, 0, headline="Peek")
    assert answer.status_code == 404  # the entry does not exist for them
    assert not EntryDraft.objects.exists()


def test_being_written_names_the_entry_edited_and_shows_contributors_only_their_own(
    team: Team, make: Any
) -> None:
    entry = make.entry(team.blog, team.contributor, status="draft", headline="Crane toppled")
    _json(
        _save_edit(
            _signed_in(team.contributor), team, entry, team.contributor, 0, headline="Crane down"
        )
    )
    other = make.entry(team.blog, headline="Schools shut")
    _json(_save_edit(_signed_in(team.editor), team, other, team.editor, 0, headline="Schools open"))

    editor_desk = text(_signed_in(team.owner).get(f"/desk/{team.blog.slug}/"))
    assert "Being written" in editor_desk
    assert "editing “Crane toppled”" in editor_desk
    assert "editing “Schools shut”" in editor_desk
    assert _edit_draft_path(team, entry, team.contributor) in editor_desk
    writer_desk = text(_signed_in(team.contributor).get(f"/desk/{team.blog.slug}/"))
    assert "editing “Crane toppled”" in writer_desk
    assert "Open your changes to “Crane toppled”" in writer_desk
    assert "Schools open" not in writer_desk
    # An editor opens the writer's changes in the entry's form and saves them.
    editor = _signed_in(team.owner)
    opened = editor.get(_edit_draft_path(team, entry, team.contributor))
    assert form_fields(opened, "entry-editor")["headline"] == "Crane down"
    editor.post(
        f"/desk/{team.blog.slug}/entries/{entry.pk}/edit",
        {
            "action": "save",
            "revision": str(entry.revision),
            "headline": "Crane down",
            "draft_author": str(team.contributor.pk),
        },
    )
    assert not EntryDraft.objects.filter(entry=entry).exists()
    assert EntryDraft.objects.filter(entry=other).exists()


def test_edit_drafts_are_never_public(team: Team, make: Any) -> None:
    entry = make.entry(team.blog, headline="Harbour open")
    client = _signed_in(team.editor)
    changes = Change.objects.count()
    _json(_save_edit(client, team, entry, team.editor, 0, headline="Secret source says"))
    assert Change.objects.count() == changes
    assert "Secret source" not in reader_page(team.blog.slug)
    assert "Secret source" not in text(Client().get(f"/live/{team.blog.slug}/feed.xml"))


def test_a_takedown_removes_the_entrys_edit_drafts_with_its_words(team: Team, make: Any) -> None:
    from bulletin.blogs import services

    entry = make.entry(team.blog, headline="Harbour open")
    _json(_save_edit(_signed_in(team.editor), team, entry, team.editor, 0, headline="Libel"))
    other = make.entry(team.blog, headline="Roads")
    _json(_save_edit(_signed_in(team.editor), team, other, team.editor, 0, headline="Roads shut"))

    services.takedown_entry(team.owner, entry, reason="Legal: defamation")

    assert not EntryDraft.objects.filter(entry=entry).exists()
    assert EntryDraft.objects.filter(entry=other).exists()  # only the taken-down entry's


@pytest.mark.django_db(transaction=True)
def test_the_edit_drafts_migration_undoes_cleanly_keeping_composer_drafts(make: Any) -> None:
    before, after = [("desk", "0002_entry_drafts")], [("desk", "0003_edit_drafts")]
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog, owner)
    saved_at = entry.created_at
    EntryDraft.objects.create(
        blog=blog, author=owner, values={"headline": ["New"]}, saved_at=saved_at
    )
    EntryDraft.objects.create(
        blog=blog, author=owner, entry=entry, values={"headline": ["Edit"]}, saved_at=saved_at
    )
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old = executor.loader.project_state(before).apps.get_model("desk", "EntryDraft")
        assert [row.values for row in old.objects.all()] == [{"headline": ["New"]}]

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        assert EntryDraft.objects.get().entry_id is None
    finally:
        call_command("migrate", verbosity=0)
