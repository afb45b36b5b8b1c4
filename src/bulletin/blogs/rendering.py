"""Turn an entry or a blog into what readers receive: HTML once, JSON once, at write time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from bulletin.accounts.models import User
from bulletin.blogs.embeds import PROVIDER_NAMES
from bulletin.blogs.fields import plain_blog_fields
from bulletin.blogs.models import Entry, LiveBlog, Media


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def entry_path(entry: Entry) -> str:
    """The entry's permalink; an entry not saved yet (a desk preview) has none but its blog's."""
    if entry.pk is None:
        return reverse("reader:live", args=[entry.blog.slug])
    return reverse("reader:entry", args=[entry.blog.slug, entry.pk])


def entry_anchor(entry: Entry) -> str:
    return f"entry-{entry.pk}"


def pinned_copy_html(entry: Entry) -> str:
    """The entry's HTML for the pinned box, which repeats an entry of the stream: without the
    entry's id, so that ``#entry-N`` links and lookups find the entry itself."""
    return entry.html.replace(f' id="{entry_anchor(entry)}"', "", 1)


def media_json(media: Media | None) -> dict[str, Any] | None:
    if media is None:
        return None
    base = settings.MEDIA_URL
    variants = sorted((int(width), path) for width, path in media.variants.items())
    return {
        "id": media.pk,
        "url": base + media.file,
        "alt": media.alt,
        "caption": media.caption,
        "credit": media.credit,
        "width": media.width,
        "height": media.height,
        "srcset": ", ".join(f"{base}{path} {width}w" for width, path in variants),
    }


def _authors(entry: Entry, authors: Sequence[User] | None) -> list[dict[str, Any]]:
    people = entry.authors.all() if authors is None else authors
    return [
        {"id": author.pk, "name": author.byline}
        for author in sorted(people, key=lambda author: author.pk)
    ]


def entry_json(entry: Entry, *, authors: Sequence[User] | None = None) -> dict[str, Any]:
    """The JSON form of an entry, as the API and the change feed give it.

    ``authors`` stands in for the saved ones when previewing an entry not yet saved.
    """
    blog = entry.blog
    embed = dict(entry.embed) if entry.embed else None
    if embed:
        embed["provider_name"] = PROVIDER_NAMES.get(embed.get("provider", ""), "Link")
    return {
        "id": entry.pk,
        "blog": blog.slug,
        "revision": entry.revision,
        "status": entry.status,
        "headline": entry.headline,
        "subtitle": entry.subtitle,
        "body": entry.body,
        "authors": _authors(entry, authors),
        "image": media_json(entry.image),
        "embed": embed,
        "related": (
            {"url": entry.related_url, "title": entry.related_title} if entry.related_url else None
        ),
        "key_event": entry.is_key_event,
        "breaking": entry.is_breaking,
        "display_at": iso(entry.display_at),
        "published_at": iso(entry.published_at),
        "scheduled_for": iso(entry.scheduled_for),
        "edited_at": iso(entry.edited_at),
        "correction_note": entry.correction_note,
        "url": entry_path(entry),
        "anchor": entry_anchor(entry),
    }


# What other apps add to an entry's <article> as data-* attributes, from rows they stored on
# the entry's write (bulletin.extract: its topics and speakers, which readers filter by).
# Each is registered once, in its AppConfig.ready().
entry_attributes: list[Callable[[Entry], dict[str, str]]] = []


def render_entry_html(entry: Entry, data: dict[str, Any] | None = None) -> str:
    """The reader HTML of one entry, rendered in the blog's language and time zone."""
    blog = entry.blog
    data = data if data is not None else entry_json(entry)
    zone = ZoneInfo(blog.timezone)
    shown_at = entry.display_at or entry.scheduled_for or entry.created_at
    with translation.override(blog.language), timezone.override(zone):
        return render_to_string(
            "blogs/entry.html",
            {
                "entry": data,
                "data_attributes": {
                    name: value for add in entry_attributes for name, value in add(entry).items()
                },
                "shown_at": timezone.localtime(shown_at, zone),
                "shown_iso": iso(shown_at),
                "edited_at": timezone.localtime(entry.edited_at, zone) if entry.edited_at else None,
            },
        ).strip()


def render_entry(entry: Entry) -> tuple[dict[str, Any], str]:
    """Render an entry once: its JSON and its HTML."""
    data = entry_json(entry)
    return data, render_entry_html(entry, data)


def blog_json(blog: LiveBlog) -> dict[str, Any]:
    """The JSON form of a blog's header: what the top of the reader page shows."""
    pinned = blog.pinned_entry
    return {
        "id": blog.pk,
        **plain_blog_fields(blog),
        "status": blog.status,
        "cover_image": media_json(blog.cover_image),
        "coverage_start": iso(blog.coverage_start),
        "coverage_end": iso(blog.coverage_end),
        "key_points": [
            {"text": point.text, "entry_id": point.entry_id} for point in blog.key_points.all()
        ],
        "pinned_entry_id": pinned.pk if pinned else None,
        "pinned_entry_html": pinned_copy_html(pinned) if pinned and pinned.is_public else None,
        "seq": blog.seq,
        "updated_at": iso(blog.updated_at),
        "url": reverse("reader:live", args=[blog.slug]),
    }
