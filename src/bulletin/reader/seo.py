"""What search engines and link previews read: LiveBlogPosting JSON-LD, Open Graph, Twitter.

Everything here returns plain data; templates escape meta values as usual, and
:func:`json_ld_script` is the one place that writes JSON into a ``<script>`` element.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from html import unescape
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import to_locale

from bulletin import config
from bulletin.blogs.dates import time_label
from bulletin.blogs.models import BlogStatus, Entry, LiveBlog, Media
from bulletin.blogs.rendering import entry_anchor, iso, stand_in_title
from bulletin.blogs.sanitize import plain_text
from bulletin.links import absolute_url

ARTICLE_BODY_CHARS = 1000
HEADLINE_CHARS = 110  # what search engines show of a headline
ELLIPSIS = "…"

# Characters that could end the script element or open a comment inside it; JSON keeps their
# meaning when they are written as \u escapes. U+2028/9 are escaped for old JavaScript parsers.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}
# plain_text() drops tags without leaving a gap, so "<p>One</p><p>Two</p>" would read "OneTwo".
_BLOCK_BOUNDARY = re.compile(
    r"(<br\s*/?>|</(?:p|li|h3|h4|blockquote|figcaption|cite)>|<(?:p|li|ul|ol|figure)\b)",
    re.IGNORECASE,
)


def media_url(media: Media | None) -> str | None:
    """The absolute URL of an uploaded image, or None."""
    return absolute_url(settings.MEDIA_URL + media.file) if media is not None else None


def publisher_name() -> str:
    return config.current.PUBLISHER_NAME


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters on a word boundary, ending in "…"."""
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    window = text[:room]
    if not text[room].isspace() and " " in window:
        window = window.rsplit(" ", 1)[0]  # drop the word the cut went through
    return window.rstrip(" ,;:.-\u2013\u2014") + ELLIPSIS


def text_of(html: str) -> str:
    """The words of stored (sanitised) HTML as plain text, blocks separated by a space."""
    return unescape(plain_text(_BLOCK_BOUNDARY.sub(r" \1 ", html)))


def excerpt(html: str, limit: int) -> str:
    """The opening words of some HTML as plain text, at most ``limit`` characters."""
    return clip(text_of(html), limit)


def _person_list(names: Iterable[str]) -> list[dict[str, str]]:
    return [{"@type": "Person", "name": name} for name in dict.fromkeys(names) if name]


def _organization() -> dict[str, str]:
    return {"@type": "Organization", "name": publisher_name()}


def publisher() -> dict[str, Any]:
    """The newsroom as search engines want it: name, home page and logo (settings)."""
    settings_now = config.current
    data: dict[str, Any] = {
        **_organization(),
        "url": absolute_url(settings_now.PUBLISHER_URL or "/"),
    }
    if settings_now.PUBLISHER_LOGO_URL:
        data["logo"] = {
            "@type": "ImageObject",
            "url": absolute_url(settings_now.PUBLISHER_LOGO_URL),
        }
    return data


def _bylines(entry: Entry) -> list[str]:
    users = [author.byline for author in sorted(entry.authors.all(), key=lambda a: a.pk)]
    profiles = [person.name for person in sorted(entry.contributors.all(), key=lambda p: p.pk)]
    return users + profiles


def _authors(entry: Entry) -> list[dict[str, str]]:
    # A guest byline is most often an agency ("Reuters", "Staff and agencies").
    guest = [{"@type": "Organization", "name": entry.guest_byline}] if entry.guest_byline else []
    return _person_list(_bylines(entry)) + guest


def _words_of(entry: Entry) -> str:
    """What the entry says in words: its text, else its standfirst, else the words of its
    embeds, its "Full story" link or its image (an update that is only a video still gives
    search engines a body); the caller falls back on the headline."""
    body = text_of(entry.body) or entry.subtitle
    if body:
        return body
    for embed in entry.embeds:
        words = " ".join(str(embed[part]) for part in ("title", "description") if embed.get(part))
        if words:
            return words
    if entry.related_title:
        return entry.related_title
    image = entry.image
    return (image.caption or image.alt) if image is not None else ""


