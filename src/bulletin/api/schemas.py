"""Request and response shapes of API v1 (they are also the OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator, model_validator

from bulletin.blogs.models import (
    HEADLINE_MAX,
    KEY_POINT_MAX,
    MAX_KEY_POINTS,
    SLUG_PATTERN,
    TITLE_MAX,
)
from bulletin.blogs.validation import TAKEDOWN_REASON_MAX


class StrictIn(Schema):
    """Request bodies refuse fields they do not know, so a typo is an error, not a no-op."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul_in_names(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(_has_nul(key) for key in data):
            raise ValueError("field names must not contain NUL characters (U+0000)")
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store NUL in text; say so for the field that holds it.
        if _has_nul(value):
            raise ValueError("must not contain NUL characters (U+0000)")
        return value


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


# Database ids are 64-bit; anything outside that range cannot name a row.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# --- errors ----------------------------------------------------------------------------


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, str] | None = None
    current_revision: int | None = None


class ErrorOut(Schema):
    error: ErrorBody


# --- blogs -----------------------------------------------------------------------------


class BlogCreateIn(StrictIn):
    slug: str = Field(max_length=100, pattern=SLUG_PATTERN, examples=["harbour-storm"])
    title: str = Field(max_length=TITLE_MAX, examples=["Harbour storm: Live Updates"])
    description: str = Field(default="", max_length=2000)
    language: str = Field(default="en", max_length=16)
    timezone: str = Field(default="UTC", max_length=64, examples=["Europe/London"])
    order: Literal["newest_first", "oldest_first"] = "newest_first"
    cover_image_id: Id | None = None
    coverage_start: datetime | None = None
    coverage_end: datetime | None = None


class BlogPatchIn(StrictIn):
    """Send only the fields to change."""

    slug: str = Field(default="", max_length=100, pattern=SLUG_PATTERN)
    title: str = Field(default="", max_length=TITLE_MAX)
    description: str = Field(default="", max_length=2000)
    language: str = Field(default="en", max_length=16)
    timezone: str = Field(default="UTC", max_length=64)
    order: Literal["newest_first", "oldest_first"] = "newest_first"
    cover_image_id: Id | None = None
    coverage_start: datetime | None = None
    coverage_end: datetime | None = None


class MediaOut(Schema):
    id: int
    url: str
    alt: str
    caption: str
    credit: str
    width: int
    height: int
    srcset: str


class KeyPointOut(Schema):
    text: str
    entry_id: int | None


class BlogOut(Schema):
    id: int
    slug: str
    title: str
    description: str
    language: str
    timezone: str
    order: str
    status: str
    cover_image: MediaOut | None
    coverage_start: str | None
    coverage_end: str | None
    key_points: list[KeyPointOut]
    pinned_entry_id: int | None
    pinned_entry_html: str | None
    seq: int
    updated_at: str | None
    url: str


class BlogListOut(Schema):
    items: list[BlogOut]


class KeyPointIn(StrictIn):
    text: str = Field(max_length=KEY_POINT_MAX)
    entry_id: Id | None = None


class KeyPointsIn(StrictIn):
    key_points: list[KeyPointIn] = Field(max_length=MAX_KEY_POINTS)


class KeyPointsOut(Schema):
    key_points: list[KeyPointOut]
    seq: int


# --- entries ---------------------------------------------------------------------------

EntryStatusIn = Literal["draft", "submitted", "scheduled", "published"]


class EntryFieldsIn(StrictIn):
    headline: str = Field(default="", max_length=HEADLINE_MAX)
    # The byte limit (100 KB by default) is checked by the service, which says the size.
    body: str = ""
    author_ids: list[Id] = Field(default_factory=list, max_length=10)
    image_id: Id | None = None
    embed_url: str = Field(default="", max_length=1000)
    embed_title: str = Field(default="", max_length=300)
    embed_description: str = Field(default="", max_length=1000)
    related_url: str = Field(default="", max_length=1000)
    related_title: str = Field(default="", max_length=300)
    key_event: bool = False
    breaking: bool = False
    display_at: datetime | None = None


class EntryCreateIn(EntryFieldsIn):
    status: EntryStatusIn = "published"
    scheduled_for: datetime | None = None


class EntryPatchIn(EntryFieldsIn):
    """Send only the fields to change, with ``If-Match: <revision>``."""

    correction_note: str = Field(default="", max_length=1000)


class AuthorOut(Schema):
    id: int
    name: str


class EmbedOut(Schema):
    provider: str
    provider_name: str
    url: str
    id: str
    frame_url: str
    title: str
    description: str


class RelatedOut(Schema):
    url: str
    title: str


class EntryOut(Schema):
    id: int
    blog: str
    revision: int
    status: str
    headline: str
    body: str
    authors: list[AuthorOut]
    image: MediaOut | None
    embed: EmbedOut | None
    related: RelatedOut | None
    key_event: bool
    breaking: bool
    display_at: str | None
    published_at: str | None
    scheduled_for: str | None
    edited_at: str | None
    correction_note: str
    url: str
    anchor: str
    html: str


class EntryPageOut(Schema):
    items: list[EntryOut]
    next_cursor: str | None


class ScheduleIn(StrictIn):
    scheduled_for: datetime


class KeyEventIn(StrictIn):
    key_event: bool


class TakedownIn(StrictIn):
    reason: str = Field(
        max_length=TAKEDOWN_REASON_MAX,
        description="Why the entry is taken down (required): kept in the desk's activity log.",
        examples=["Court order 2026/114"],
    )


class TakedownOut(Schema):
    """What is left of a taken-down entry: a tombstone, and who took it down, when and why."""

    id: int
    blog: str
    status: str
    taken_down_at: str
    taken_down_by: AuthorOut | None
    reason: str


# --- change feed -----------------------------------------------------------------------


class ChangeOut(Schema):
    seq: int
    kind: str
    entry_id: int | None
    data: dict[str, Any]
    created: str


class ChangeFeedOut(Schema):
    blog: str
    seq: int = Field(description="Pass this as ?since= next time.")
    reset: bool = Field(description="True when since is ahead of the blog: reload everything.")
    more: bool = Field(description="True when more changes wait: ask again at once.")
    changes: list[ChangeOut]
