"""An entry's words as the extractors read them: plain-text blocks, in order.

Entry bodies are sanitised HTML (:mod:`bulletin.blogs.sanitize`): paragraphs, list items,
sub-headings and block quotes. A block quote keeps its attribution apart (its ``<cite>``, a
trailing "— Name" line, or the caption of the figure around it), because that is who said it.
"""

# This module reads typography: curly quotes, apostrophes and dashes are its data.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset({"p", "li", "h3", "h4", "figcaption"})
_SPACES = re.compile(r"\s+")
# "— John Kirby", "- Kirby", "―Kirby": the attribution line under a block quote.
DASH_LINE = re.compile(r"^\s*[—–―-]+\s*(?P<who>.+?)\s*$")


@dataclass
class Block:
    """One paragraph-like piece of text; ``quoted`` for the text of a block quote."""

    text: str
    quoted: bool = False
    cite: str = ""


@dataclass
class _Quote:
    paragraphs: list[str] = field(default_factory=list)
    cite: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._words: list[str] = []
        self._quote: _Quote | None = None
        self._in_cite = False
        self._figure_quotes: list[Block] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "figure":
            self._figure_quotes = []
        elif tag == "blockquote":
            self._flush()
            self._quote = _Quote()
        elif tag == "cite":
            self._flush()
            self._in_cite = True
        elif tag == "br":
            self._words.append("\n")
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "cite":
            self._in_cite = False
            if self._quote is not None:
                self._quote.cite.append(self._take())
            else:
                self._flush()
        elif tag == "blockquote":
            self._flush()
            self._close_quote()
        elif tag == "figcaption" and self._figure_quotes:
            # A caption under a quoted figure names who said it.
            caption = self._take()
            for block in self._figure_quotes:
                block.cite = block.cite or _strip_dash(caption)
        elif tag == "figure":
            self._flush()
            self._figure_quotes = None
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._words.append(data)

    def close(self) -> None:
        super().close()
        self._flush()
        if self._quote is not None:
            self._close_quote()

    def _take(self) -> str:
        text = _SPACES.sub(" ", "".join(self._words)).strip()
        self._words = []
        return text

    def _flush(self) -> None:
        text = self._take()
        if not text:
            return
        if self._quote is not None and not self._in_cite:
            self._quote.paragraphs.append(text)
        elif self._quote is None:
            self.blocks.append(Block(text))

    def _close_quote(self) -> None:
        quote, self._quote = self._quote, None
        if quote is None or not quote.paragraphs:
            return
        paragraphs = quote.paragraphs
        cite = " ".join(part for part in quote.cite if part)
        dash = DASH_LINE.match(paragraphs[-1]) if len(paragraphs) > 1 else None
        if not cite and dash:
            cite, paragraphs = dash.group("who"), paragraphs[:-1]
        block = Block(" ".join(paragraphs), quoted=True, cite=_strip_dash(cite))
        self.blocks.append(block)
        if self._figure_quotes is not None:
            self._figure_quotes.append(block)


def _strip_dash(text: str) -> str:
    match = DASH_LINE.match(text)
    return match.group("who") if match else text.strip()


def blocks_of(headline: str, body_html: str) -> list[Block]:
    """The entry's headline and body as plain-text blocks, in reading order."""
    reader = _Reader()
    reader.feed(body_html)
    reader.close()
    head = [Block(_SPACES.sub(" ", headline).strip())] if headline.strip() else []
    return head + reader.blocks
