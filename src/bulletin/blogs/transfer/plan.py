"""Check a whole export file before anything is written, and turn it into what to create.

Nothing here touches the database. Text is held to the limits of the columns it goes to,
bodies pass the same sanitiser as the desk's, embeds are recognised again from their URL (so
a file cannot smuggle in an iframe address), and every reference between rows must resolve
inside the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError

from bulletin.accounts.models import Role, User
from bulletin.blogs import embeds
from bulletin.blogs.models import (
    MAX_KEY_POINTS,
    BlogStatus,
    Entry,
    EntryRevision,
    EntryStatus,
    KeyPoint,
    LiveBlog,
    Media,
    Order,
)
from bulletin.blogs.sanitize import sanitize_html
from bulletin.blogs.transfer.checks import Obj, refuse, shown
from bulletin.blogs.transfer.common import FORMAT, VERSION
from bulletin.blogs.validation import clean_language, clean_slug, clean_timezone, clean_url
from bulletin.errors import ValidationFailed


@dataclass
class RevisionPlan:
    values: dict[str, Any]
    data: dict[str, Any]  # as in the file: usernames and image references
    edited_by: str | None


@dataclass
class EntryPlan:
    ref: str
    values: dict[str, Any]
    authors: list[str]
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
    entries: list[EntryPlan] = field(default_factory=list)
    key_points: list[tuple[str, str | None]] = field(default_factory=list)
    memberships: list[tuple[str, str, datetime]] = field(default_factory=list)

    @property
    def revision_count(self) -> int:
        return sum(len(entry.revisions) for entry in self.entries)


def plan_import(data: Any, slug: str | None = None) -> Plan:
    """Check an export file's content and return what to create; raise ValidationFailed."""
    root = Obj(data, "")
    _check_format(root)
    users = _users(root)
    names = _Names(set(users))
    media = _media(root, names)
    names.media = {item.ref for item in media}
    entries = _entries(root, names)
    names.entries = {entry.ref for entry in entries}
    blog = Obj(root.get("blog"), "blog")
    plan = Plan(
        slug=_within("", clean_slug, slug) if slug is not None else _blog_slug(blog),
        blog=_blog_values(blog),
        cover_image=names.image(blog, "cover_image"),
        pinned_entry=names.entry(blog, "pinned_entry"),
        created_by=names.person(blog, "created_by"),
        users=list(users.values()),
        media=media,
        entries=entries,
    )
    plan.key_points = _key_points(root, names)
    plan.memberships = _memberships(root, names)
    return plan


def _check_format(root: Obj) -> None:
    found = root.get("format")
    if found != FORMAT:
        raise ValidationFailed.on(
            "format", f"must be {FORMAT!r} (a file written by bulletin export), got {shown(found)}"
        )
    version = root.get("version")
    if version != VERSION or isinstance(version, bool):
        raise ValidationFailed.on(
            "version",
            f"must be {VERSION}, the version this Bulletin reads, got {shown(version)}",
        )


def _within(where: str, check: Any, value: str) -> Any:
    """Run one of the desk's field checks, naming the place in the file when it refuses."""
    try:
        return check(value)
    except ValidationFailed as exc:
        raise ValidationFailed(f"{where}.{exc.message}" if where else exc.message) from None


class _Names:
    """The names rows may refer to: usernames, image and entry references of this file."""

    def __init__(self, users: set[str]) -> None:
        self.users = users
        self.media: set[str] = set()
        self.entries: set[str] = set()

    def _known(self, item: Obj, key: str, known: set[str], what: str) -> str | None:
        name = item.name(key)
        if name is not None and name not in known:
            raise ValidationFailed.on(item.path(key), f"must be {what}, got {shown(name)}")
        return name

    def person(self, item: Obj, key: str) -> str | None:
        return self._known(item, key, self.users, "the username of one of the file's users")

    def image(self, item: Obj, key: str) -> str | None:
        return self._known(item, key, self.media, "the ref of one of the file's media")

    def entry(self, item: Obj, key: str) -> str | None:
        return self._known(item, key, self.entries, "the ref of one of the file's entries")

    def people(self, item: Obj, key: str) -> list[str]:
        names = item.strings(key)
        for index, name in enumerate(names):
            if name not in self.users:
                raise ValidationFailed.on(
                    f"{item.path(key)}[{index}]",
                    f"must be the username of one of the file's users, got {shown(name)}",
                )
        return names


def _unique(where: str, value: str, seen: set[str]) -> str:
    if value in seen:
        raise ValidationFailed.on(where, f"must be unique in the file, got {shown(value)} twice")
    seen.add(value)
    return value


def _users(root: Obj) -> dict[str, dict[str, str]]:
    users: dict[str, dict[str, str]] = {}
    for item in root.objects("users"):
        username = item.field_text("username", User)
        try:
            User.username_validator(username)
        except ValidationError:
            raise refuse(
                item.path("username"), "a username (letters, digits, @.+-_)", username
            ) from None
        _unique(item.path("username"), username, set(users))
        users[username] = {
            "username": username,
            "display_name": item.field_text("display_name", User),
            "first_name": item.field_text("first_name", User),
            "last_name": item.field_text("last_name", User),
            "email": item.field_text("email", User),
        }
    return users


def _media_path(where: str, value: str) -> str:
    path = PurePosixPath(value)
    if not value or path.is_absolute() or ".." in path.parts or "\\" in value:
        raise refuse(where, "a relative path inside the media folder", value)
    return value


