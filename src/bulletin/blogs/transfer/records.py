"""The export file's records, checked field by field by the field models writers use.

An entry of the file is an :class:`~bulletin.blogs.fields.EntryText` (headline, subtitle,
body, links, flags: the same limits, cleaning and sanitiser as the desk's and the API's) plus
what only a file carries (status, times, history, references); the blog is a
:class:`~bulletin.blogs.fields.BlogFields`, an image's words an
:class:`~bulletin.blogs.fields.ImageWords`. Keys the file adds for people reading it (an
entry's ``id`` and ``html``) are ignored. A refusal names the path of the value
(``entries[3].headline: must be at most 300 characters, got 412``).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, Strict

from bulletin.accounts.models import Role, User
from bulletin.blogs.embeds import MAX_EMBEDS
from bulletin.blogs.fields import BlogFields, EntryText, Fields, ImageWords
from bulletin.blogs.fields.blogs import OrderChoice, at_most_key_points
from bulletin.blogs.fields.kinds import (
    Body,
    ContributorName,
    ContributorRole,
    Correction,
    EmbedAuthor,
    EmbedDescription,
    EmbedHandle,
    EmbedTitle,
    Headline,
    KeyPointText,
    Link,
    Moment,
    PostDate,
    Stored,
    Title,
    one_of,
)
from bulletin.blogs.models import BlogStatus, EntryStatus


def _username(value: str) -> str:
    try:
        User.username_validator(value)
    except ValidationError:
        raise ValueError(
            f"must be a username (letters, digits, @.+-_), got {value[:60]!r}"
        ) from None
    return value


def _media_path(value: str) -> str:
    path = PurePosixPath(value)
    if not value or path.is_absolute() or ".." in path.parts or "\\" in value:
        raise ValueError(f"must be a relative path inside the media folder, got {value[:60]!r}")
    return value


def _variants(value: dict[str, str]) -> dict[str, str]:
    for width in value:
        if not width.isdigit():
            raise ValueError(f"must be keyed by a width in pixels, got {width[:20]!r}")
    return value


def _column(model: Any, name: str) -> Any:
    """No longer than the model's column allows (PostgreSQL would refuse it)."""
    return Field(max_length=model._meta.get_field(name).max_length)


WholeNumber = Annotated[int, Strict(), Field(ge=0)]
Number = Annotated[int, Strict(), Field(ge=1)]
Name = Annotated[str, Strict(), Field(max_length=150)]  # a reference or a username
MediaPath = Annotated[str, Field(max_length=500), AfterValidator(_media_path)]
EntryStatusChoice = Annotated[EntryStatus, one_of(EntryStatus)]
BlogStatusChoice = Annotated[BlogStatus, one_of(BlogStatus)]
RoleChoice = Annotated[Role, one_of(Role)]


class Record(Fields):
    model_config = ConfigDict(extra="ignore")


class UserRecord(Record):
    username: Annotated[Name, AfterValidator(_username)]
    display_name: Annotated[Stored, _column(User, "display_name")]
    first_name: Annotated[Stored, _column(User, "first_name")]
    last_name: Annotated[Stored, _column(User, "last_name")]
    email: Annotated[Stored, _column(User, "email")]


class MediaRecord(ImageWords):
    model_config = ConfigDict(extra="ignore")

    ref: Name
    file: MediaPath
    width: WholeNumber
    height: WholeNumber
    variants: Annotated[dict[str, MediaPath], AfterValidator(_variants)]
    uploaded_by: Name | None
    created_at: Moment


class EmbedRecord(Record):
    """One embed as exported: its URL and card (provider, id and frame URL are recognised
    again from the URL on import, never read from the file)."""

    url: Link
    title: EmbedTitle = ""
    description: EmbedDescription = ""
    author: EmbedAuthor = ""
    handle: EmbedHandle = ""
    date: PostDate = ""


def _no_embed(value: Any) -> Any:
    return None if value == {} else value


class RevisionRecord(Record):
    revision: Number
    status: EntryStatusChoice
    headline: Headline
    body: Body
    data: dict[str, Any]
    correction_note: Stored
    edited_by: Name | None
    created_at: Moment


class EntryRecord(EntryText):
    model_config = ConfigDict(extra="ignore")

    ref: Name
    status: EntryStatusChoice
    authors: list[Name]
    contributors: list[Name] = Field(default_factory=list)
    image: Name | None
    # Files written before entries had several embeds have ``embed`` (one, or {}).
    embed: Annotated[EmbedRecord | None, BeforeValidator(_no_embed)] = None
    embeds: list[EmbedRecord] = Field(default_factory=list, max_length=MAX_EMBEDS)
    scheduled_for: Moment | None
    published_at: Moment | None
    edited_at: Moment | None
    correction_note: Correction
    revision: Number
    created_by: Name | None
    created_at: Moment
    updated_at: Moment
    revisions: list[RevisionRecord]


class BlogRecord(BlogFields):
    model_config = ConfigDict(extra="ignore")

    # Checked as a slug only when the blog is imported under it (--slug names another).
    slug: Stored
    title: Title
    order: OrderChoice
    status: BlogStatusChoice
    seq: WholeNumber  # read for the record; the change log starts again on import
    cover_image: Name | None
    pinned_entry: Name | None
    created_by: Name | None
    created_at: Moment
    updated_at: Moment


class KeyPointRecord(Record):
    text: KeyPointText
    entry: Name | None


class MembershipRecord(Record):
    username: Name
    role: RoleChoice
    created_at: Moment


class ContributorRecord(Record):
    """A contributor profile: someone entries credit who has no account."""

    ref: Name
    name: ContributorName
    role: ContributorRole = ""
    photo: Name | None = None


class FileRecord(Record):
    """A whole export file (its format and version are checked before, on their own)."""

    blog: BlogRecord
    key_points: Annotated[list[KeyPointRecord], AfterValidator(at_most_key_points)]
    memberships: list[MembershipRecord]
    # Files written before contributor profiles have none.
    contributors: list[ContributorRecord] = Field(default_factory=list)
    entries: list[EntryRecord]
    media: list[MediaRecord]
    users: list[UserRecord]
