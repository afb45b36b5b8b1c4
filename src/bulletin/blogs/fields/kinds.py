"""The kinds of value a writer sends, each with its limit and its messages, declared once.

Each kind is a type the field models annotate their fields with: the limit is both enforced
and written into the API's OpenAPI document, and a refusal says what was expected and what
came ("must be at most 300 characters, got 412"). Cleaning (one-line text, trimmed text,
sanitised HTML) happens before the limit is measured, so the limit counts what is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import Enum
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from django.conf import settings
from pydantic import AfterValidator, BeforeValidator, Field, Strict

from bulletin import config
from bulletin.blogs.dates import is_known_locale
from bulletin.blogs.models import (
    CONTRIBUTOR_NAME_MAX,
    CONTRIBUTOR_ROLE_MAX,
    GUEST_BYLINE_MAX,
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
EMBED_DESCRIPTION_MAX = 3000  # a quoted post's text (Instagram captions run to 2,200)
EMBED_AUTHOR_MAX = 200
EMBED_HANDLE_MAX = 100
POST_DATE_MAX = 40
URL_MAX = 1000
SLUG_MAX = 100
LANGUAGE_MAX = 16
ZONE_MAX = 64
MAX_AUTHORS = 10
MAX_CONTRIBUTORS = 10
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


def _lines(value: Any) -> Any:
    """Text of a few lines (a quoted post): each line cleaned like a one-line field, at most
    one empty line between paragraphs."""
    if not isinstance(value, str):
        return value
    lines = [_one_line(line) for line in value.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _post_date(value: Any) -> Any:
    """When a post was made: a date (2026-01-27) or a date and time with its offset, kept as
    ISO 8601 (times in UTC); empty when unknown."""
    if isinstance(value, date):  # a datetime is a date too
        value = value.isoformat()
    if not isinstance(value, str):
        return value
    value = _at_most(POST_DATE_MAX, value.strip())
    if not value:
        return ""
    expected = "must be a date like 2026-01-27 or a date and time like 2026-01-27T14:32:00Z"
    try:
        if len(value) <= len("2026-01-27"):
            day = date.fromisoformat(value)
            moment = None
        else:
            moment = datetime.fromisoformat(value)
            day = moment.date()
    except ValueError:
        raise ValueError(f"{expected}, got {value[:40]!r}") from None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValueError(f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}, got {value!r}")
    if moment is None:
        return day.isoformat()
    if moment.tzinfo is None:
        raise ValueError(f"{expected} (a time needs its offset), got {value[:40]!r}")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


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
    # A language the site can translate into, with or without a region: the region picks the
    # conventions for times and dates ("en-us" 2:39 PM and January 27, "en-gb" 14:39 and
    # 27 January; bulletin.blogs.dates). Stored lowercase, as Django writes language codes.
    if not isinstance(value, str):
        return value
    tag = _at_most(LANGUAGE_MAX, value).strip().replace("_", "-").lower()
    languages = {code for code, _name in settings.LANGUAGES}
    base = tag.split("-")[0]
    if (tag not in languages and base not in languages) or not is_known_locale(tag):
        raise ValueError(
            f"must be a language code such as en, en-us, en-gb, de or fr, got {value[:20]!r}"
        )
    return tag


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
    str,
    Field(
        max_length=EMBED_DESCRIPTION_MAX,
        description="A post's text as quoted (line breaks kept), or a link card's description.",
    ),
    BeforeValidator(_lines),
]
EmbedAuthor = Annotated[
    str,
    Field(max_length=EMBED_AUTHOR_MAX, description="The post's author, as named on it."),
    BeforeValidator(_one_line),
]
EmbedHandle = Annotated[
    str,
    Field(
        max_length=EMBED_HANDLE_MAX, description="The author's account name, e.g. @hmcoastguard."
    ),
    BeforeValidator(_one_line),
]
PostDate = Annotated[
    str,
    Field(
        max_length=POST_DATE_MAX,
        description="When the post was made: 2026-01-27 or 2026-01-27T14:32:00Z (or empty).",
    ),
    BeforeValidator(_post_date),
]
EmbedLink = Annotated[Link, AfterValidator(_not_empty)]
AuthorIds = Annotated[list[Id], Field(max_length=MAX_AUTHORS), AfterValidator(_distinct)]
ContributorIds = Annotated[
    list[Id],
    Field(
        max_length=MAX_CONTRIBUTORS,
        description="Ids of the blog's contributor profiles, credited after the authors.",
    ),
    AfterValidator(_distinct),
]
GuestByline = Annotated[
    str,
    Field(
        max_length=GUEST_BYLINE_MAX,
        description="Free text credited after the people, such as an agency; one line.",
        examples=["Reuters", "Staff and agencies"],
    ),
    BeforeValidator(_plain_words),
]
ContributorName = Annotated[
    str,
    Field(max_length=CONTRIBUTOR_NAME_MAX, examples=["Ana Costa"]),
    AfterValidator(_not_empty),
    BeforeValidator(_plain_words),
]
ContributorRole = Annotated[
    str,
    Field(max_length=CONTRIBUTOR_ROLE_MAX, examples=["Washington correspondent"]),
    BeforeValidator(_plain_words),
]
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
