"""Check and normalise what a writer sends before anything is written.

Every check raises :class:`~bulletin.errors.ValidationFailed` naming the field, what was
expected and what came. Nothing here touches the database except to look up referenced rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import SplitResult, urlsplit
from zoneinfo import available_timezones

from django.conf import settings

from bulletin.accounts.models import User
from bulletin.blogs import embeds
from bulletin.blogs.models import (
    HEADLINE_MAX,
    KEY_POINT_MAX,
    MAX_KEY_POINTS,
    SLUG_PATTERN,
    TITLE_MAX,
    BlogStatus,
    Media,
    Order,
)
from bulletin.blogs.sanitize import sanitize_html
from bulletin.errors import ValidationFailed
from bulletin.text import check_storable, clean_line

DESCRIPTION_MAX = 2000
CORRECTION_MAX = 1000
TAKEDOWN_REASON_MAX = 1000
RELATED_TITLE_MAX = 300
URL_MAX = 1000
SLUG_MAX = 100
MAX_AUTHORS = 10
# Times outside this window are typing mistakes, and year 1 or 9999 overflow on conversion.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200


class _Unset:
    """Marks a field the writer did not send (distinct from sending null)."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


@dataclass(frozen=True)
class EntryFields:
    """What a writer may set on an entry; UNSET fields are left as they are."""

    headline: str = UNSET
    body: str = UNSET
    author_ids: list[int] = UNSET
    image_id: int | None = UNSET
    embed_url: str = UNSET
    embed_title: str = UNSET
    embed_description: str = UNSET
    related_url: str = UNSET
    related_title: str = UNSET
    key_event: bool = UNSET
    breaking: bool = UNSET
    display_at: datetime | None = UNSET

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not UNSET
        }


@dataclass(frozen=True)
class BlogFields:
    """What an owner may set on a blog; UNSET fields are left as they are."""

    slug: str = UNSET
    title: str = UNSET
    description: str = UNSET
    language: str = UNSET
    timezone: str = UNSET
    order: str = UNSET
    cover_image_id: int | None = UNSET
    coverage_start: datetime | None = UNSET
    coverage_end: datetime | None = UNSET

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not UNSET
        }


def _max_chars(field: str, value: str, limit: int) -> str:
    check_storable(field, value)
    if len(value) > limit:
        raise ValidationFailed.on(field, f"must be at most {limit} characters, got {len(value)}")
    return value


def _single_line(field: str, value: str, limit: int) -> str:
    value = clean_line(field, re.sub(r"\s+", " ", value)).strip()
    return _max_chars(field, value, limit)


