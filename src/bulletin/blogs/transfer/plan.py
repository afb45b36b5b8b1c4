"""Check a whole export file before anything is written, and turn it into what to create.

Nothing here touches the database. Each record is checked by the field models
(:mod:`bulletin.blogs.transfer.records`: column limits, the desk's cleaning and sanitiser,
embeds recognised again from their URL so that a file cannot smuggle in an iframe address);
this module checks what no single record can: that references between rows resolve inside
the file and that names are unique.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bulletin.blogs import embeds
from bulletin.blogs.fields import read_value
from bulletin.blogs.fields.kinds import Slug
from bulletin.blogs.transfer.common import FORMAT, VERSION
from bulletin.blogs.transfer.records import (
    BlogRecord,
    EntryRecord,
    FileRecord,
    MediaRecord,
    RevisionRecord,
)
from bulletin.errors import ValidationFailed


@dataclass
class RevisionPlan:
    values: dict[str, Any]
    data: dict[str, Any]  # as in the file: usernames and image references
    edited_by: str | None


@dataclass
class ContributorPlan:
    ref: str
    values: dict[str, Any]  # name, role
    photo: str | None


@dataclass
class EntryPlan:
    ref: str
    values: dict[str, Any]
    authors: list[str]
    contributors: list[str]
    image: str | None
    created_by: str | None
    revisions: list[RevisionPlan]


@dataclass
class MediaPlan:
    ref: str
    values: dict[str, Any]
    uploaded_by: str | None


@dataclass
class Plan:
    """Everything the file asks for, checked, with rows still referring to each other by name."""

    slug: str
    blog: dict[str, Any]
    cover_image: str | None
    pinned_entry: str | None
    created_by: str | None
    users: list[dict[str, str]] = field(default_factory=list)
    media: list[MediaPlan] = field(default_factory=list)
    contributors: list[ContributorPlan] = field(default_factory=list)
    entries: list[EntryPlan] = field(default_factory=list)
    key_points: list[tuple[str, str | None]] = field(default_factory=list)
    memberships: list[tuple[str, str, datetime]] = field(default_factory=list)

    @property
    def revision_count(self) -> int:
        return sum(len(entry.revisions) for entry in self.entries)


def plan_import(data: Any, slug: str | None = None) -> Plan:
    """Check an export file's content and return what to create; raise ValidationFailed."""
    _check_format(data)
    file = FileRecord.read(data, whole="file")
    names = _Names(file)
    blog = file.blog
    plan = Plan(
        slug=read_value(Slug, "slug" if slug is not None else "blog.slug", slug or blog.slug),
        blog=_blog_values(blog),
        cover_image=names.image("blog.cover_image", blog.cover_image),
        pinned_entry=names.entry("blog.pinned_entry", blog.pinned_entry),
        created_by=names.person("blog.created_by", blog.created_by),
        users=[user.model_dump() for user in file.users],
        media=[_media(f"media[{i}]", item, names) for i, item in enumerate(file.media)],
        contributors=[
            ContributorPlan(
                person.ref,
                person.model_dump(include={"name", "role"}),
                names.image(f"contributors[{i}].photo", person.photo),
            )
            for i, person in enumerate(file.contributors)
        ],
        entries=[_entry(f"entries[{i}]", item, names) for i, item in enumerate(file.entries)],
    )
    plan.key_points = [
        (point.text, names.entry(f"key_points[{i}].entry", point.entry))
        for i, point in enumerate(file.key_points)
    ]
    seen: set[str] = set()
    for i, member in enumerate(file.memberships):
        where = f"memberships[{i}].username"
        username = names.person(where, member.username)
        assert username is not None  # the record requires a name
        _unique(where, username, seen)
        plan.memberships.append((username, member.role, member.created_at))
    return plan


def _check_format(data: Any) -> None:
    """The format and version first, alone: a file of another kind is named as such."""
    if not isinstance(data, dict):
        return  # the file record says what it must be
    found = data.get("format")
    if found != FORMAT:
        raise ValidationFailed.on(
            "format", f"must be {FORMAT!r} (a file written by bulletin export), got {found!r}"
        )
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        raise ValidationFailed.on(
            "version", f"must be {VERSION}, the version this Bulletin reads, got {version!r}"
        )


def _unique(where: str, value: str, seen: set[str]) -> str:
    if value in seen:
        raise ValidationFailed.on(where, f"must be unique in the file, got {value!r} twice")
    seen.add(value)
    return value


