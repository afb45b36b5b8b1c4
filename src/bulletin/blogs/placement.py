"""Place an entry's embeds in its text: a paragraph of the body that is nothing but a link to
one of the entry's embeds shows that embed's card there, instead of the bare link.

This runs on the sanitised body when the entry is rendered (on write, never per request). The
sanitiser's output has one shape for a link (``<a href="…" rel="…">``, attributes in double
quotes, text escaped), so a pattern reads it reliably; anything else in the paragraph, even
one word, leaves it as text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_LONE_LINK = re.compile(r'<p>\s*<a href="([^"]*)"[^>]*>(?:(?!</a>|<p>).)*</a>\s*</p>', re.DOTALL)


@dataclass(frozen=True)
class Piece:
    """A run of body HTML, or the position (in the entry's list) of the embed shown there."""

    html: str = ""
    embed: int | None = None


def _key(url: str) -> str:
    return url.strip().rstrip("/")


def place(body: str, urls: list[str]) -> tuple[list[Piece], list[int]]:
    """Split ``body`` around the paragraphs that show an embed, and say which embeds (by
    position) are left to show after the text. Each embed is placed once, at its first
    lone-link paragraph; a later paragraph with the same link stays a link."""
    wanted: dict[str, int] = {}
    for index, url in enumerate(urls):
        wanted.setdefault(_key(url), index)
    pieces: list[Piece] = []
    placed: set[int] = set()
    start = 0
    for match in _LONE_LINK.finditer(body):
        found = wanted.get(_key(html.unescape(match.group(1))))
        if found is None or found in placed:
            continue
        if match.start() > start:
            pieces.append(Piece(html=body[start : match.start()]))
        pieces.append(Piece(embed=found))
        placed.add(found)
        start = match.end()
    if start < len(body):
        pieces.append(Piece(html=body[start:]))
    return pieces, [index for index in range(len(urls)) if index not in placed]
