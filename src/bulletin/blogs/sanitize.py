"""Entry bodies are sanitised to a small allowlist before they are stored.

Whatever is not on the list is dropped (its text may stay, never its markup), so stored HTML
can be written into pages as it is.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit

import nh3
from django.conf import settings

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "a",
        "ul",
        "ol",
        "li",
        "h3",
        "h4",
        "blockquote",
        "cite",
        "figure",
        "figcaption",
        "img",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "blockquote": {"cite"},
    "img": {"src", "alt", "width", "height"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
EXTERNAL_REL = "noopener noreferrer nofollow"

_ANCHOR = re.compile(r'<a href="([^"]*)">')
_URL_ATTRIBUTES = {("blockquote", "cite"), ("img", "src")}


def _safe_url_attribute(tag: str, attribute: str, value: str) -> str | None:
    # nh3 checks the scheme of href and src, but not of cite: check every URL ourselves.
    if (tag, attribute) in _URL_ATTRIBUTES:
        scheme = urlsplit(value.strip()).scheme.lower()
        return value if scheme in {"", "http", "https"} else None
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        # "*": nothing on every tag, which replaces nh3's default generic title and lang.
        attributes={"*": set(), **{tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()}},
        url_schemes=set(URL_SCHEMES),
        clean_content_tags={"script", "style", "template", "iframe", "object", "noscript"},
        strip_comments=True,
        link_rel=None,
        attribute_filter=_safe_url_attribute,
    )


def is_external(href: str) -> bool:
    """True when a link leaves this site (absolute URL to another host)."""
    parts = urlsplit(href)
    if not parts.scheme and not parts.netloc:
        return False  # relative or fragment: stays on this site
    site_host = urlsplit(settings.SITE_URL).netloc.lower()
    return parts.netloc.lower() != site_host


def _add_rel(match: re.Match[str]) -> str:
    href = match.group(1)
    # nh3 writes attribute values entity-encoded, so decode the one character that matters.
    if is_external(href.replace("&amp;", "&")):
        return f'<a href="{href}" rel="{EXTERNAL_REL}">'
    return match.group(0)


def sanitize_html(html: str) -> str:
    """Return the allowlisted subset of ``html``; external links get rel="noopener…"."""
    cleaned = _cleaner().clean(html)
    return _ANCHOR.sub(_add_rel, cleaned).strip()


_BLOCK_END = re.compile(r"(</(?:p|li|h3|h4|blockquote|figcaption|cite)>|<br\s*/?>)", re.I)


def plain_text(html: str) -> str:
    """The words of some HTML with all markup removed (for summaries and feeds)."""
    # A space where a block ends, so that "<p>One</p><p>Two</p>" reads "One Two".
    spaced = _BLOCK_END.sub(r"\1 ", html)
    text = nh3.clean(spaced, tags=set(), clean_content_tags={"script", "style"})
    return re.sub(r"\s+", " ", text.replace("&nbsp;", " ")).strip()
