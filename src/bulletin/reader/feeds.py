"""Atom, RSS and JSON Feed for a live blog and for its key events only.

Pure functions of a blog and its published entries: the caller fetches the entries with
:func:`feed_entries` and serves (or caches by seq) what these return. Ids are tag URIs built
from primary keys, so renaming a blog's slug does not make feed readers show every entry again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from feedgen.feed import FeedGenerator

from bulletin.blogs.dates import time_label
from bulletin.blogs.models import Entry, EntryStatus, LiveBlog
from bulletin.blogs.rendering import (
    byline_of,
    entry_json,
    iso,
    render_entry_html,
    stand_in_title,
)
from bulletin.links import absolute_reverse, absolute_url
from bulletin.reader.seo import excerpt, media_url, publisher_name

FEED_ENTRIES = 50
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
KEY_EVENT_TAG = "key event"
TITLE_CHARS = 80
SUMMARY_CHARS = 300
FeedKind = Literal["atom", "rss", "json"]
_TYPES: dict[FeedKind, str] = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}

# XML 1.0 cannot carry most control characters, and lxml refuses the whole document if one of
# them slips into a headline or a byline; they carry no meaning, so they are dropped.
# src, href and srcset values that start at the site's root ("/media/…", "/live/…").
_RELATIVE = re.compile(r'((?:src|href)=")(/[^/"][^"]*)')
_SRCSET = re.compile(r'srcset="[^"]*"')
_RELATIVE_IN_SRCSET = re.compile(r'((?:^|"|,\s*))(/[^/\s"][^\s"]*)')
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class _Item:
    id: str
    url: str
    title: str
    content_html: str
    summary: str
    published: datetime
    modified: datetime
    authors: list[str]
    image_url: str | None
    key_event: bool


def feed_entries(blog: LiveBlog, key_events_only: bool = False) -> list[Entry]:
    """The newest published entries of a blog (key events only if asked), newest first."""
    entries = Entry.objects.filter(blog=blog, status=EntryStatus.PUBLISHED)
    if key_events_only:
        entries = entries.filter(is_key_event=True)
    return list(
        entries.order_by("-display_at", "-id")
        .select_related("blog", "image")
        .prefetch_related("authors", "contributors__photo")[:FEED_ENTRIES]
    )


def feed_url(blog: LiveBlog, kind: FeedKind, key_events_only: bool = False) -> str:
    """The absolute URL a feed is served at."""
    query = {"key_events": 1} if key_events_only else None
    return absolute_reverse(f"reader:feed-{kind}", blog.slug, query=query)


def _page_url(blog: LiveBlog) -> str:
    return absolute_reverse("reader:live", blog.slug)


def _tag(blog: LiveBlog, name: str) -> str:
    # RFC 4151: tag:<host>,<a date the host was ours>:<name>.
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{blog.created_at.date().isoformat()}:live/{blog.pk}{name}"


def _feed_id(blog: LiveBlog, key_events_only: bool) -> str:
    return _tag(blog, "/key-events" if key_events_only else "")


def _feed_title(blog: LiveBlog, key_events_only: bool) -> str:
    if not key_events_only:
        return blog.title
    with translation.override(blog.language):
        return gettext("%(title)s: key events") % {"title": blog.title}


def _content(entry: Entry) -> str:
    """The entry as every other view shows it (blogs/rendering.py: text, image, embeds as
    links, the "Full story" link, the correction), with absolute addresses: a feed reader
    resolves a relative one against the feed's host, or not at all."""
    html = render_entry_html(entry, feed=True)
    html = _SRCSET.sub(lambda found: _RELATIVE_IN_SRCSET.sub(_absolute, found.group(0)), html)
    return _RELATIVE.sub(lambda found: found.group(1) + absolute_url(found.group(2)), html)


def _absolute(found: re.Match[str]) -> str:
    return found.group(1) + absolute_url(found.group(2))


def _item(blog: LiveBlog, entry: Entry) -> _Item:
    published = entry.display_at or entry.published_at or entry.created_at
    # The standfirst is what the entry says in brief; without one, the start of the body.
    summary = entry.subtitle or excerpt(entry.body, SUMMARY_CHARS)
    # An entry that is only a post, a video or a photo is named by it ("HM Coastguard on X").
    title = entry.headline or excerpt(entry.body, TITLE_CHARS) or stand_in_title(entry)
    if not title:  # nothing to name it by (an imported or older entry): its time, as the page
        title = time_label(published, blog.timezone, blog.language)
    return _Item(
        id=_tag(blog, f"/e/{entry.pk}"),
        url=absolute_reverse("reader:entry", blog.slug, entry.pk),
        title=title,
        content_html=_content(entry),
        summary=summary,
        published=published,
        modified=max(entry.edited_at, published) if entry.edited_at else published,
        authors=[person["name"] for person in byline_of(entry_json(entry))],
        image_url=media_url(entry.image),
        key_event=entry.is_key_event,
    )


