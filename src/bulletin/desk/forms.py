"""Read the desk's form posts into the field models (bulletin.blogs.fields).

This module reads the HTML form's shape (checkboxes, ``datetime-local`` inputs in the blog's
time zone, id lists); the field models check the values, with the API's messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.http import QueryDict
from django.utils import timezone

from bulletin.blogs.embeds import CARD_FIELDS
from bulletin.blogs.fields import BlogFields, EntryFields
from bulletin.blogs.fields.blogs import PLAIN_BLOG_FIELDS
from bulletin.blogs.fields.kinds import is_time_zone
from bulletin.blogs.models import Entry, LiveBlog
from bulletin.errors import ValidationFailed
from bulletin.numbers import whole_number

LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
ENTRY_ACTIONS = ("publish", "draft", "submit", "schedule")
# Every text field of an entry's model is an input of the same name in the composer and the
# edit form: a new text field is read here without an edit. The embed_* inputs are the rows of
# the embeds list instead (several inputs of each name, read by embed_rows).
ENTRY_TEXT_FIELDS = tuple(
    name
    for name, info in EntryFields.model_fields.items()
    if info.annotation is str and not name.startswith("embed_")
)
EMBED_INPUTS = ("url", *CARD_FIELDS)


def parse_local_time(name: str, raw: str, zone_name: str) -> datetime | None:
    """A ``datetime-local`` value, read as wall-clock time in the blog's time zone."""
    raw = raw.strip()
    if not raw:
        return None
    for pattern in LOCAL_FORMATS:
        try:
            naive = datetime.strptime(raw, pattern)
        except ValueError:
            continue
        if not 1900 <= naive.year <= 2200:
            break
        # In UTC, like every stored time: rendered as ...Z in the entry's HTML and JSON.
        return naive.replace(tzinfo=ZoneInfo(zone_name)).astimezone(UTC)
    raise ValidationFailed.on(name, f"must be a date and time like 2026-01-27T14:30, got {raw!r}")


def local_input_value(moment: datetime | None, zone_name: str) -> str:
    """The value a ``datetime-local`` input shows for ``moment`` in the blog's time zone."""
    if moment is None:
        return ""
    return timezone.localtime(moment, ZoneInfo(zone_name)).strftime("%Y-%m-%dT%H:%M")


def is_id(raw: str) -> bool:
    """Whether ``raw`` is a row id (see :mod:`bulletin.numbers`: ASCII digits, 64-bit)."""
    return whole_number(raw) is not None


def _ids(name: str, values: list[str]) -> list[int]:
    ids = []
    for value in values:
        if not is_id(value.strip()):
            raise ValidationFailed.on(name, f"must be a list of ids, got {value[:20]!r}")
        ids.append(int(value))
    return ids