def _blog_posting(entry: Entry, page_url: str) -> dict[str, Any]:
    shown_at = entry.display_at or entry.published_at or entry.created_at
    modified = max(entry.edited_at, shown_at) if entry.edited_at else shown_at
    people = _authors(entry)
    body = _words_of(entry)
    # Search engines want a headline and a body on every update: an update without words is
    # named by its embed ("HM Coastguard on X") or its photo, else by its time, as a feed
    # names it.
    headline = (
        entry.headline
        or clip(body, HEADLINE_CHARS)
        or stand_in_title(entry)
        or time_label(shown_at, entry.blog.timezone, entry.blog.language)
    )
    posting: dict[str, Any] = {
        "@type": "BlogPosting",
        "headline": headline,
        "description": entry.subtitle,
        "url": f"{page_url}#{entry_anchor(entry)}",
        "datePublished": iso(shown_at),
        "dateModified": iso(modified),
        "author": people or _organization(),
        "articleBody": clip(body, ARTICLE_BODY_CHARS) or headline,
    }
    image = media_url(entry.image)
    if image:
        posting["image"] = image
    # Left out when empty (an entry without a standfirst has no description).
    return {key: value for key, value in posting.items() if value not in (None, "")}


def live_blog_posting(
    blog: LiveBlog, entries: Iterable[Entry], *, page_url: str, live_url: str | None = None
) -> dict[str, Any]:
    """The schema.org LiveBlogPosting of a page showing ``entries`` of ``blog``.

    ``page_url`` is the page's canonical address (the live page, or an entry's permalink);
    each update's ``url`` is its place on the live page (``live_url#entry-N``), where it is
    read in the running coverage, whichever page carries the markup.
    """
    entries = list(entries)
    live_url = live_url or page_url
    started = blog.coverage_start or blog.created_at
    people = _person_list(name for entry in entries for name in _bylines(entry))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": page_url,
        "headline": blog.title,
        "url": page_url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
        # Constant for the life of the blog; dateModified is what moves with each change.
        "datePublished": iso(started),
        "dateModified": iso(blog.updated_at),
        "coverageStartTime": iso(started),
        "inLanguage": blog.language,
        "publisher": publisher(),
        "author": people or _organization(),
    }
    if blog.description:
        data["description"] = blog.description
    cover = media_url(blog.cover_image)
    if cover:
        data["image"] = cover
    if blog.status in {BlogStatus.ENDED, BlogStatus.ARCHIVED}:
        data["coverageEndTime"] = iso(blog.coverage_end or blog.updated_at)
    data["liveBlogUpdate"] = [_blog_posting(entry, live_url) for entry in entries]
    return data


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """``data`` as a JSON-LD script element that no string inside it can close or break."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def open_graph(
    blog: LiveBlog, *, url: str, title: str, description: str, image_url: str | None
) -> list[tuple[str, str]]:
    """Open Graph and Twitter card meta tags as (property, content) pairs.

    Values are raw text for the template to escape; ``og:*`` and ``article:*`` belong in
    ``<meta property=…>``, ``twitter:*`` in ``<meta name=…>``.
    """
    image = absolute_url(image_url) if image_url else None
    tags = [
        ("og:type", "article"),
        ("og:site_name", publisher_name()),
        ("og:title", title),
        ("og:url", absolute_url(url)),
        ("og:locale", to_locale(blog.language)),
    ]
    if description:
        tags.append(("og:description", description))
    if image:
        tags.append(("og:image", image))
    tags += [
        ("article:published_time", iso(blog.coverage_start or blog.created_at) or ""),
        ("article:modified_time", iso(blog.updated_at) or ""),
        ("twitter:card", "summary_large_image" if image else "summary"),
        ("twitter:title", title),
    ]
    if description:
        tags.append(("twitter:description", description))
    if image:
        tags.append(("twitter:image", image))
    return tags