def _unique_all(prefix: str, key: str, values: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        _unique(f"{prefix}[{index}].{key}", value, seen)
    return seen


class _Names:
    """The names rows may refer to: usernames, image and entry references of this file."""

    def __init__(self, file: FileRecord) -> None:
        self.users = _unique_all("users", "username", (user.username for user in file.users))
        self.media = _unique_all("media", "ref", (item.ref for item in file.media))
        self.entries = _unique_all("entries", "ref", (entry.ref for entry in file.entries))
        self.contributors = _unique_all(
            "contributors", "ref", (person.ref for person in file.contributors)
        )

    @staticmethod
    def _known(where: str, name: str | None, known: set[str], what: str) -> str | None:
        if name is not None and name not in known:
            raise ValidationFailed.on(where, f"must be {what}, got {name[:60]!r}")
        return name

    def person(self, where: str, name: str | None) -> str | None:
        return self._known(where, name, self.users, "the username of one of the file's users")

    def image(self, where: str, name: str | None) -> str | None:
        return self._known(where, name, self.media, "the ref of one of the file's media")

    def entry(self, where: str, name: str | None) -> str | None:
        return self._known(where, name, self.entries, "the ref of one of the file's entries")

    def contributor_refs(self, where: str, names: list[str]) -> list[str]:
        for index, name in enumerate(names):
            self._known(
                f"{where}[{index}]", name, self.contributors, "the ref of one of the contributors"
            )
        return names

    def people(self, where: str, names: list[str]) -> list[str]:
        for index, name in enumerate(names):
            self.person(f"{where}[{index}]", name)
        return names


def _media(where: str, item: MediaRecord, names: _Names) -> MediaPlan:
    values = item.model_dump(
        include={"file", "alt", "caption", "credit", "width", "height", "variants", "created_at"}
    )
    uploader = names.person(f"{where}.uploaded_by", item.uploaded_by)
    return MediaPlan(item.ref, values, uploader)


def _embeds(where: str, item: EntryRecord) -> list[dict[str, str]]:
    if "embeds" in item.model_fields_set or item.embed is None:
        found, path = item.embeds, f"{where}.embeds"
    else:
        found, path = [item.embed], f"{where}.embed"  # a file from before several embeds
    recognised = []
    for index, record in enumerate(found):
        try:
            recognised.append(embeds.again(record.model_dump()).as_dict())
        except ValidationFailed as exc:
            message = next(iter(exc.fields.values()), exc.message)
            place = path if path.endswith(".embed") else f"{path}[{index}]"
            raise ValidationFailed.on(f"{place}.url", message) from None
    return recognised


_ENTRY_VALUES = {
    "status",
    *EntryRecord.model_fields.keys() - {"key_event", "breaking", "embed", "embeds"},
} - {"ref", "authors", "contributors", "image", "created_by", "revisions"}


def _entry(where: str, item: EntryRecord, names: _Names) -> EntryPlan:
    numbers = (str(revision.revision) for revision in item.revisions)
    _unique_all(f"{where}.revisions", "revision", numbers)
    values = item.model_dump(include=_ENTRY_VALUES)
    values.update(
        embeds=_embeds(where, item), is_key_event=item.key_event, is_breaking=item.breaking
    )
    return EntryPlan(
        ref=item.ref,
        values=values,
        authors=names.people(f"{where}.authors", item.authors),
        contributors=names.contributor_refs(f"{where}.contributors", item.contributors),
        image=names.image(f"{where}.image", item.image),
        created_by=names.person(f"{where}.created_by", item.created_by),
        revisions=[
            _revision(f"{where}.revisions[{i}]", revision, names)
            for i, revision in enumerate(item.revisions)
        ],
    )


def _revision(where: str, item: RevisionRecord, names: _Names) -> RevisionPlan:
    data = item.data
    if "authors" in data:
        authors = data["authors"]
        if not isinstance(authors, list) or not all(isinstance(n, str) for n in authors):
            raise ValidationFailed.on(f"{where}.data.authors", "must be a list of usernames")
        names.people(f"{where}.data.authors", authors)
    if "contributors" in data:
        people = data["contributors"]
        if not isinstance(people, list) or not all(isinstance(n, str) for n in people):
            raise ValidationFailed.on(f"{where}.data.contributors", "must be a list of refs")
        names.contributor_refs(f"{where}.data.contributors", people)
    if "image" in data:
        image = data["image"]
        if image is not None and not isinstance(image, str):
            raise ValidationFailed.on(f"{where}.data.image", "must be an image ref or null")
        names.image(f"{where}.data.image", image)
    values = item.model_dump(
        include={"revision", "status", "headline", "body", "correction_note", "created_at"}
    )
    return RevisionPlan(values, data, names.person(f"{where}.edited_by", item.edited_by))


def _blog_values(blog: BlogRecord) -> dict[str, Any]:
    return blog.model_dump(
        include={
            "title",
            "description",
            "language",
            "timezone",
            "order",
            "status",
            "coverage_start",
            "coverage_end",
            "created_at",
            "updated_at",
        }
    )
