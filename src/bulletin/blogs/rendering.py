"""Turn an entry or a blog into what readers receive: HTML once, JSON once, at write time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date as date_type
from datetime import datetime
from html import unescape
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext

from bulletin.accounts.models import User
from bulletin.blogs import image_sizes, placement, tables
from bulletin.blogs.dates import time_label
from bulletin.blogs.embeds import CARD_FIELDS
from bulletin.blogs.fields import plain_blog_fields
from bulletin.blogs.models import Contributor, Entry, LiveBlog, Media
from bulletin.blogs.sanitize import plain_text
from bulletin.providers import PROVIDER_NAMES


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def entry_path(entry: Entry) -> str:
    """The entry's permalink; an entry not saved yet (a desk preview) has none but its blog's."""
    if entry.pk is None:
        return reverse("reader:live", args=[entry.blog.slug])
    return reverse("reader:entry", args=[entry.blog.slug, entry.pk])


def entry_anchor(entry: Entry) -> str:
    return f"entry-{entry.pk}"


# How much of the pinned entry's text the box at the top shows before "Read more".
PINNED_OPENING_WORDS = 40


def pinned_copy_html(entry: Entry, blog: LiveBlog | None = None) -> str:
    """The pinned box's short copy of an entry of the stream: headline, opening words and a
    "Read more" link to the entry (its permalink; the page's script turns it into the
    in-page ``#entry-N`` when the entry is on the page). No id, so that ``#entry-N`` links and
    lookups find the entry itself, and no images or embeds: the stream shows those once."""
    blog = blog or entry.blog
    # An entry that is only a post, a video or a photo is named by it (the box shows no embeds
    # or images).
    opening = _opening_words(entry.body, PINNED_OPENING_WORDS)
    opening = opening or ("" if entry.headline else stand_in_title(entry))
    with translation.override(blog.language):
        return render_to_string(
            "blogs/pinned.html",
            {
                "entry": {
                    "id": entry.pk,
                    "revision": entry.revision,
                    "headline": entry.headline,
                    "url": reverse("reader:entry", args=[blog.slug, entry.pk]),
                    "anchor": entry_anchor(entry),
                },
                "opening": opening,
            },
        ).strip()


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


def _contributors(entry: Entry, contributors: Sequence[Contributor] | None) -> list[dict[str, Any]]:
    people = entry.contributors.all() if contributors is None else contributors
    return [
        {
            "id": person.pk,
            "name": person.name,
            "role": person.role,
            "photo": media_json(person.photo),
        }
        for person in sorted(people, key=lambda person: person.pk)
    ]


def entry_json(
    entry: Entry,
    *,
    authors: Sequence[User] | None = None,
    contributors: Sequence[Contributor] | None = None,
) -> dict[str, Any]:
    """The JSON form of an entry, as the API and the change feed give it.

    ``authors`` and ``contributors`` stand in for the saved ones when previewing an entry not
    yet saved.
    """
    blog = entry.blog
    embeds = [
        {
            **dict.fromkeys(CARD_FIELDS, ""),  # embeds stored before cards had every field
            **embed,
            "provider_name": PROVIDER_NAMES.get(embed.get("provider", ""), "Link"),
        }
        for embed in entry.embeds
    ]
    return {
        "id": entry.pk,
        "blog": blog.slug,
        "revision": entry.revision,
        "status": entry.status,
        "headline": entry.headline,
        "subtitle": entry.subtitle,
        "body": entry.body,
        "authors": _authors(entry, authors),
        "contributors": _contributors(entry, contributors),
        "guest_byline": entry.guest_byline,
        "image": media_json(entry.image),
        # The first embed, as before entries had several (kept for the API's readers).
        "embed": embeds[0] if embeds else None,
        "embeds": embeds,
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


def byline_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Everyone an entry credits, in the order printed: its authors (users), its contributor
    profiles (with role and photo), then its guest byline ("Reuters")."""
    people: list[dict[str, Any]] = [{"name": author["name"]} for author in data["authors"]]
    people += [
        {"name": person["name"], "role": person["role"], "photo": person["photo"]}
        for person in data["contributors"]
    ]
    if data["guest_byline"]:
        people.append({"name": data["guest_byline"], "guest": True})
    return people


# What other apps add to an entry's <article> as data-* attributes, from rows they stored on
# the entry's write (bulletin.extract: its topics and speakers, which readers filter by).
# Each is registered once, in its AppConfig.ready().
entry_attributes: list[Callable[[Entry], dict[str, str]]] = []


def _posted(date: str, zone: ZoneInfo) -> date_type | datetime | None:
    """A post card's date as the page shows it: a day, or a time in the blog's zone."""
    if not date:
        return None
    try:
        if "T" not in date:
            return date_type.fromisoformat(date)
        return timezone.localtime(datetime.fromisoformat(date.replace("Z", "+00:00")), zone)
    except ValueError:  # stored before it was checked: show no date rather than fail
        return None


def _cards(embeds: list[dict[str, Any]], zone: ZoneInfo) -> list[dict[str, Any]]:
    """Each embed with what its card shows: the words quoted, and the date to print."""
    return [
        {
            **embed,
            "posted": _posted(embed.get("date", ""), zone),
            "has_time": "T" in embed.get("date", ""),
            "quoted": any(embed.get(name) for name in ("author", "handle", "description")),
        }
        for embed in embeds
    ]


def render_entry_html(
    entry: Entry, data: dict[str, Any] | None = None, *, feed: bool = False
) -> str:
    """The reader HTML of one entry, rendered in the blog's language and time zone.

    ``feed``: the same entry as a feed item's content (reader/feeds.py): what it says and
    shows (text, image, embeds, "Full story", correction), without the article wrapper, the
    page's controls, and what the feed gives in fields of its own (time, title, standfirst,
    authors, flags).
    """
    blog = entry.blog
    data = data if data is not None else entry_json(entry)
    zone = ZoneInfo(blog.timezone)
    shown_at = entry.display_at or entry.scheduled_for or entry.created_at
    # Embeds whose link is a paragraph of the body on its own show there; the rest after it.
    cards = _cards(data.get("embeds") or [], zone)
    body = image_sizes.with_sizes(data["body"])
    with translation.override(blog.language):  # a table's default name is in its words
        body = body if feed else tables.scrollable(body)
    pieces, after_text = placement.place(body, [card["url"] for card in cards])
    with translation.override(blog.language), timezone.override(zone):
        return render_to_string(
            "blogs/entry.html",
            {
                "entry": data,
                "body_pieces": [
                    {
                        "html": piece.html,
                        "embed": None if piece.embed is None else cards[piece.embed],
                    }
                    for piece in pieces
                ],
                "embeds_after_text": [cards[index] for index in after_text],
                # On the <article>, which a feed item has not: not looked up for feeds.
                "data_attributes": {}
                if feed
                else {
                    name: value for add in entry_attributes for name, value in add(entry).items()
                },
                "shown_at": timezone.localtime(shown_at, zone),
                "shown_iso": iso(shown_at),
                "edited_at": timezone.localtime(entry.edited_at, zone) if entry.edited_at else None,
                "shown_label": time_label(shown_at, blog.timezone, blog.language),
                "edited_label": (
                    time_label(entry.edited_at, blog.timezone, blog.language)
                    if entry.edited_at
                    else ""
                ),
                "feed": feed,
                # What the share button offers as the title; in the HTML, so that entries
                # arriving live have it too.
                "share_title": "" if feed else entry_name(entry),
                "byline": byline_of(data),
                "related_host": _host(data["related"]["url"]) if data.get("related") else "",
            },
        ).strip()


def _host(url: str) -> str:
    """The site a "Full story" link goes to, as readers know it: "news.example"."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


# Providers whose embeds are videos rather than posts (how an untitled one is named).
_VIDEO_PROVIDERS = frozenset({"youtube", "vimeo"})


def stand_in_title(entry: Entry) -> str:
    """What an entry that has no headline or text is called where a title is needed (a feed
    item, its permalink's <title>, the pinned box, search engines, the share button, the
    desk), in the blog's language. From its first embed: the card's title, else who posted it
    and where ("HM Coastguard on X"), else what and where ("Video on YouTube"), else a link
    card's site. Else from its photo: the caption, else the alt text, else "Photo". Empty for
    an entry with neither."""
    named = _embed_title(entry.embeds[0], entry.blog.language) if entry.embeds else ""
    image = entry.image
    if named or image is None:
        return named
    words = image.caption.strip() or image.alt.strip()
    if words:
        return words
    with translation.override(entry.blog.language):
        return gettext("Photo")


def _embed_title(embed: dict[str, Any], language: str) -> str:
    provider = embed.get("provider", "link")
    name = PROVIDER_NAMES.get(provider, "Link")
    author = embed.get("author") or embed.get("handle") or ""
    if embed.get("title"):
        return str(embed["title"])
    if provider == "link":
        return str(author) or _host(embed.get("url", ""))
    with translation.override(language):
        if author:
            return gettext("%(author)s on %(provider)s") % {"author": author, "provider": name}
        if provider in _VIDEO_PROVIDERS:
            return gettext("Video on %(provider)s") % {"provider": name}
        return gettext("Post on %(provider)s") % {"provider": name}


# How many of an entry's first words name it where there is no headline (the share button).
NAME_WORDS = 12


def entry_name(entry: Entry) -> str:
    """What an entry is called in one line (the share button, the desk): its headline, else
    its first words, else its stand-in title."""
    return entry.headline or _opening_words(entry.body, NAME_WORDS) or stand_in_title(entry)


def _opening_words(body: str, count: int) -> str:
    return Truncator(unescape(plain_text(body))).words(count)


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
        "pinned_entry_html": (
            pinned_copy_html(pinned, blog) if pinned and pinned.is_public else None
        ),
        "seq": blog.seq,
        "updated_at": iso(blog.updated_at),
        "url": reverse("reader:live", args=[blog.slug]),
    }
