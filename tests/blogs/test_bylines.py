"""Bylines beyond the blog's users: contributor profiles and guest bylines, in the services,
in revisions, and through export and import (reader item 6)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from bulletin.blogs import services
from bulletin.blogs.demo import seed
from bulletin.blogs.fields import ContributorFields, EntryFields
from bulletin.blogs.models import Contributor, Entry, LiveBlog, Media
from bulletin.blogs.transfer import export_blog, import_blog
from bulletin.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def exported(blog: LiveBlog) -> dict[str, Any]:
    out = io.StringIO()
    export_blog(blog, out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def _profiled_blog(make) -> tuple[LiveBlog, Contributor, Entry]:
    blog = make.blog(slug="vote-live")
    owner = make.owner_of(blog)
    photo = Media.objects.create(file="2026/01/ana.jpg", alt="Ana Costa", width=96, height=96)
    ana = services.create_contributor(
        owner, blog, ContributorFields(name="Ana Costa", role="Stringer", photo_id=photo.pk)
    )
    entry = make.entry(
        blog, headline="Polls close", contributor_ids=[ana.pk], guest_byline="Reuters"
    )
    return blog, ana, entry


def test_an_entry_credits_its_profiles_with_role_and_photo_then_its_guest_byline(make):
    _blog, _ana, entry = _profiled_blog(make)

    assert (
        '<span class="entry__author"><img class="entry__avatar" src="/media/2026/01/ana.jpg"'
        in entry.html
    )
    assert (
        'Ana Costa <span class="entry__role">Stringer</span></span> and '
        '<span class="entry__author entry__author--guest">Reuters</span>'
    ) in entry.html


def test_an_editor_may_not_manage_profiles(make):
    blog = make.blog()
    editor = make.member(blog, "editor")

    with pytest.raises(PermissionDenied, match="manage the contributor profiles"):
        services.create_contributor(editor, blog, ContributorFields(name="Ben"))


def test_a_revision_keeps_the_byline_it_had(make):
    blog, ana, entry = _profiled_blog(make)

    edited = services.update_entry(
        make.owner_of(blog),
        entry,
        EntryFields.read({"guest_byline": "AP", "contributor_ids": []}),
        expected_revision=entry.revision,
    )

    first, second = edited.revisions.order_by("revision")
    assert (first.data["guest_byline"], first.data["contributors"]) == ("Reuters", [ana.pk])
    assert second.data["guest_byline"] == "AP"


def test_export_and_import_keep_profiles_and_guest_bylines(make):
    blog, _ana, _entry = _profiled_blog(make)
    data = exported(blog)

    result = import_blog(data, slug="vote-copy")

    (person,) = Contributor.objects.filter(blog=result.blog)
    assert (person.name, person.role, person.photo and person.photo.file) == (
        "Ana Costa",
        "Stringer",
        "2026/01/ana.jpg",
    )
    (copy,) = Entry.objects.filter(blog=result.blog)
    assert copy.guest_byline == "Reuters"
    assert list(copy.contributors.all()) == [person]
    assert list(copy.authors.all()) == []  # nobody is turned into "Desk Editor"
    assert "Reuters" in copy.html
    assert "Ana Costa" in copy.html
    again = exported(result.blog)
    assert again["contributors"] == data["contributors"]
    assert again["entries"][0]["contributors"] == ["c1"]
    assert again["entries"][0]["guest_byline"] == "Reuters"


def test_an_import_refuses_an_entry_naming_an_unknown_profile(make):
    blog, _ana, _entry = _profiled_blog(make)
    data = exported(blog)
    data["entries"][0]["contributors"] = ["c9"]

    with pytest.raises(ValidationFailed, match=r"entries\[0\]\.contributors\[0\]"):
        import_blog(data, slug="vote-copy")
    assert not LiveBlog.objects.filter(slug="vote-copy").exists()


def test_a_file_from_before_profiles_still_imports(make):
    blog = make.blog(slug="old-live")
    make.entry(blog, headline="Old")
    data = exported(blog)
    data.pop("contributors")
    for entry in data["entries"]:
        entry.pop("contributors")
        entry.pop("guest_byline")

    result = import_blog(data, slug="old-copy")

    assert Entry.objects.filter(blog=result.blog).count() == 1


def test_the_demo_credits_agency_copy_and_writes_british_times(tmp_path: Path):
    result = seed(tmp_path / "password.txt")

    agency = Entry.objects.filter(blog=result.blog, guest_byline="Staff and agencies")
    assert agency.count() == 2
    assert all(not entry.authors.exists() for entry in agency)
    assert result.blog.language == "en-gb"
    sample = Entry.objects.filter(blog=result.blog).first()
    assert sample is not None
    assert " PM" not in sample.html
    assert " AM" not in sample.html
