"""Export a blog to JSON and import it back: nothing lost, nothing half-written on refusal."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import pytest

from bulletin.accounts.models import Membership, User
from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import (
    Change,
    ChangeKind,
    Entry,
    EntryRevision,
    EntryStatus,
    KeyPoint,
    LiveBlog,
    Media,
)
from bulletin.blogs.rendering import entry_json, pinned_copy_html
from bulletin.blogs.transfer import FORMAT, VERSION, export_blog, import_blog, read_export
from bulletin.blogs.transfer import importer as importer_module
from bulletin.errors import Conflict, ValidationFailed
from tests.blogs.portable import RichBlog, rich_blog
from tests.blogs.support import fingerprint

# What may differ between an export and the export of its import (docs/operations.md).
VOLATILE_TOP = ("exported_at", "source")
VOLATILE_BLOG = ("slug", "seq")
VOLATILE_ENTRY = ("id", "html")


def exported(blog: LiveBlog) -> dict[str, Any]:
    out = io.StringIO()
    export_blog(blog, out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for key in VOLATILE_TOP:
        data.pop(key)
    for key in VOLATILE_BLOG:
        data["blog"].pop(key)
    for entry in data["entries"]:
        for key in VOLATILE_ENTRY:
            entry.pop(key)
    return data


def everything() -> dict[str, Any]:
    """Every row an import could write, including people and images."""
    state = fingerprint()
    state["users"] = list(User.objects.order_by("pk").values_list("pk", "username", "is_active"))
    state["media"] = list(Media.objects.order_by("pk").values_list("pk", "file"))
    state["authors"] = Entry.authors.through.objects.count()
    return state


@pytest.fixture
def rich(make) -> RichBlog:
    return rich_blog(make)


# --- the file ------------------------------------------------------------------------------


def test_export_holds_every_entry_status_revision_person_and_image_by_reference(rich):
    data = exported(rich.blog)

    assert data["format"] == FORMAT
    assert data["version"] == VERSION
    assert list(data) == [
        "format",
        "version",
        "exported_at",
        "source",
        "blog",
        "key_points",
        "memberships",
        "contributors",
        "entries",
        "media",
        "users",
    ]
    statuses = sorted(entry["status"] for entry in data["entries"])
    assert statuses == ["deleted", "draft", "published", "published", "scheduled", "submitted"]
    by_headline = {entry["headline"]: entry for entry in data["entries"]}
    first = by_headline["Water levels rising"]
    assert first["authors"] == ["amira", "jonas"]
    assert first["revision"] == 2
    assert first["correction_note"] == "An earlier version gave the wrong level."
    assert [r["revision"] for r in first["revisions"]] == [1, 2]
    assert first["revisions"][1]["edited_by"] == "jonas"
    # Ids inside revision data become names and references that mean something elsewhere.
    assert first["revisions"][0]["data"]["authors"] == ["amira", "jonas"]
    assert first["revisions"][0]["data"]["image"] == first["image"]
    assert "image_id" not in first["revisions"][0]["data"]
    assert [embed["provider"] for embed in first["embeds"]] == ["youtube"]
    assert first["display_at"].endswith("Z")
    assert data["blog"]["pinned_entry"] == first["ref"]
    assert data["blog"]["timezone"] == "Europe/Berlin"
    assert data["blog"]["status"] == "live"
    assert data["blog"]["seq"] == rich.blog.seq
    assert [p["text"] for p in data["key_points"]] == [
        "Levels at a record",
        "Schools closed",
        "Leave the old town",
    ]
    assert data["key_points"][0]["entry"] == first["ref"]
    assert data["key_points"][1]["entry"] is None
    assert {(m["username"], m["role"]) for m in data["memberships"]} == {
        ("amira", "owner"),
        ("jonas", "editor"),
        ("lea", "contributor"),
    }
    cover = next(m for m in data["media"] if m["ref"] == data["blog"]["cover_image"])
    assert cover["file"] == rich.cover.file
    assert cover["variants"] == rich.cover.variants
    assert cover["alt"] == "The river at dawn"
    amira = next(u for u in data["users"] if u["username"] == "amira")
    assert amira == {
        "username": "amira",
        "display_name": "Amira Haddad",
        "first_name": "",
        "last_name": "",
        "email": "amira@example.org",
    }


def test_export_reports_progress_in_thousands_and_at_the_end(make):
    blog = make.blog()
    for number in range(3):
        make.entry(blog, headline=f"Update {number}")
    lines: list[str] = []
    export_blog(blog, io.StringIO(), report=lines.append)
    assert lines == ["exported 3/3 entries"]


# --- round trip ----------------------------------------------------------------------------


def test_import_under_a_new_slug_then_export_again_gives_the_same_file(rich):
    first = exported(rich.blog)

    result = import_blog(first, slug="flood-copy")

    assert result.blog.slug == "flood-copy"
    assert result.users_created == []
    second = exported(result.blog)
    assert second["blog"]["slug"] == "flood-copy"
    assert comparable(second) == comparable(first)


def test_import_into_a_database_without_the_blog_or_its_people_is_lossless(rich):
    first = exported(rich.blog)
    files = sorted(Media.objects.values_list("file", flat=True))
    LiveBlog.objects.all().delete()
    Media.objects.all().delete()
    User.objects.all().delete()

    result = import_blog(first)

    assert sorted(result.users_created) == ["amira", "jonas", "lea"]
    people = User.objects.order_by("username")
    assert [(u.username, u.is_active, u.has_usable_password()) for u in people] == [
        ("amira", False, False),
        ("jonas", False, False),
        ("lea", False, False),
    ]
    assert User.objects.get(username="amira").display_name == "Amira Haddad"
    assert sorted(Media.objects.values_list("file", flat=True)) == files
    assert result.missing_files == []  # the media folder was never removed
    assert comparable(exported(result.blog)) == comparable(first)


def test_imported_entries_are_rendered_again_with_the_new_slug_and_ids(rich):
    result = import_blog(exported(rich.blog), slug="flood-copy")

    copied = Entry.objects.get(blog=result.blog, headline="Water levels rising")
    assert copied.pk != rich.published.pk
    assert f'href="/live/flood-copy/e/{copied.pk}"' in copied.html
    assert f'id="entry-{copied.pk}"' in copied.html
    assert "Amira Haddad" in copied.html
    assert "/live/flood-live" not in copied.html
    assert result.blog.pinned_entry_id == copied.pk
    points = KeyPoint.objects.filter(blog=result.blog).order_by("position")
    assert [point.entry_id for point in points] == [
        copied.pk,
        None,
        Entry.objects.get(blog=result.blog, headline="Evacuation ordered").pk,
    ]
    revision = EntryRevision.objects.get(entry=copied, revision=1)
    assert revision.data["authors"] == sorted([rich.owner.pk, rich.editor.pk])
    assert revision.data["image_id"] == copied.image_id
    assert copied.image_id != rich.published.image_id  # a new row, with the same file
    assert copied.image is not None
    assert copied.image.file == rich.photo.file


def test_import_restarts_the_change_log_with_the_blog_then_each_published_entry_in_order(rich):
    result = import_blog(exported(rich.blog), slug="flood-copy")

    blog = result.blog
    changes = list(Change.objects.filter(blog=blog).order_by("seq"))
    published = list(
        Entry.objects.filter(blog=blog, status=EntryStatus.PUBLISHED).order_by("display_at", "pk")
    )
    assert [c.seq for c in changes] == list(range(1, len(published) + 2))
    assert blog.seq == changes[-1].seq
    assert all(c.public and c.payload["seq"] == c.seq for c in changes)
    assert changes[0].kind == ChangeKind.BLOG
    assert changes[0].payload["blog"]["slug"] == "flood-copy"
    assert changes[0].payload["blog"]["pinned_entry_html"] == pinned_copy_html(blog.pinned_entry)
    assert [c.kind for c in changes[1:]] == [ChangeKind.ENTRY] * len(published)
    assert [c.entry_id for c in changes[1:]] == [entry.pk for entry in published]
    for change, entry in zip(changes[1:], published, strict=True):
        assert change.payload["entry"] == entry_json(entry)
        assert change.payload["html"] == entry.html
    # The blog was last changed when it was exported, not when it was imported.
    assert blog.updated_at == rich.blog.updated_at


def test_imported_blog_takes_new_entries_with_the_next_seq(rich):
    result = import_blog(exported(rich.blog), slug="flood-copy", owner=rich.owner)

    entry = services.publish_entry(rich.owner, result.blog, EntryFields(headline="After the move"))

    change = Change.objects.get(entry=entry)
    assert change.seq == result.blog.seq + 1


def test_owner_option_makes_that_user_an_owner_of_the_import(make, rich):
    chief = make.user("chief")

    result = import_blog(exported(rich.blog), slug="flood-copy", owner=chief)

    roles = dict(Membership.objects.filter(blog=result.blog).values_list("user__username", "role"))
    assert roles == {"amira": "owner", "jonas": "editor", "lea": "contributor", "chief": "owner"}
    assert Change.objects.filter(blog=result.blog, actor=chief).count() == result.blog.seq


def test_import_reports_missing_media_files_to_copy(rich, settings, tmp_path):
    data = exported(rich.blog)
    settings.MEDIA_ROOT = tmp_path / "empty-media"

    result = import_blog(data, slug="flood-copy")

    assert rich.cover.file in result.missing_files
    assert rich.photo.file in result.missing_files


def test_import_cleans_hostile_html_and_embeds_like_the_desk_does(rich):
    data = exported(rich.blog)
    entry = next(e for e in data["entries"] if e["headline"] == "Water levels rising")
    entry["body"] = '<p onclick="steal()">Hi<script>alert(1)</script></p>'
    entry["embeds"][0]["frame_url"] = "javascript:alert(1)"

    result = import_blog(data, slug="flood-copy")

    copied = Entry.objects.get(blog=result.blog, headline="Water levels rising")
    assert copied.body == "<p>Hi</p>"
    assert copied.embed["frame_url"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


# --- refusals leave the database as it was -------------------------------------------------


def refused(data: Any, error: type[Exception], match: str, **options: Any) -> None:
    before = everything()
    with pytest.raises(error, match=match):
        import_blog(data, **options)
    assert everything() == before


def test_a_file_of_another_version_is_refused_and_writes_nothing(rich):
    data = exported(rich.blog)
    data["version"] = 2
    refused(data, ValidationFailed, "version: must be 1, the version this Bulletin reads, got 2")


def test_a_file_of_another_format_is_refused(rich):
    refused({"format": "wordpress"}, ValidationFailed, "format: must be 'bulletin-blog'")
    refused([1, 2], ValidationFailed, "file: must be an object, got a list")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d.pop("entries"), r"entries: is required"),
        (lambda d: d["entries"][2].pop("status"), r"entries\[2\]\.status: is required"),
        (
            lambda d: d["entries"][0].update(status="gone"),
            r"entries\[0\]\.status: must be one of draft, submitted, scheduled, published, "
            r"deleted, got 'gone'",
        ),
        (
            lambda d: d["entries"][0].update(revision="2"),
            r'entries\[0\]\.revision: must be a whole number, got "2"',
        ),
        (
            lambda d: d["entries"][0].update(display_at="yesterday"),
            r"entries\[0\]\.display_at: must be a date-time such as 2026-01-27T14:32:00Z",
        ),
        (
            lambda d: d["entries"][0].update(headline="x" * 301),
            r"entries\[0\]\.headline: must be at most 300 characters, got 301",
        ),
        (
            lambda d: d["entries"][0].update(authors=["nobody"]),
            r"entries\[0\]\.authors\[0\]: must be the username of one of the file's users",
        ),
        (
            lambda d: d["key_points"][0].update(entry="e999"),
            r"key_points\[0\]\.entry: must be the ref of one of the file's entries, got 'e999'",
        ),
        (
            lambda d: d["media"][0].update(file="../../etc/passwd"),
            r"media\[0\]\.file: must be a relative path inside the media folder",
        ),
        (
            lambda d: d["blog"].update(timezone="Mars/Olympus"),
            r"blog\.timezone: must be an IANA time zone",
        ),
        (
            lambda d: d["memberships"][0].update(role="king"),
            r"memberships\[0\]\.role: must be one of owner, editor, contributor, got 'king'",
        ),
    ],
)
def test_a_damaged_file_is_refused_naming_the_place_and_writes_nothing(rich, damage, message):
    data = exported(rich.blog)
    damage(data)
    refused(data, ValidationFailed, message, slug="flood-copy")


def test_a_taken_slug_is_refused_with_the_way_out_and_writes_nothing(rich):
    data = exported(rich.blog)
    refused(
        data, Conflict, "slug 'flood-live' is taken: pass --slug to import under another address"
    )


def test_a_malformed_file_is_refused_in_one_line():
    with pytest.raises(ValidationFailed, match="not valid JSON: Expecting ',' delimiter at line 1"):
        read_export(io.StringIO('{"format": "bulletin-blog" "version": 1}'))
    with pytest.raises(ValidationFailed, match="not UTF-8"):
        read_export(io.BytesIO(b'{"a": "\xff"}'))


def test_a_failure_half_way_through_writing_leaves_nothing_behind(rich, monkeypatch):
    data = exported(rich.blog)

    def broken_renderer(entry: Entry) -> Any:
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(importer_module, "render_entry", broken_renderer)
    refused(data, RuntimeError, "renderer broke", slug="flood-copy")


@pytest.mark.django_db(transaction=True)
def test_export_outside_a_transaction_reads_in_one_snapshot_and_commits_nothing(make):
    blog = make.blog(slug="snapshot")
    make.entry(blog, headline="Only entry")
    before = everything()

    data = exported(blog)

    assert [entry["headline"] for entry in data["entries"]] == ["Only entry"]
    assert everything() == before
