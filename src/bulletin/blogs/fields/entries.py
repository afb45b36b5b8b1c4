"""What a writer may set on an entry, and on the steps of its life (schedule, key event,
takedown). The API's request bodies are these models; the desk's forms and import files are
read into them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from bulletin.blogs import embeds
from bulletin.blogs.fields.base import Fields
from bulletin.blogs.fields.kinds import (
    AuthorIds,
    Body,
    Correction,
    EmbedDescription,
    EmbedTitle,
    Flag,
    Headline,
    Id,
    Link,
    Moment,
    RelatedTitle,
    Subtitle,
    TakedownReason,
)

NewEntryStatus = Literal["draft", "submitted", "scheduled", "published"]

# Field name → the Entry attribute it sets, where the two differ.
_ATTRIBUTES = {"key_event": "is_key_event", "breaking": "is_breaking"}
_EMBED = ("embed_url", "embed_title", "embed_description")


class EntryText(Fields):
    """What an entry says, as it is kept in an export file too (no database ids)."""

    headline: Headline = ""
    subtitle: Subtitle = ""
    body: Body = ""
    related_url: Link = ""
    related_title: RelatedTitle = ""
    key_event: Flag = False
    breaking: Flag = False
    display_at: Moment | None = None


class EntryFields(EntryText):
    """Everything a writer may set on an entry; a field not sent is left as it is."""

    author_ids: AuthorIds = Field(default_factory=list)
    image_id: Id | None = None
    embed_url: Link = ""
    embed_title: EmbedTitle = ""
    embed_description: EmbedDescription = ""

    def attributes(self, current_embed: dict[str, str]) -> dict[str, Any]:
        """The Entry attributes the sent fields set (``author_ids`` among them, for the
        service to set apart). The embed is recognised again from its URL, keeping the
        parts of ``current_embed`` that were not sent."""
        sent = set(self.model_fields_set) & set(EntryFields.model_fields)
        values = {
            _ATTRIBUTES.get(name, name): getattr(self, name) for name in sent if name not in _EMBED
        }
        if sent & set(_EMBED):
            given = {name: getattr(self, name) for name in sent & set(_EMBED)}
            url = given.get("embed_url", current_embed.get("url", ""))
            values["embed"] = (
                embeds.recognise(
                    url,
                    title=given.get("embed_title", current_embed.get("title", "")),
                    description=given.get(
                        "embed_description", current_embed.get("description", "")
                    ),
                ).as_dict()
                if url
                else {}
            )
        return values


class EntryCreate(EntryFields):
    status: NewEntryStatus = "published"
    scheduled_for: Moment | None = None


class EntryEdit(EntryFields):
    """Send only the fields to change, with ``If-Match: <revision>``."""

    correction_note: Correction = ""


class Schedule(Fields):
    scheduled_for: Moment


class KeyEvent(Fields):
    key_event: Flag


class Takedown(Fields):
    reason: TakedownReason
