"""The kinds of value a writer sends, each with its limit and its messages, declared once.

Each kind is a type the field models annotate their fields with: the limit is both enforced
and written into the API's OpenAPI document, and a refusal says what was expected and what
came ("must be at most 300 characters, got 412"). Cleaning (one-line text, trimmed text,
sanitised HTML) happens before the limit is measured, so the limit counts what is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from django.conf import settings
from pydantic import AfterValidator, BeforeValidator, Field, Strict

from bulletin import config
from bulletin.blogs.models import (
    HEADLINE_MAX,
    KEY_POINT_MAX,
    SLUG_PATTERN,
    SUBTITLE_MAX,
    TITLE_MAX,
)
from bulletin.blogs.sanitize import sanitize_html
from bulletin.errors import ValidationFailed
from bulletin.numbers import MAX_ID
from bulletin.text import check_storable, clean_line

DESCRIPTION_MAX = 2000
CORRECTION_MAX = 1000
TAKEDOWN_REASON_MAX = 1000
RELATED_TITLE_MAX = 300
EMBED_TITLE_MAX = 300
EMBED_DESCRIPTION_MAX = 1000
URL_MAX = 1000
SLUG_MAX = 100
LANGUAGE_MAX = 16
ZONE_MAX = 64
MAX_AUTHORS = 10
ALT_MAX = 500
CAPTION_MAX = 1000
CREDIT_MAX = 300
# Times outside this window are typing mistakes, and year 1 or 9999 overflow on conversion.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
# Slugs that name desk pages (/desk/login/, /desk/new…) rather than a blog's desk.
RESERVED_SLUGS = frozenset({"login", "logout", "password", "password-reset", "reset", "new"})


def _message(check: Callable[[str, str], str], value: str) -> str:
    """Run one of :mod:`bulletin.text`'s checks, its refusal turned into the field's message
    (the field's name is added by whoever reads the model)."""
    try:
        return check("", value)
    except ValidationFailed as refused:
        raise ValueError(next(iter(refused.fields.values()))) from None


def _storable(value: Any) -> Any:
    return _message(check_storable, value) if isinstance(value, str) else value


def _trimmed(value: Any) -> Any:
    return _message(check_storable, value.strip()) if isinstance(value, str) else value


def _one_line(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return _message(clean_line, re.sub(r"\s+", " ", value)).strip()


def _not_empty(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


def _reason_given(value: str) -> str:
    if not value:
        raise ValueError("is required: say why the entry is taken down")
    return value


def _plain_words(value: Any) -> Any:
    """Words printed with an image: one line, and no control character at all."""
    if not isinstance(value, str):
        return value
    value = re.sub(r"\s+", " ", value).strip()
    for char in value:
        if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            raise ValueError(
                f"must be plain text without control characters, got U+{ord(char):04X}"
            )
    return _message(check_storable, value)


def _body(value: str) -> str:
    _message(check_storable, value)
    size = len(value.encode())
    limit = config.current.MAX_BODY_BYTES
    if size > limit:
        raise ValueError(f"must be at most {limit} bytes, got {size}")
    return sanitize_html(value)


def _at_most(limit: int, value: str) -> str:
    """Too long is said first, with the length: no other check reads 10,000 characters."""
    if len(value) > limit:
        raise ValueError(f"must be at most {limit} characters, got {len(value)}")
    return value


def _link(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = _at_most(URL_MAX, _message(check_storable, value.strip()))
    if not value:
        return ""
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        raise ValueError(f"must be a valid URL ({exc}), got {value[:80]!r}") from None
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"must be an http(s) URL, got {value[:80]!r}")
    return value


def _moment(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(
            f"must include a time zone offset (e.g. 2026-01-27T14:32:00Z), got {value}"
        )
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(
            f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}, got {value.isoformat()}"
        )
    return value


def _slug(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = _at_most(SLUG_MAX, value.strip())
    if not value or not re.fullmatch(SLUG_PATTERN, value):
        raise ValueError(
            f"must be 1 to {SLUG_MAX} lowercase letters, digits and single hyphens "
            f"(e.g. storm-live), got {value[:120]!r}"
        )
    if value in RESERVED_SLUGS:
        raise ValueError(f"must not be one of {', '.join(sorted(RESERVED_SLUGS))}, got {value!r}")
    return value


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _zone(value: Any) -> Any:
    # A set lookup, not ZoneInfo(value): that also opens folders ("America") and paths.
    if isinstance(value, str) and _at_most(ZONE_MAX, value) not in _time_zones():
        raise ValueError(f"must be an IANA time zone such as Europe/London, got {value[:80]!r}")
    return value


def is_time_zone(name: str) -> bool:
    return name in _time_zones()


def _language(value: Any) -> Any:
    languages = {code for code, _name in settings.LANGUAGES}
    if isinstance(value, str) and _at_most(LANGUAGE_MAX, value) not in languages:
        raise ValueError(f"must be a language code such as en, de or fr, got {value[:20]!r}")
    return value


def one_of(choices: type[Enum]) -> BeforeValidator:
    """Refuse a value outside ``choices``, listing them as words (not as Python literals)."""
    values = [str(choice.value) for choice in choices]

    def check(value: Any) -> Any:
        if isinstance(value, str) and value not in values:
            raise ValueError(f"must be one of {', '.join(values)}, got {value[:40]!r}")
        return value

    return BeforeValidator(check)


def _distinct(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(ids))


# Database ids are 64-bit; anything outside that range cannot name a row.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Flag = Annotated[bool, Strict()]
Moment = Annotated[datetime, AfterValidator(_moment)]
Link = Annotated[str, Field(max_length=URL_MAX), BeforeValidator(_link)]
Body = Annotated[
    str,
    Field(description="HTML: what the sanitiser does not allow is removed; 100 KB at most."),
    AfterValidator(_body),
]
Headline = Annotated[str, Field(max_length=HEADLINE_MAX), BeforeValidator(_one_line)]
Subtitle = Annotated[
    str,
    Field(max_length=SUBTITLE_MAX, description="Plain text shown under the headline."),
    BeforeValidator(_one_line),
]
RelatedTitle = Annotated[str, Field(max_length=RELATED_TITLE_MAX), BeforeValidator(_one_line)]
EmbedTitle = Annotated[str, Field(max_length=EMBED_TITLE_MAX), BeforeValidator(_one_line)]
EmbedDescription = Annotated[
    str, Field(max_length=EMBED_DESCRIPTION_MAX), BeforeValidator(_one_line)
]
AuthorIds = Annotated[list[Id], Field(max_length=MAX_AUTHORS), AfterValidator(_distinct)]
Correction = Annotated[str, Field(max_length=CORRECTION_MAX), BeforeValidator(_trimmed)]
TakedownReason = Annotated[
    str,
    Field(
        max_length=TAKEDOWN_REASON_MAX,
        description="Why the entry is taken down (required): kept in the desk's activity log.",
        examples=["Court order 2026/114"],
    ),
    AfterValidator(_reason_given),
    BeforeValidator(_trimmed),
]
Slug = Annotated[
    str,
    Field(max_length=SLUG_MAX, pattern=SLUG_PATTERN, examples=["harbour-storm"]),
    BeforeValidator(_slug),
]
Title = Annotated[
    str,
    Field(max_length=TITLE_MAX, examples=["Harbour storm: Live Updates"]),
    AfterValidator(_not_empty),
    BeforeValidator(_one_line),
]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX), BeforeValidator(_trimmed)]
Language = Annotated[
    str, Field(max_length=LANGUAGE_MAX, examples=["en"]), BeforeValidator(_language)
]
TimeZone = Annotated[
    str, Field(max_length=ZONE_MAX, examples=["Europe/London"]), BeforeValidator(_zone)
]
KeyPointText = Annotated[
    str, Field(max_length=KEY_POINT_MAX), AfterValidator(_not_empty), BeforeValidator(_one_line)
]
Alt = Annotated[str, Field(max_length=ALT_MAX), BeforeValidator(_plain_words)]
Caption = Annotated[str, Field(max_length=CAPTION_MAX), BeforeValidator(_plain_words)]
Credit = Annotated[str, Field(max_length=CREDIT_MAX), BeforeValidator(_plain_words)]
# Stored as it came (history, file paths): only what no database can hold is refused.
Stored = Annotated[str, BeforeValidator(_storable)]