def _optional_id(name: str, raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    ids = _ids(name, [raw])
    return ids[0]


@dataclass
class ImageWords:
    """What the composer says about the attached image (the image itself is uploaded apart)."""

    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass
class EntryForm:
    """One composer or edit-form post, read but not yet validated."""

    fields: EntryFields
    action: str
    image_id: int | None
    image: ImageWords
    scheduled_for: datetime | None = None
    correction_note: str | None = None
    revision: int | None = None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def has_image(self) -> bool:
        return self.image_id is not None


def read_entry_form(
    post: QueryDict,
    blog: LiveBlog,
    *,
    editing: bool = False,
    may_flag: bool = True,
    current: Entry | None = None,
) -> EntryForm:
    """Read the composer (or the edit form); raises ValidationFailed on a malformed post.

    Without ``may_flag`` (contributors) the form has no key-event or breaking checkbox, so
    their absence says nothing and leaves the flags as they are; a post that names them
    anyway is passed on, for the service to refuse.
    """
    action = post.get("action", "publish" if not editing else "save")
    allowed = ("save",) if editing else ENTRY_ACTIONS
    if action not in allowed:
        raise ValidationFailed.on("action", f"must be one of {', '.join(allowed)}, got {action!r}")
    image_id = (
        None if post.get("remove_image") else _optional_id("image_id", post.get("image_id", ""))
    )
    given: dict[str, Any] = {name: post.get(name, "") for name in ENTRY_TEXT_FIELDS}
    given["image_id"] = image_id
    for flag in ("key_event", "breaking"):
        if may_flag or flag in post:
            given[flag] = post.get(flag) == "on"
    authors = post.getlist("authors")
    # ``bylines``: the form showed the byline choices, so nothing ticked means nobody (an
    # entry credited only to a guest byline); without it, the writer is credited.
    if authors or post.get("bylines"):
        given["author_ids"] = _ids("authors", authors)
    contributors = post.getlist("contributors")
    if contributors or post.get("bylines"):
        given["contributor_ids"] = _ids("contributors", contributors)
    if "embed_url" in post:  # a form with the embed rows: they are the whole list
        given["embeds"] = embed_rows(post)
    # The input shows whole minutes: sent back as shown, it leaves the time (seconds and all).
    shown_before = local_input_value(current.display_at, blog.timezone) if current else None
    if "display_at" in post and post.get("display_at", "").strip() != shown_before:
        # Editors may correct the time readers see; empty keeps the publication time.
        shown = parse_local_time("display_at", post.get("display_at", ""), blog.timezone)
        if shown is not None:
            given["display_at"] = shown
    scheduled = parse_local_time("scheduled_for", post.get("scheduled_for", ""), blog.timezone)
    revision = _optional_id("revision", post.get("revision", "")) if editing else None
    if editing and revision is None:
        # Without it the save could not tell that someone saved a newer revision meanwhile.
        raise ValidationFailed.on(
            "revision", "must be the revision you edited (reload the entry), got nothing"
        )
    correction = post.get("correction_note") if editing else None
    return EntryForm(
        fields=_entry_fields(given),
        action=action,
        image_id=image_id,
        image=ImageWords(
            alt=post.get("image_alt", ""),
            caption=post.get("image_caption", ""),
            credit=post.get("image_credit", ""),
        ),
        scheduled_for=scheduled,
        correction_note=correction,
        revision=revision,
        values={key: post.get(key, "") for key in post},
    )


def _entry_fields(given: dict[str, Any]) -> EntryFields:
    """The field model of a form post; a refused embed row is named by its inputs' names
    (``embeds[1].url`` → ``embed_url``) so that the form marks the input, the message still
    saying which row."""
    try:
        return EntryFields.read(given)
    except ValidationFailed as refused:
        fields: dict[str, str] = {}
        for name, problem in refused.fields.items():
            fields.setdefault(re.sub(r"^embeds\[\d+\]\.", "embed_", name), problem)
        raise ValidationFailed(refused.message, fields=fields) from None


def embed_rows(post: QueryDict) -> list[dict[str, str]]:
    """The embed rows of a form post, in order; a row left wholly empty is no embed."""
    columns = {name: post.getlist(f"embed_{name}") for name in EMBED_INPUTS}
    count = max(len(values) for values in columns.values())
    rows = [
        {name: values[index] if index < len(values) else "" for name, values in columns.items()}
        for index in range(count)
    ]
    return [row for row in rows if any(value.strip() for value in row.values())]


def embed_form_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows the form shows: the embeds, then one empty row to add another."""
    shown = [{name: row.get(name, "") for name in EMBED_INPUTS} for row in rows]
    return [*shown, dict.fromkeys(EMBED_INPUTS, "")]


def entry_form_values(entry: Entry) -> dict[str, Any]:
    """What the edit form shows for a saved entry."""
    image = entry.image
    return {
        "headline": entry.headline,
        "subtitle": entry.subtitle,
        "body": entry.body,
        "image_id": image.pk if image else "",
        "image_alt": image.alt if image else "",
        "image_caption": image.caption if image else "",
        "image_credit": image.credit if image else "",
        "embeds": embed_form_rows(entry.embeds),
        "related_url": entry.related_url,
        "related_title": entry.related_title,
        "guest_byline": entry.guest_byline,
        "contributors": [str(pk) for pk in entry.contributors.values_list("pk", flat=True)],
        "key_event": "on" if entry.is_key_event else "",
        "breaking": "on" if entry.is_breaking else "",
        "display_at": local_input_value(entry.display_at, entry.blog.timezone),
        "correction_note": entry.correction_note,
        "revision": str(entry.revision),
    }


def read_blog_form(post: QueryDict, zone_name: str) -> BlogFields:
    """Read the blog settings form."""
    zone = post.get("timezone", zone_name) or zone_name
    values: dict[str, Any] = {
        name: post.get(name, "") for name in PLAIN_BLOG_FIELDS if name in post
    }
    for name in ("coverage_start", "coverage_end"):
        if name in post:
            values[name] = parse_local_time(name, post.get(name, ""), _known_zone(zone, zone_name))
    if "cover_image_id" in post:
        values["cover_image_id"] = _optional_id("cover_image_id", post.get("cover_image_id", ""))
    return BlogFields.read(values)


def _known_zone(candidate: str, fallback: str) -> str:
    # The zone is checked with the other fields; until then, read times in one that exists.
    return candidate if is_time_zone(candidate) else fallback


def read_key_points(post: QueryDict) -> list[tuple[str, int | None]]:
    """Key points come as parallel lists (text, linked entry); empty lines are dropped."""
    texts = post.getlist("point")
    links = post.getlist("point_entry")
    points: list[tuple[str, int | None]] = []
    for index, text in enumerate(texts):
        if not text.strip():
            continue
        link = links[index] if index < len(links) else ""
        points.append((text, _optional_id(f"key_points[{index}]", link)))
    return points
