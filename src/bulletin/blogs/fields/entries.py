"""What a writer may set on an entry, and on the steps of its life (schedule, key event,
takedown). The API's request bodies are these models; the desk's forms and import files are
read into them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ModelWrapValidatorHandler, PrivateAttr, model_validator

from bulletin.blogs import embeds, sanitize
from bulletin.blogs.fields.base import Fields
from bulletin.blogs.fields.kinds import (
    AuthorIds,
    Body,
    ContributorIds,
    Correction,
    EmbedAuthor,
    EmbedDescription,
    EmbedHandle,
    EmbedLink,
    EmbedTitle,
    Flag,
    GuestByline,
    Headline,
    Id,
    Link,
    Moment,
    PostDate,
    RelatedTitle,
    Subtitle,
    TakedownReason,
)

NewEntryStatus = Literal["draft", "submitted", "scheduled", "published"]

# Field name → the Entry attribute it sets, where the two differ.
_ATTRIBUTES = {"key_event": "is_key_event", "breaking": "is_breaking"}
# The first embed's fields, as the API and the desk took them before entries had several.
_EMBED = ("embed_url", *(f"embed_{name}" for name in embeds.CARD_FIELDS))


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
    guest_byline: GuestByline = ""

    # What sanitising removed from the body as sent, in words for the writer.
    _body_warnings: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _note_body_removals(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        fields = handler(data)
        if isinstance(data, dict) and isinstance(data.get("body"), str):
            fields._body_warnings = sanitize.removals(data["body"])
        return fields

    @property
    def body_warnings(self) -> list[str]:
        """What the sanitiser removed or changed in the body that was sent (may be empty)."""
        return list(self._body_warnings)


class EmbedFields(Fields):
    """One embed: the post's (or video's, or page's) address and the card's words. Empty card
    fields may be filled from the provider's oEmbed answer where the operator allows it."""

    url: EmbedLink
    title: EmbedTitle = ""
    description: EmbedDescription = ""
    author: EmbedAuthor = ""
    handle: EmbedHandle = ""
    date: PostDate = ""


class EntryFields(EntryText):
    """Everything a writer may set on an entry; a field not sent is left as it is."""

    author_ids: AuthorIds = Field(default_factory=list)
    contributor_ids: ContributorIds = Field(default_factory=list)
    image_id: Id | None = None
    embeds: list[EmbedFields] = Field(
        default_factory=list,
        max_length=embeds.MAX_EMBEDS,
        description="Every embed of the entry, in order (replaces them all). An embed whose URL "
        "is a paragraph of the body on its own shows there; the others follow the text.",
    )
    embed_url: Link = ""
    embed_title: EmbedTitle = ""
    embed_description: EmbedDescription = ""
    embed_author: EmbedAuthor = ""
    embed_handle: EmbedHandle = ""
    embed_date: PostDate = ""

    # Card words from the providers' oEmbed answers, by embed URL (bulletin.blogs.oembed):
    # they fill only the fields the writer left empty.
    _provider_cards: dict[str, dict[str, str]] = PrivateAttr(default_factory=dict)

    def with_provider_cards(self, cards: dict[str, dict[str, str]]) -> EntryFields:
        self._provider_cards = dict(cards)
        return self

    def embed_list(self, current: list[dict[str, str]]) -> list[dict[str, str]] | None:
        """The entry's embeds after this write, or None when it leaves them as they are.

        ``embeds`` replaces the list; then the ``embed_*`` fields change the first embed,
        keeping what was not sent (``embed_url`` empty removes it). Each is recognised again
        from its URL, and its empty card fields take the provider's words, if fetched."""
        sent = self.model_fields_set
        legacy = sent & set(_EMBED)
        if "embeds" in sent:
            current = [item.model_dump() for item in self.embeds]
            if not legacy:
                return [self._embed(item) for item in current]
        elif not legacy:
            return None
        first = dict(current[0]) if current else {}
        for name in legacy:
            first[name.removeprefix("embed_")] = getattr(self, name)
        rest = [dict(item) for item in current[1:]]
        if "embeds" in sent:
            rest = [self._embed(item) for item in rest]
        return ([self._embed(first)] if first.get("url") else []) + rest

    def _embed(self, given: dict[str, str]) -> dict[str, str]:
        fetched = self._provider_cards.get(given["url"], {})
        card = {name: given.get(name, "") or fetched.get(name, "") for name in embeds.CARD_FIELDS}
        return embeds.recognise(given["url"], **card).as_dict()

    def attributes(self, current_embeds: list[dict[str, str]]) -> dict[str, Any]:
        """The Entry attributes the sent fields set (``author_ids`` and ``contributor_ids``
        among them, for the service to set apart). The embeds are the ``current_embeds`` as this
        write changes them (:meth:`embed_list`)."""
        sent = set(self.model_fields_set) & set(EntryFields.model_fields)
        values = {
            _ATTRIBUTES.get(name, name): getattr(self, name)
            for name in sent
            if name not in _EMBED and name != "embeds"
        }
        embed_list = self.embed_list(current_embeds)
        if embed_list is not None:
            values["embeds"] = embed_list
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
