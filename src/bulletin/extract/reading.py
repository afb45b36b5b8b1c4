"""Read one entry: its quotes and topics, from its words and the names the blog knows.

Pure (no database): :mod:`bulletin.extract.store` stores what this returns, and the benchmark
(``bench/assist_quotes.py``) measures exactly this.
"""

from __future__ import annotations

from bulletin.extract.gazetteer import PERSON
from bulletin.extract.quotes import Found, read_quotes
from bulletin.extract.text import Block, blocks_of
from bulletin.extract.topics import Mention, read_topics

# The most text of one entry the rules read, in characters: what the default body limit
# (``MAX_BODY_BYTES``, 100 000 bytes of HTML) can hold. Reading is linear in the text, and it
# runs inside the writer's transaction: a site that raises the body limit gets the rest of a
# longer entry unread rather than a slower write.
MOST_READ = 100_000


def read_entry(headline: str, body: str, known: list[str]) -> tuple[list[Found], list[Mention]]:
    """The entry's attributed quotes and its topics; ``known``: full names named before."""
    blocks = within_limit(blocks_of(headline, body))
    mentions = read_topics(blocks, known)
    named_here = [m.label for m in mentions if m.kind == PERSON and " " in m.label]
    people = named_here + [name for name in known if name not in named_here]
    return read_quotes(blocks, people), mentions


def within_limit(blocks: list[Block], most: int = MOST_READ) -> list[Block]:
    """The blocks, up to ``most`` characters of text in all (the last one cut short)."""
    kept: list[Block] = []
    left = most
    for block in blocks:
        if left <= 0:
            break
        if len(block.text) > left:
            block = Block(block.text[:left], block.quoted, block.cite)
        kept.append(block)
        left -= len(block.text)
    return kept
