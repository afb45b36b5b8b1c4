"""Entries over API v1: pages with a cursor, create, read, edit with If-Match, the workflow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from bulletin.accounts.models import Role
from bulletin.blogs.models import Change, ChangeKind, Entry, LiveBlog
from tests.api.support import Api, error_of, json_of, writes_nothing

# --- listing -----------------------------------------------------------------------------


def _walk(api: Api, path: str, limit: int) -> list[list[int]]:
    """Follow next_cursor from the first page to the last; return the ids of every page."""
    pages: list[list[int]] = []
    cursor = None
    while True:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = json_of(api.get(path + query))
        pages.append([item["id"] for item in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 10, "the cursor never ran out"


def _publish_25(make, blog: LiveBlog) -> list[Entry]:
    # Entries share display times in threes, so the order must fall back on the id.
    start = datetime(2026, 1, 27, 14, 0, tzinfo=UTC)
    return [
        make.entry(blog, headline=f"Update {n}", display_at=start + timedelta(minutes=n // 3))
        for n in range(25)
    ]


@pytest.mark.parametrize(
    ("order", "newest_first"), [("newest_first", True), ("oldest_first", False)]
)
def test_walking_the_pages_gives_every_entry_once_in_the_blogs_order(
    make, anonymous, order, newest_first
):
    blog = make.blog(order=order)
    entries = _publish_25(make, blog)
    make.entry(blog, headline="Not ready", status="draft")
    expected = [
        e.pk for e in sorted(entries, key=lambda e: (e.display_at, e.pk), reverse=newest_first)
    ]

    pages = _walk(anonymous, f"/blogs/{blog.slug}/entries", limit=10)

    assert [len(page) for page in pages] == [10, 10, 5]
    assert [pk for page in pages for pk in page] == expected


def test_a_page_that_ends_exactly_at_the_last_entry_has_no_next_cursor(make, anonymous):
    blog = make.blog()
    for n in range(4):
        make.entry(blog, headline=f"Update {n}")

    pages = _walk(anonymous, f"/blogs/{blog.slug}/entries", limit=2)

    assert [len(page) for page in pages] == [2, 2]


def test_drafts_are_listed_only_for_members_who_ask_for_them(desk, make, api_as, anonymous):
    draft = make.entry(desk.blog, headline="Unchecked rumour", status="draft")
    published = make.entry(desk.blog, headline="Ferries suspended")
    contributor = make.member(desk.blog, Role.CONTRIBUTOR)
    own = make.entry(desk.blog, contributor, headline="My notes", status="draft")
    path = f"{desk.path}/entries"

    default = json_of(desk.api.get(path))
    everyones = json_of(desk.api.get(f"{path}?status=draft"))
    drafts = json_of(api_as(contributor).get(f"{path}?status=draft"))

    assert [item["id"] for item in default["items"]] == [published.pk]
    assert sorted(item["id"] for item in everyones["items"]) == [draft.pk, own.pk]
    # A contributor lists their own drafts only, never a colleague's.
    assert [item["id"] for item in drafts["items"]] == [own.pk]
    assert drafts["items"][0]["status"] == "draft"
    assert error_of(anonymous.get(f"{path}?status=draft"), 401)["code"] == "not_authenticated"
    stranger = api_as(make.user())
    assert error_of(stranger.get(f"{path}?status=draft"), 403)["code"] == "permission_denied"


# --- creating and reading ----------------------------------------------------------------


def test_an_entry_is_published_at_once_by_default(desk):
    before = LiveBlog.objects.get(pk=desk.blog.pk).seq

    entry = json_of(
        desk.api.post(
            f"{desk.path}/entries",
            {"headline": "Ferries suspended", "body": "<p>All sailings are off.</p>"},
        ),
        201,
    )

    assert entry["status"] == "published"
    assert entry["revision"] == 1
    assert entry["headline"] == "Ferries suspended"
    assert entry["body"] == "<p>All sailings are off.</p>"
    assert entry["published_at"] is not None
    assert entry["display_at"] is not None
    assert entry["authors"] == [{"id": desk.owner.pk, "name": desk.owner.byline}]
    assert entry["url"] == f"/live/{desk.blog.slug}/e/{entry['id']}"
    assert "Ferries suspended" in entry["html"]
    change = Change.objects.get(blog=desk.blog, seq=before + 1)
    assert (change.kind, change.entry_id, change.public) == (ChangeKind.ENTRY, entry["id"], True)


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_an_entry_can_be_kept_from_readers_as_a_draft_or_a_submission(desk, anonymous, status):
    entry = json_of(
        desk.api.post(f"{desk.path}/entries", {"headline": "Unchecked", "status": status}), 201
    )

    assert entry["status"] == status
    assert entry["published_at"] is None
    assert error_of(anonymous.get(f"{desk.path}/entries/{entry['id']}"), 404)["code"] == (
        "not_found"
    )
    assert json_of(desk.api.get(f"{desk.path}/entries/{entry['id']}"))["status"] == status
    assert not Change.objects.filter(entry_id=entry["id"], public=True).exists()


def test_a_scheduled_entry_keeps_its_publication_time(desk, anonymous):
    when = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)

    entry = json_of(
        desk.api.post(
            f"{desk.path}/entries",
            {
                "headline": "Polls close",
                "status": "scheduled",
                "scheduled_for": when.isoformat(),
            },
        ),
        201,
    )

    assert entry["status"] == "scheduled"
    assert entry["scheduled_for"] == when.isoformat().replace("+00:00", "Z")
    assert Entry.objects.get(pk=entry["id"]).scheduled_for == when
    assert anonymous.get(f"{desk.path}/entries/{entry['id']}").status_code == 404


def test_scheduling_without_a_time_is_refused(desk):
    with writes_nothing():
        error = error_of(
            desk.api.post(f"{desk.path}/entries", {"headline": "Soon", "status": "scheduled"}),
            400,
        )

    assert error["fields"] == {"scheduled_for": "is required to schedule an entry"}


def test_reading_an_entry_gives_its_revision_as_etag(desk, make, anonymous):
    entry = make.entry(desk.blog, headline="Ferries suspended")

    response = anonymous.get(f"{desk.path}/entries/{entry.pk}")

    assert json_of(response)["id"] == entry.pk
    assert response["ETag"] == '"1"'


# --- editing -----------------------------------------------------------------------------


def test_patch_with_if_match_edits_only_the_fields_sent(desk, make):
    entry = make.entry(desk.blog, headline="Ferries suspended", body="<p>All sailings.</p>")
    path = f"{desk.path}/entries/{entry.pk}"

    response = desk.api.patch(
        path,
        {"headline": "Ferries suspended until noon", "correction_note": "Time added."},
        if_match='"1"',
    )

    edited = json_of(response)
    assert edited["headline"] == "Ferries suspended until noon"
    assert edited["body"] == "<p>All sailings.</p>"
    assert edited["revision"] == 2
    assert edited["edited_at"] is not None
    assert edited["correction_note"] == "Time added."
    assert response["ETag"] == '"2"'
    assert Entry.objects.get(pk=entry.pk).headline == "Ferries suspended until noon"


def test_if_match_may_name_the_revision_without_quotes(desk, make):
    entry = make.entry(desk.blog)

    edited = json_of(
        desk.api.patch(f"{desk.path}/entries/{entry.pk}", {"breaking": True}, if_match="1")
    )

    assert edited["breaking"] is True
    assert edited["revision"] == 2


def test_a_stale_if_match_is_refused_with_the_current_revision(desk, make):
    entry = make.entry(desk.blog)
    path = f"{desk.path}/entries/{entry.pk}"
    json_of(desk.api.patch(path, {"headline": "First edit"}, if_match='"1"'))

    with writes_nothing():
        error = error_of(desk.api.patch(path, {"headline": "Lost edit"}, if_match='"1"'), 409)

    assert error["code"] == "conflict"
    assert error["current_revision"] == 2
    assert Entry.objects.get(pk=entry.pk).headline == "First edit"


def test_an_edit_without_if_match_is_refused_with_428(desk, make):
    entry = make.entry(desk.blog)

    with writes_nothing():
        error = error_of(desk.api.patch(f"{desk.path}/entries/{entry.pk}", {"headline": "x"}), 428)

    assert error["code"] == "precondition_required"
    assert error["current_revision"] == 1


def test_a_deleted_entry_answers_204_and_is_gone_afterwards(desk, make, anonymous):
    entry = make.entry(desk.blog)
    path = f"{desk.path}/entries/{entry.pk}"

    response = desk.api.delete(path)

    assert response.status_code == 204
    assert response.content == b""
    assert error_of(anonymous.get(path), 404)["code"] == "not_found"
    assert error_of(desk.api.get(path), 404)["code"] == "not_found"
    assert error_of(desk.api.delete(path), 404)["code"] == "not_found"
    assert Entry.objects.get(pk=entry.pk).status == "deleted"


# --- workflow ----------------------------------------------------------------------------


def test_a_contributors_draft_is_submitted_then_approved_by_an_editor(desk, make, api_as):
    contributor = api_as(make.member(desk.blog, Role.CONTRIBUTOR))
    editor = api_as(make.member(desk.blog, Role.EDITOR))
    draft = json_of(
        contributor.post(f"{desk.path}/entries", {"headline": "Quay flooded", "status": "draft"}),
        201,
    )
    path = f"{desk.path}/entries/{draft['id']}"

    submitted = json_of(contributor.post(f"{path}/submit"))
    approved = json_of(editor.post(f"{path}/approve", if_match=f'"{submitted["revision"]}"'))

    assert submitted["status"] == "submitted"
    assert approved["status"] == "published"
    assert approved["published_at"] is not None


def test_an_editor_sends_a_submission_back_to_draft(desk, make):
    entry = make.entry(desk.blog, status="submitted")

    rejected = json_of(desk.api.post(f"{desk.path}/entries/{entry.pk}/reject"))

    assert rejected["status"] == "draft"


def test_a_draft_is_published_then_unpublished(desk, make, anonymous):
    entry = make.entry(desk.blog, headline="Sirens sound", status="draft")
    path = f"{desk.path}/entries/{entry.pk}"

    published = json_of(desk.api.post(f"{path}/publish", if_match=f'"{entry.revision}"'))
    assert published["status"] == "published"
    assert json_of(anonymous.get(path))["status"] == "published"

    unpublished = json_of(desk.api.post(f"{path}/unpublish"))
    assert unpublished["status"] == "draft"
    assert anonymous.get(path).status_code == 404
    assert Change.objects.filter(entry=entry, kind=ChangeKind.DELETE).count() == 1


def test_a_draft_is_scheduled_for_later(desk, make):
    entry = make.entry(desk.blog, status="draft")
    when = (timezone.now() + timedelta(days=1)).replace(microsecond=0)

    scheduled = json_of(
        desk.api.post(
            f"{desk.path}/entries/{entry.pk}/schedule", {"scheduled_for": when.isoformat()}
        )
    )

    assert scheduled["status"] == "scheduled"
    assert scheduled["scheduled_for"] == when.isoformat().replace("+00:00", "Z")


def test_an_entry_is_marked_and_unmarked_as_a_key_event(desk, make):
    entry = make.entry(desk.blog)
    path = f"{desk.path}/entries/{entry.pk}/key-event"

    assert json_of(desk.api.put(path, {"key_event": True}))["key_event"] is True
    assert Entry.objects.get(pk=entry.pk).is_key_event is True
    assert json_of(desk.api.put(path, {"key_event": False}))["key_event"] is False
    assert Entry.objects.get(pk=entry.pk).is_key_event is False


def test_an_entry_is_pinned_and_unpinned(desk, make, anonymous):
    entry = make.entry(desk.blog, headline="Ferries suspended")
    path = f"{desk.path}/entries/{entry.pk}/pin"

    json_of(desk.api.post(path))
    pinned = json_of(anonymous.get(desk.path))
    assert pinned["pinned_entry_id"] == entry.pk
    assert "Ferries suspended" in pinned["pinned_entry_html"]

    response = desk.api.delete(path)
    assert response.status_code == 204
    assert json_of(anonymous.get(desk.path))["pinned_entry_id"] is None


def test_pinning_a_draft_is_refused(desk, make):
    draft = make.entry(desk.blog, status="draft")

    with writes_nothing():
        error = error_of(desk.api.post(f"{desk.path}/entries/{draft.pk}/pin"), 409)

    assert error["code"] == "invalid_state"


def test_unpinning_an_entry_that_is_not_pinned_leaves_the_pinned_one(desk, make):
    pinned = make.entry(desk.blog)
    other = make.entry(desk.blog)
    json_of(desk.api.post(f"{desk.path}/entries/{pinned.pk}/pin"))

    with writes_nothing():
        response = desk.api.delete(f"{desk.path}/entries/{other.pk}/pin")

    assert response.status_code == 204
    assert LiveBlog.objects.get(pk=desk.blog.pk).pinned_entry_id == pinned.pk


# --- the subtitle (a standfirst under the headline) -----------------------------------------


def test_a_subtitle_is_written_read_and_edited_like_the_headline(desk):
    created = json_of(
        desk.api.post(
            f"{desk.path}/entries", {"headline": "Quay closed", "subtitle": "  Until  noon "}
        ),
        201,
    )
    path = f"{desk.path}/entries/{created['id']}"

    assert created["subtitle"] == "Until noon"
    assert 'class="entry__subtitle">Until noon<' in created["html"]
    edited = json_of(desk.api.patch(path, {"subtitle": "Until six"}, if_match="1"))
    assert (edited["headline"], edited["subtitle"]) == ("Quay closed", "Until six")


def test_a_subtitle_over_300_characters_is_refused_with_its_length(desk):
    with writes_nothing():
        error = error_of(desk.api.post(f"{desk.path}/entries", {"subtitle": "s" * 301}), 400)

    assert error["fields"] == {"subtitle": "must be at most 300 characters, got 301"}