def clean_url(field: str, value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    _max_chars(field, value, URL_MAX)
    parts = split_url(field, value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValidationFailed.on(field, f"must be an http(s) URL, got {value[:80]!r}")
    return value


def split_url(field: str, value: str) -> SplitResult:
    """``urlsplit`` that turns an unparsable URL into a clear refusal."""
    try:
        return urlsplit(value)
    except ValueError as exc:
        raise ValidationFailed.on(
            field, f"must be a valid URL ({exc}), got {value[:80]!r}"
        ) from None


def clean_body(value: str) -> str:
    check_storable("body", value)
    size = len(value.encode())
    limit = settings.BULLETIN["MAX_BODY_BYTES"]
    if size > limit:
        raise ValidationFailed.on("body", f"must be at most {limit} bytes, got {size}")
    return sanitize_html(value)


def clean_correction(value: str) -> str:
    return _max_chars("correction_note", value.strip(), CORRECTION_MAX)


def clean_takedown_reason(value: str) -> str:
    """Why an entry is taken down: required, kept on record for the blog's owners."""
    reason = _max_chars("reason", value.strip(), TAKEDOWN_REASON_MAX)
    if not reason:
        raise ValidationFailed.on("reason", "is required: say why the entry is taken down")
    return reason


def check_moment(field: str, value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValidationFailed.on(
            field, f"must include a time zone offset (e.g. 2026-01-27T14:32:00Z), got {value}"
        )
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationFailed.on(
            field, f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}, got {value.isoformat()}"
        )
    return value


def _authors(ids: list[int]) -> list[int]:
    unique = list(dict.fromkeys(ids))
    if len(unique) > MAX_AUTHORS:
        raise ValidationFailed.on(
            "author_ids", f"must name at most {MAX_AUTHORS} authors, got {len(unique)}"
        )
    found = set(User.objects.filter(pk__in=unique, is_active=True).values_list("pk", flat=True))
    missing = [pk for pk in unique if pk not in found]
    if missing:
        raise ValidationFailed.on(
            "author_ids", f"must be ids of active users, got unknown id(s) {missing}"
        )
    return unique


def _media(field: str, media_id: int | None) -> int | None:
    if media_id is not None and not Media.objects.filter(pk=media_id).exists():
        raise ValidationFailed.on(field, f"must be the id of an uploaded image, got {media_id}")
    return media_id


def clean_entry_fields(given: EntryFields, current_embed: dict[str, str]) -> dict[str, Any]:
    """Turn what the writer sent into model attribute values (``author_ids`` kept apart)."""
    values: dict[str, Any] = {}
    data = given.given()
    if "headline" in data:
        values["headline"] = _single_line("headline", data["headline"], HEADLINE_MAX)
    if "body" in data:
        values["body"] = clean_body(data["body"])
    if "author_ids" in data:
        values["author_ids"] = _authors(data["author_ids"])
    if "image_id" in data:
        values["image_id"] = _media("image_id", data["image_id"])
    if "related_url" in data:
        values["related_url"] = clean_url("related_url", data["related_url"])
    if "related_title" in data:
        values["related_title"] = _single_line(
            "related_title", data["related_title"], RELATED_TITLE_MAX
        )
    if "key_event" in data:
        values["is_key_event"] = bool(data["key_event"])
    if "breaking" in data:
        values["is_breaking"] = bool(data["breaking"])
    if "display_at" in data:
        values["display_at"] = check_moment("display_at", data["display_at"])
    embed_keys = {"embed_url", "embed_title", "embed_description"}
    if embed_keys & data.keys():
        url = data.get("embed_url", current_embed.get("url", ""))
        if url.strip():
            values["embed"] = embeds.recognise(
                url,
                title=_single_line(
                    "embed_title", data.get("embed_title", current_embed.get("title", "")), 300
                ),
                description=_single_line(
                    "embed_description",
                    data.get("embed_description", current_embed.get("description", "")),
                    1000,
                ),
            ).as_dict()
        else:
            values["embed"] = {}
    return values


# Slugs that name desk pages (/desk/login/, /desk/new…) rather than a blog's desk.
RESERVED_SLUGS = frozenset({"login", "logout", "password", "password-reset", "reset", "new"})


def clean_slug(value: str) -> str:
    value = value.strip()
    if not value or len(value) > SLUG_MAX or not re.fullmatch(SLUG_PATTERN, value):
        raise ValidationFailed.on(
            "slug",
            "must be 1 to 100 lowercase letters, digits and single hyphens "
            f"(e.g. storm-live), got {value[:120]!r}",
        )
    if value in RESERVED_SLUGS:
        raise ValidationFailed.on(
            "slug", f"must not be one of {', '.join(sorted(RESERVED_SLUGS))}, got {value!r}"
        )
    return value


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def clean_timezone(value: str) -> str:
    # A set lookup, not ZoneInfo(value): that also opens folders ("America") and paths.
    if value not in _time_zones():
        raise ValidationFailed.on(
            "timezone", f"must be an IANA time zone such as Europe/London, got {value[:80]!r}"
        )
    return value


def clean_language(value: str) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    if value not in codes:
        raise ValidationFailed.on(
            "language", f"must be a language code such as en, de or fr, got {value[:20]!r}"
        )
    return value


def clean_blog_fields(given: BlogFields) -> dict[str, Any]:
    values: dict[str, Any] = {}
    data = given.given()
    if "slug" in data:
        values["slug"] = clean_slug(data["slug"])
    if "title" in data:
        title = _single_line("title", data["title"], TITLE_MAX)
        if not title:
            raise ValidationFailed.on("title", "must not be empty")
        values["title"] = title
    if "description" in data:
        values["description"] = _max_chars(
            "description", data["description"].strip(), DESCRIPTION_MAX
        )
    if "language" in data:
        values["language"] = clean_language(data["language"])
    if "timezone" in data:
        values["timezone"] = clean_timezone(data["timezone"])
    if "order" in data:
        if data["order"] not in Order.values:
            raise ValidationFailed.on(
                "order", f"must be one of {', '.join(Order.values)}, got {data['order']!r}"
            )
        values["order"] = data["order"]
    if "cover_image_id" in data:
        values["cover_image_id"] = _media("cover_image_id", data["cover_image_id"])
    for name in ("coverage_start", "coverage_end"):
        if name in data:
            values[name] = check_moment(name, data[name])
    return values


def check_coverage_window(start: datetime | None, end: datetime | None) -> None:
    if start and end and end < start:
        raise ValidationFailed.on(
            "coverage_end",
            f"must not be before coverage_start ({start.isoformat()}), got {end.isoformat()}",
        )


def clean_key_points(points: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    if len(points) > MAX_KEY_POINTS:
        raise ValidationFailed.on(
            "key_points", f"must hold at most {MAX_KEY_POINTS} points, got {len(points)}"
        )
    cleaned = []
    for index, (text, entry_id) in enumerate(points):
        line = _single_line(f"key_points[{index}]", text, KEY_POINT_MAX)
        if not line:
            raise ValidationFailed.on(f"key_points[{index}]", "must not be empty")
        cleaned.append((line, entry_id))
    return cleaned


BLOG_STATUSES = BlogStatus.values
