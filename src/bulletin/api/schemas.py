"""Request and response shapes of API v1 (they are also the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator, model_validator

from bulletin.blogs.fields import (
    BlogFields,
    ContributorFields,
    EntryCreate,
    EntryEdit,
    KeyEvent,
    KeyPoints,
    NewBlog,
    NewContributor,
    Schedule,
    Takedown,
)
from bulletin.blogs.fields.kinds import Id as Id
from bulletin.blogs.services.bulk import BULK_MAX, BULK_MOVES
from bulletin.numbers import MAX_ID as MAX_ID  # the routes' bound on path and query ids


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


# --- errors ----------------------------------------------------------------------------


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, str] | None = None
    current_revision: int | None = None


class ErrorOut(Schema):
    error: ErrorBody


# --- blogs -----------------------------------------------------------------------------


# Request bodies are the field models (bulletin.blogs.fields): their limits and messages are
# the ones the desk, the services and import files use. Named here as the API documents them.


class BlogCreateIn(NewBlog):
    pass


class BlogPatchIn(BlogFields):
    """Send only the fields to change."""


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


class KeyPointsIn(KeyPoints):
    pass


class KeyPointsOut(Schema):
    key_points: list[KeyPointOut]
    seq: int


# --- entries ---------------------------------------------------------------------------


class EntryCreateIn(EntryCreate):
    """Publish now (the default), or save as a draft, submit for review, or schedule."""


class EntryPatchIn(EntryEdit):
    """Send only the fields to change, with ``If-Match: <revision>``."""


class AuthorOut(Schema):
    id: int
    name: str


class ContributorOut(Schema):
    """A contributor profile: someone entries credit who has no account."""

    id: int
    name: str
    role: str
    photo: MediaOut | None


class ContributorListOut(Schema):
    items: list[ContributorOut]


class ContributorCreateIn(NewContributor):
    """A new profile (owners): a name, and optionally a role and an uploaded photo's id."""


class ContributorPatchIn(ContributorFields):
    """Send only the fields to change; entries crediting the profile show the change."""


class EmbedOut(Schema):
    provider: str
    provider_name: str
    url: str
    id: str
    frame_url: str
    title: str
    description: str
    author: str = ""
    handle: str = ""
    date: str = ""


class RelatedOut(Schema):
    url: str
    title: str


class EntryOut(Schema):
    id: int
    blog: str
    revision: int
    status: str
    headline: str
    subtitle: str
    body: str
    authors: list[AuthorOut]
    contributors: list[ContributorOut]
    guest_byline: str
    image: MediaOut | None
    embed: EmbedOut | None = Field(description="The first of ``embeds`` (null for none).")
    embeds: list[EmbedOut] = Field(
        default_factory=list,
        description="Every embed, in order: post cards (author, handle, text, date), videos "
        "and link cards. One whose URL is a paragraph of the body on its own shows there.",
    )
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


class EntryWrittenOut(EntryOut):
    """An entry as created or edited, with what the sanitiser changed in the body sent."""

    warnings: list[str] = Field(
        description="What was removed or changed in the body sent, in words for the writer "
        "(empty when the body was kept as sent), and any post card that could not be filled "
        "from its provider (embeds[i]: …); the write succeeded either way.",
        examples=[["changed <h2> to <h3> (entries use h3 and h4)", "removed style attribute"]],
    )


class EntryPageOut(Schema):
    items: list[EntryOut]
    next_cursor: str | None


class BulkIn(StrictIn):
    """One action on several entries of the blog: all of them, or none."""

    # The choices and the limit are the bulk service's, which also enforces them (for the
    # desk's selection too); declared here so the OpenAPI document shows them.
    action: str = Field(
        description="What to do to every entry: unpublish, delete, or mark or unmark as key "
        "events.",
        json_schema_extra={"enum": list(BULK_MOVES)},
    )
    entries: list[Id] = Field(
        description=f"The ids of the entries, 1 to {BULK_MAX} (a repeated id counts once).",
        json_schema_extra={"minItems": 1, "maxItems": BULK_MAX},
    )


class BulkOut(Schema):
    action: str
    changed: list[int] = Field(description="The entries the action changed, in the order sent.")
    unchanged: list[int] = Field(
        description="The entries already as the action would leave them (marking a key event "
        "as a key event): left alone, no new revision."
    )


class ScheduleIn(Schedule):
    pass


class KeyEventIn(KeyEvent):
    pass


class TakedownIn(Takedown):
    pass


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