def _media(root: Obj, names: _Names) -> list[MediaPlan]:
    found: list[MediaPlan] = []
    refs: set[str] = set()
    for item in root.objects("media"):
        variants = item.mapping("variants")
        for width, path in variants.items():
            where = f"{item.path('variants')}.{width}"
            if not width.isdigit():
                raise refuse(where, "keyed by a width in pixels", width)
            if not isinstance(path, str):
                raise refuse(where, "a path", path)
            _media_path(where, path)
        values = {
            "file": _media_path(item.path("file"), item.field_text("file", Media)),
            "alt": item.field_text("alt", Media),
            "caption": item.field_text("caption", Media),
            "credit": item.field_text("credit", Media),
            "width": item.integer("width"),
            "height": item.integer("height"),
            "variants": variants,
            "created_at": item.moment("created_at"),
        }
        ref = _unique(item.path("ref"), item.text("ref"), refs)
        found.append(MediaPlan(ref, values, names.person(item, "uploaded_by")))
    return found


def _body(item: Obj, key: str) -> str:
    # The file may come from anywhere: its HTML passes the desk's allowlist like any body.
    return sanitize_html(item.text(key))


def _embed(item: Obj) -> dict[str, str]:
    given = item.mapping("embed")
    if not given:
        return {}
    embed = Obj(given, item.path("embed"))
    url, title, description = embed.text("url"), embed.text("title"), embed.text("description")
    try:
        return embeds.recognise(url, title=title, description=description).as_dict()
    except ValidationFailed as exc:
        raise ValidationFailed(f"{embed.path('url')}: {exc.message.split(': ', 1)[-1]}") from None


def _entries(root: Obj, names: _Names) -> list[EntryPlan]:
    found: list[EntryPlan] = []
    refs: set[str] = set()
    for item in root.objects("entries"):
        ref = _unique(item.path("ref"), item.text("ref"), refs)
        values = {
            "status": item.choice("status", EntryStatus.values),
            "headline": item.field_text("headline", Entry),
            "body": _body(item, "body"),
            "embed": _embed(item),
            "related_url": clean_url(
                item.path("related_url"), item.field_text("related_url", Entry)
            ),
            "related_title": item.field_text("related_title", Entry),
            "is_key_event": item.boolean("key_event"),
            "is_breaking": item.boolean("breaking"),
            "display_at": item.time("display_at"),
            "scheduled_for": item.time("scheduled_for"),
            "published_at": item.time("published_at"),
            "edited_at": item.time("edited_at"),
            "correction_note": item.text("correction_note"),
            "revision": item.integer("revision", minimum=1),
            "created_at": item.moment("created_at"),
            "updated_at": item.moment("updated_at"),
        }
        found.append(
            EntryPlan(
                ref=ref,
                values=values,
                authors=names.people(item, "authors"),
                image=names.image(item, "image"),
                created_by=names.person(item, "created_by"),
                revisions=_revisions(item, names),
            )
        )
    return found


def _revisions(entry: Obj, names: _Names) -> list[RevisionPlan]:
    found: list[RevisionPlan] = []
    numbers: set[str] = set()
    for item in entry.objects("revisions"):
        number = item.integer("revision", minimum=1)
        _unique(item.path("revision"), str(number), numbers)
        data = item.mapping("data")
        held = Obj(data, item.path("data"))
        if "authors" in data:
            names.people(held, "authors")
        if "image" in data:
            names.image(held, "image")
        values = {
            "revision": number,
            "status": item.choice("status", EntryStatus.values),
            "headline": item.field_text("headline", EntryRevision),
            "body": _body(item, "body"),
            "correction_note": item.text("correction_note"),
            "created_at": item.moment("created_at"),
        }
        found.append(RevisionPlan(values, data, names.person(item, "edited_by")))
    return found


def _blog_slug(blog: Obj) -> str:
    slug: str = _within("blog", clean_slug, blog.text("slug"))
    return slug


def _blog_values(blog: Obj) -> dict[str, Any]:
    title = blog.field_text("title", LiveBlog)
    if not title.strip():
        raise ValidationFailed.on("blog.title", "must not be empty")
    start, end = blog.time("coverage_start"), blog.time("coverage_end")
    blog.integer("seq")  # read for the record; the change log starts again on import
    return {
        "title": title,
        "description": blog.text("description"),
        "language": _within("blog", clean_language, blog.text("language")),
        "timezone": _within("blog", clean_timezone, blog.text("timezone")),
        "order": blog.choice("order", Order.values),
        "status": blog.choice("status", BlogStatus.values),
        "coverage_start": start,
        "coverage_end": end,
        "created_at": blog.moment("created_at"),
        "updated_at": blog.moment("updated_at"),
    }


def _key_points(root: Obj, names: _Names) -> list[tuple[str, str | None]]:
    points = root.objects("key_points")
    if len(points) > MAX_KEY_POINTS:
        raise ValidationFailed.on(
            "key_points", f"must hold at most {MAX_KEY_POINTS} points, got {len(points)}"
        )
    return [(item.field_text("text", KeyPoint), names.entry(item, "entry")) for item in points]


def _memberships(root: Obj, names: _Names) -> list[tuple[str, str, datetime]]:
    found: list[tuple[str, str, datetime]] = []
    seen: set[str] = set()
    for item in root.objects("memberships"):
        username = names.person(item, "username")
        if username is None:
            raise refuse(item.path("username"), "a username", None)
        _unique(item.path("username"), username, seen)
        found.append((username, item.choice("role", Role.values), item.moment("created_at")))
    return found
