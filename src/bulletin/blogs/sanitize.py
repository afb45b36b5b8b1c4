"""Entry bodies are sanitised to a small allowlist before they are stored.

Whatever is not on the list is dropped (its text may stay, never its markup), so stored HTML
can be written into pages as it is. Headings above and below the entry's two levels are
mapped onto them (<h2> → <h3>), and :func:`removals` tells the writer, in words, what the
sanitiser changed (the API's ``warnings``, the desk's preview).

This module is the one place of the allowlist: the desk's editor schema mirrors
ALLOWED_TAGS and ALLOWED_ATTRIBUTES.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
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
        # Simple tables (election results, casualty figures): structure only, no styling.
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
    }
)
_CELL_ATTRIBUTES = frozenset({"colspan", "rowspan", "scope"})
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "blockquote": {"cite"},
    "img": {"src", "alt", "width", "height"},
    "th": set(_CELL_ATTRIBUTES),
    "td": set(_CELL_ATTRIBUTES),
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
EXTERNAL_REL = "noopener noreferrer nofollow"
# Pasted articles use the page's heading levels; an entry's are h3 and h4.
HEADING_MAP = {"h1": "h3", "h2": "h3", "h5": "h4", "h6": "h4"}
# Dropped with everything inside them (the rest lose their tags and keep their words).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "noscript"})

_ANCHOR = re.compile(r'<a href="([^"]*)">')
# One tag of the cleaner's output, whole: its attribute values are always double-quoted and
# text never holds a bare "<", so matching tag after tag never starts inside a value.
_OUTPUT_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:\s+[^\s=>/"]+(?:="[^"]*")?)*)\s*(/?)>')
# Which URLs each URL attribute may hold ("" is a relative address).
_URL_SCHEMES_OF = {
    ("a", "href"): URL_SCHEMES | {""},
    ("blockquote", "cite"): frozenset({"", "http", "https"}),
    ("img", "src"): frozenset({"", "http", "https"}),
}
_URL_WHAT = {"href": "link address", "src": "image address", "cite": "quote source address"}


def _url_allowed(tag: str, attribute: str, value: str) -> bool:
    schemes = _URL_SCHEMES_OF.get((tag, attribute))
    if schemes is None:
        return True
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in schemes


def _safe_url_attribute(tag: str, attribute: str, value: str) -> str | None:
    # nh3 checks the scheme of href and src, but not of cite: check every URL ourselves.
    return value if _url_allowed(tag, attribute, value) else None


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        # The mapped headings pass the cleaner and are renamed after it (_map_headings).
        tags=set(ALLOWED_TAGS) | set(HEADING_MAP),
        # "*": nothing on every tag, which replaces nh3's default generic title and lang.
        attributes={"*": set(), **{tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()}},
        url_schemes=set(URL_SCHEMES),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
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


def _rename_heading(match: re.Match[str]) -> str:
    closing, name, attributes, self_closing = match.groups()
    if name not in HEADING_MAP:
        return match.group(0)
    return f"<{closing}{HEADING_MAP[name]}{attributes}{self_closing}>"


def sanitize_html(html: str) -> str:
    """Return the allowlisted subset of ``html``; external links get rel="noopener…"."""
    cleaned = _OUTPUT_TAG.sub(_rename_heading, _cleaner().clean(html))
    return _ANCHOR.sub(_add_rel, cleaned).strip()


class _Removals(HTMLParser):
    """Reads markup as sent and notes, in the writer's words, what sanitising will change."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.warnings: dict[str, None] = {}  # ordered and without repeats
        self._dropped_depth = 0  # inside a tag dropped with its content: say nothing more

    def _say(self, warning: str) -> None:
        self.warnings.setdefault(warning, None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._dropped_depth:
            self._dropped_depth += tag in DROPPED_WITH_CONTENT
            return
        if tag in DROPPED_WITH_CONTENT:
            self._dropped_depth = 1
            self._say(f"removed <{tag}> and what was inside it (not allowed in entries)")
            return
        if tag in HEADING_MAP:
            self._say(f"changed <{tag}> to <{HEADING_MAP[tag]}> (entries use h3 and h4)")
        elif tag not in ALLOWED_TAGS:
            self._say(f"removed <{tag}> (not allowed in entries; its text is kept)")
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                if not (tag == "a" and name == "rel"):  # rel is set by the sanitiser itself
                    self._say(f"removed {name} attribute")
            elif not _url_allowed(tag, name, value or ""):
                shown = (value or "").strip()
                shown = shown if len(shown) <= 40 else shown[:39] + "…"
                schemes = sorted(_URL_SCHEMES_OF[(tag, name)] - {""})
                self._say(
                    f"removed {_URL_WHAT[name]} {shown!r} (only {', '.join(schemes)} "
                    "or relative addresses are allowed)"
                )

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self._dropped_depth and tag in DROPPED_WITH_CONTENT:
            self._dropped_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if self._dropped_depth and tag in DROPPED_WITH_CONTENT:
            self._dropped_depth -= 1

    def handle_comment(self, data: str) -> None:
        if not self._dropped_depth:
            self._say("removed HTML comments")


def removals(html: str) -> list[str]:
    """What :func:`sanitize_html` removes or changes in ``html``, as sentences for the
    writer ("removed <iframe> and what was inside it (not allowed in entries)",
    "changed <h2> to <h3> …", "removed style attribute"); empty when it keeps it all."""
    reader = _Removals()
    reader.feed(html)
    reader.close()
    return list(reader.warnings)


_BLOCK_END = re.compile(
    r"(</(?:p|li|h3|h4|blockquote|figcaption|cite|caption|th|td)>|<br\s*/?>)", re.I
)


def plain_text(html: str) -> str:
    """The words of some HTML with all markup removed (for summaries and feeds)."""
    # A space where a block ends, so that "<p>One</p><p>Two</p>" reads "One Two".
    spaced = _BLOCK_END.sub(r"\1 ", html)
    text = nh3.clean(spaced, tags=set(), clean_content_tags={"script", "style"})
    return re.sub(r"\s+", " ", text.replace("&nbsp;", " ")).strip()
