"""`bulletin export`, `bulletin import` and `bulletin archive`: files written, one-line errors."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Entry, LiveBlog
from tests.blogs.portable import image_for, rich_blog


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- export --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_writes_slug_json_in_the_current_folder(make, tmp_path, monkeypatch):
    rich = rich_blog(make)
    monkeypatch.chdir(tmp_path)
    hidden = tmp_path / ".flood-live.json.part"

    out, err = _run("export", "flood-live")

    data = json.loads((tmp_path / "flood-live.json").read_text())
    assert data["blog"]["slug"] == "flood-live"
    assert len(data["entries"]) == Entry.objects.filter(blog=rich.blog).count()
    assert "exported 'flood-live': 6 entries" in out
    assert out.rstrip().endswith("to flood-live.json")
    assert err == ""  # quiet when stderr is not a terminal
    assert not hidden.exists()


@pytest.mark.django_db
def test_export_to_stdout_with_progress_on_stderr(make):
    blog = make.blog(slug="small")
    make.entry(blog)

    out, err = _run("export", "small", "-o", "-", "--progress")

    assert json.loads(out)["entries"][0]["headline"] == "Water levels rising"
    assert "exported 1/1 entries" in err
    assert "exported 'small': 1 entries" in err


@pytest.mark.django_db
def test_export_public_writes_only_what_readers_see_now(make, tmp_path):
    rich = rich_blog(make)
    target = tmp_path / "public.json"

    _run("export", "flood-live", "--public", "-o", str(target))

    data = json.loads(target.read_text())
    published = Entry.objects.filter(blog=rich.blog, status="published")
    assert sorted(entry["id"] for entry in data["entries"]) == sorted(e.pk for e in published)
    assert {entry["status"] for entry in data["entries"]} == {"published"}
    assert all(entry["revisions"] == [] for entry in data["entries"])
    assert data["memberships"] == []
    hidden = Entry.objects.filter(blog=rich.blog).exclude(status="published")
    assert hidden.exists()
    for entry in hidden.exclude(headline=""):
        assert entry.headline not in target.read_text()


@pytest.mark.django_db
def test_export_of_an_unknown_blog_is_one_clear_error():
    with pytest.raises(CommandError, match=r"^no live blog called 'nope'$"):
        _run("export", "nope")


# --- import --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_recreates_the_blog_under_a_new_slug(make, tmp_path):
    rich_blog(make)
    path = tmp_path / "flood.json"
    _run("export", "flood-live", "-o", str(path))

    out, _err = _run("import", str(path), "--slug", "flood-copy", "--owner", "amira")

    copy = LiveBlog.objects.get(slug="flood-copy")
    assert copy.title == "Flood: live updates"
    assert Entry.objects.filter(blog=copy).count() == 6
    assert "imported 'flood-copy' (live): 6 entries" in out
    assert "reader page /live/flood-copy" in out


@pytest.mark.django_db
def test_import_to_a_taken_slug_says_how_to_get_round_it(make, tmp_path):
    rich_blog(make)
    path = tmp_path / "flood.json"
    _run("export", "flood-live", "-o", str(path))
    blogs = LiveBlog.objects.count()

    with pytest.raises(CommandError) as caught:
        _run("import", str(path))

    assert str(caught.value) == (
        "slug 'flood-live' is taken: pass --slug to import under another address"
    )
    assert LiveBlog.objects.count() == blogs


@pytest.mark.django_db
def test_import_refuses_an_unknown_owner_a_missing_file_and_broken_json(tmp_path):
    with pytest.raises(CommandError, match=r"^no active user called 'ghost'$"):
        _run("import", str(tmp_path / "x.json"), "--owner", "ghost")
    with pytest.raises(CommandError, match=r"^no such file: "):
        _run("import", str(tmp_path / "x.json"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "bulletin-blog",')
    with pytest.raises(CommandError, match=r"^the file is not valid JSON: "):
        _run("import", str(broken))
    assert LiveBlog.objects.count() == 0


def test_import_exits_with_status_1_and_one_line_on_stderr(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bulletin.cli", "import", str(tmp_path / "missing.json")],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == f"CommandError: no such file: {tmp_path / 'missing.json'}"


# --- archive -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_archive_refuses_a_blog_that_is_still_live(make, tmp_path):
    make.blog(slug="still-live")
    with pytest.raises(CommandError, match=r"^live blog 'still-live' is live: only an ended"):
        _run("archive", "still-live", "-o", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


@pytest.mark.django_db
def test_archive_writes_every_entry_of_a_long_blog_with_no_live_script(make, tmp_path, settings):
    blog = make.blog(slug="long-night")
    owner = make.owner_of(blog)
    photo = image_for(owner, blog, "Night shift")
    for number in range(120):
        fields = EntryFields(headline=f"Update number {number}", body=f"<p>Body {number}.</p>")
        if number == 7:
            fields = EntryFields(headline="Update number 7", image_id=photo.pk)
        services.publish_entry(owner, blog, fields)
    services.end_coverage(owner, blog)
    folder = tmp_path / "archive"

    out, err = _run("archive", "long-night", "-o", str(folder), "--progress")

    html = (folder / "index.html").read_text()
    for number in range(120):
        assert f">Update number {number}</h2>" in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == ['<script type="application/ld+json">']
    assert "EventSource" not in html
    assert "live.js" not in html
    assert "Load older updates" not in html
    assert '"@type":"LiveBlogPosting"' in html
    assert '<link rel="stylesheet" href="reader.css">' in html
    assert (folder / "reader.css").read_text().strip()
    assert f'src="media/{photo.file}"' in html
    original = Path(settings.MEDIA_ROOT) / photo.file
    assert (folder / "media" / photo.file).read_bytes() == original.read_bytes()
    for variant in photo.variants.values():
        assert (folder / "media" / variant).is_file()
    first = Entry.objects.filter(blog=blog).order_by("pk")[0]
    assert f'href="#entry-{first.pk}"' in html
    assert f'href="/live/long-night/e/{first.pk}"' not in html
    assert "archived 'long-night': 120 entries, " in out
    assert "loaded 120/120 entries" in err
    assert "copied " in err


@pytest.mark.django_db
def test_archive_of_an_unknown_blog_is_one_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"^no live blog called 'nope'$"):
        _run("archive", "nope", "-o", str(tmp_path))
