"""Which CDN cache keys a public answer carries, so that a takedown can purge it by key.

A CDN in front of Bulletin may keep public answers for a while (``Cache-Control: public``).
Every public answer about a blog carries the key ``blog-<id>`` and a permalink also
``entry-<id>``, in ``Surrogate-Key`` (space-separated: Fastly, Varnish) and in ``Cache-Tag``
(comma-separated: Cloudflare, Akamai). Purging ``blog-<id> entry-<id>`` after a removal then
drops every copy that could still show the entry (:mod:`bulletin.purge`). Ids, not slugs: a
slug can change, and an id never names another blog.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class _Answer(Protocol):
    def __setitem__(self, header: str, value: str) -> None: ...


def blog_key(blog_id: int) -> str:
    return f"blog-{blog_id}"


def entry_key(entry_id: int) -> str:
    return f"entry-{entry_id}"


def keys_for(blog_id: int, entry_id: int | None = None) -> tuple[str, ...]:
    """The keys of an answer about this blog (and about one of its entries, for a permalink)."""
    if entry_id is None:
        return (blog_key(blog_id),)
    return (blog_key(blog_id), entry_key(entry_id))


def headers(keys: Iterable[str]) -> dict[str, str]:
    """``Surrogate-Key`` and ``Cache-Tag`` carrying the keys, for a Django response."""
    names = list(keys)
    return {"Surrogate-Key": " ".join(names), "Cache-Tag": ",".join(names)}


def raw_headers(keys: Iterable[str]) -> list[tuple[bytes, bytes]]:
    """The same headers for a plain ASGI answer (the edge)."""
    return [(name.lower().encode(), value.encode("ascii")) for name, value in headers(keys).items()]


def tag(response: _Answer, blog_id: int, entry_id: int | None = None) -> None:
    """Put the blog's (and entry's) keys on a public answer."""
    for name, value in headers(keys_for(blog_id, entry_id)).items():
        response[name] = value