def _items(blog: LiveBlog, entries: Iterable[Entry], key_events_only: bool) -> list[_Item]:
    chosen = [
        entry
        for entry in entries
        if entry.status == EntryStatus.PUBLISHED and (entry.is_key_event or not key_events_only)
    ]
    chosen.sort(key=lambda e: (e.display_at or e.published_at or e.created_at, e.pk), reverse=True)
    return [_item(blog, entry) for entry in chosen[:FEED_ENTRIES]]


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


# An RSS <description> is HTML in practice (feed readers render it), though nothing in the
# format says so. Plain text is therefore escaped for HTML before feedgen escapes it again for
# XML, or a body that shows markup as text (`&lt;img onerror…&gt;`) would reach a reader as a
# live tag. Titles stay text, as RSS defines them; Atom and JSON Feed say which field is which.
def _rss_html(text: str) -> str:
    """Plain text as the HTML a feed reader renders from an RSS description."""
    return escape(text)


def _generator(
    blog: LiveBlog, entries: Iterable[Entry], key_events_only: bool, kind: FeedKind
) -> FeedGenerator:
    text = _rss_html if kind == "rss" else str
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)  # dc:creator: RSS authors need no e-mail
    feed.id(_feed_id(blog, key_events_only))
    feed.title(_xml(_feed_title(blog, key_events_only)))
    feed.subtitle(_xml(text(blog.description or blog.title)))
    feed.link(href=feed_url(blog, kind, key_events_only), rel="self", type=_TYPES[kind])
    # RSS takes its one channel link from the last link given: the page, not the feed.
    feed.link(href=_page_url(blog), rel="alternate", type="text/html")
    feed.language(blog.language)
    feed.author(name=_xml(publisher_name()))
    feed.generator("Bulletin")
    feed.updated(blog.updated_at)  # also RSS lastBuildDate
    cover = media_url(blog.cover_image)
    if cover:
        feed.logo(cover)
    for item in _items(blog, entries, key_events_only):
        node = feed.add_entry(order="append")
        node.id(item.id)
        node.title(_xml(item.title))
        node.link(href=item.url, rel="alternate")
        node.published(item.published)
        node.updated(item.modified)
        if item.content_html:
            node.content(_xml(item.content_html), type="html")
        if item.summary:
            node.summary(_xml(text(item.summary)))
        for name in item.authors:
            node.author(name=_xml(name))
            node.dc.dc_creator(_xml(name))
        if item.key_event:
            node.category(term=KEY_EVENT_TAG)
    return feed


def atom(blog: LiveBlog, entries: Iterable[Entry], *, key_events_only: bool = False) -> bytes:
    """The Atom feed of a blog's newest published entries."""
    return bytes(_generator(blog, entries, key_events_only, "atom").atom_str())


def rss(blog: LiveBlog, entries: Iterable[Entry], *, key_events_only: bool = False) -> bytes:
    """The RSS 2.0 feed of a blog's newest published entries."""
    return bytes(_generator(blog, entries, key_events_only, "rss").rss_str())


def _json_item(item: _Item) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id,
        "url": item.url,
        "title": item.title,
        "content_html": item.content_html,
        "date_published": iso(item.published),
        "date_modified": iso(item.modified),
        "authors": [{"name": name} for name in item.authors],
    }
    if item.summary:
        data["summary"] = item.summary
    if item.image_url:
        data["image"] = item.image_url
    if item.key_event:
        data["tags"] = [KEY_EVENT_TAG]
    return data


def json_feed(
    blog: LiveBlog, entries: Iterable[Entry], *, key_events_only: bool = False
) -> dict[str, Any]:
    """The JSON Feed 1.1 of a blog's newest published entries, ready for ``json.dumps``."""
    data: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": _feed_title(blog, key_events_only),
        "home_page_url": _page_url(blog),
        "feed_url": feed_url(blog, "json", key_events_only),
        "language": blog.language,
        "authors": [{"name": publisher_name()}],
    }
    if blog.description:
        data["description"] = blog.description
    # JSON Feed has no feed-level date; extensions start with an underscore.
    data["_bulletin"] = {"updated": iso(blog.updated_at), "seq": blog.seq}
    data["items"] = [_json_item(item) for item in _items(blog, entries, key_events_only)]
    return data
