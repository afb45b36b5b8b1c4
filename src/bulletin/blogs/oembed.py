"""Fill a post card's empty fields from the provider's oEmbed answer, where the operator allows.

Off by default (``BULLETIN_OEMBED_FETCH``): Bulletin then makes no request for an embed at all,
and a card shows what the journalist typed. When it is on, a write that sends embeds asks the
provider's oEmbed endpoint about each post whose card is still empty, before the write's
transaction (never on a reader's request), and the answer fills only the fields left empty.

What keeps this from becoming a way to make the server call an address of someone's choosing
(docs/security.md, "Outbound requests"):

- only the endpoints the operator listed are called (``BULLETIN_OEMBED_ENDPOINTS``), with the
  post's URL as a query parameter; the post URL itself is never fetched;
- a redirect is followed only to another listed endpoint's host, at most twice;
- every address the host resolves to must be a public one (not private, loopback, link-local,
  multicast or reserved), and the connection goes to the address that was checked, so a
  second lookup cannot swap it;
- each request has a timeout, and an answer larger than ``BULLETIN_OEMBED_MAX_BYTES`` is
  dropped unread.

A failure never fails the write: the journalist's fields stay as typed and the write's
warnings say what went wrong.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from bulletin import config
from bulletin.blogs.embeds import CARD_FIELDS
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.fields.base import read_value
from bulletin.blogs.fields.kinds import (
    EMBED_AUTHOR_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_HANDLE_MAX,
    EMBED_TITLE_MAX,
    EmbedAuthor,
    EmbedDescription,
    EmbedHandle,
    EmbedTitle,
    PostDate,
)
from bulletin.errors import ValidationFailed
from bulletin.providers import PROVIDER_NAMES

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_REDIRECTS = 2
USER_AGENT = "Bulletin-oEmbed/1 (+live blog post cards)"


class FetchFailed(Exception):
    """Why a card could not be filled, in words for the journalist."""


def is_public_address(address: Address) -> bool:
    """Whether the server may connect to ``address``: only the public internet."""
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to (all are checked, not only the first)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchFailed(f"could not look up {host} ({exc})") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]


@dataclass(frozen=True)
class Policy:
    """Where and how cards may be fetched. ``resolve`` and ``address_allowed`` are here so
    that tests can run a fake provider on this machine: production uses the defaults."""

    endpoints: Mapping[str, str]  # provider ("x", "bluesky", …) → its oEmbed endpoint
    timeout: float = 3.0
    max_bytes: int = 100_000
    resolve: Callable[[str, int], list[Address]] = resolve
    address_allowed: Callable[[Address], bool] = is_public_address
    allowed_origins: frozenset[tuple[str, str, int]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "allowed_origins", frozenset(_origin(url) for url in self.endpoints.values())
        )


# Which addresses the server may connect to. Always is_public_address in production; the
# one switch a test turns to let the settings' policy reach a fake provider on 127.0.0.1.
address_allowed: Callable[[Address], bool] = is_public_address


def policy_from_settings() -> Policy | None:
    """The operator's policy, or None when fetching is off."""
    settings = config.current
    if not settings.OEMBED_FETCH or not settings.OEMBED_ENDPOINTS:
        return None
    return Policy(
        endpoints=settings.OEMBED_ENDPOINTS,
        timeout=settings.OEMBED_TIMEOUT_SECONDS,
        max_bytes=settings.OEMBED_MAX_BYTES,
        address_allowed=address_allowed,
    )


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        raise FetchFailed(f"{url[:80]!r} has no valid port") from None
    return scheme, (parts.hostname or "").lower(), port or (443 if scheme == "https" else 80)


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to the address that was checked, whatever the host resolves to now."""

    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self.address), self.port), self.timeout)


class _PinnedHTTPS(_PinnedHTTP):
    """The same over TLS, the certificate checked against the host name."""

    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        super().connect()
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def _get(url: str, policy: Policy) -> bytes:
    """GET ``url`` under ``policy``; the answer's bytes, or FetchFailed saying why not."""
    deadline = time.monotonic() + policy.timeout
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port = _origin(url)
        if (scheme, host, port) not in policy.allowed_origins:
            raise FetchFailed(f"{host or url[:80]} is not one of the allowed oEmbed endpoints")
        addresses = policy.resolve(host, port)
        refused = [address for address in addresses if not policy.address_allowed(address)]
        if not addresses or refused:
            raise FetchFailed(f"{host} resolves to an address the server may not call")
        connection_type = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        connection = connection_type(host, port, addresses[0], policy.timeout)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                "GET", target, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
            )
            response = connection.getresponse()
            if response.status in {301, 302, 303, 307, 308}:
                url = urljoin(url, response.getheader("Location") or "")
                continue
            if response.status != 200:
                raise FetchFailed(f"{host} answered HTTP {response.status}")
            return _read_capped(response, policy, deadline, host)
        except TimeoutError:
            raise FetchFailed(f"{host} did not answer within {policy.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchFailed(f"could not reach {host} ({exc.__class__.__name__})") from None
        finally:
            connection.close()
    raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")


def _read_capped(
    response: http.client.HTTPResponse, policy: Policy, deadline: float, host: str
) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > policy.max_bytes:
        raise FetchFailed(f"{host}'s answer is larger than {policy.max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchFailed(f"{host} did not answer within {policy.timeout:g} s")
        chunk = response.read(8192)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > policy.max_bytes:
            raise FetchFailed(f"{host}'s answer is larger than {policy.max_bytes} bytes")
        chunks.append(chunk)


_HIDDEN = frozenset({"script", "style", "template"})


class _PostText(HTMLParser):
    """The text of the first paragraph of an oEmbed ``html`` snippet (the post's words) and
    of its last link (where X and Bluesky print the date). Nothing of the markup is kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraph: list[str] = []
        self.link_text: list[str] = []
        self._in_paragraph = False
        self._paragraphs_seen = 0
        self._in_link = False
        self._hidden = 0  # inside <script> or <style>: code, not words

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "p":
            self._paragraphs_seen += 1
            self._in_paragraph = self._paragraphs_seen == 1
        elif tag == "br" and self._in_paragraph:
            self.paragraph.append("\n")
        elif tag == "a" and not self._in_paragraph:
            self._in_link = True
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "p":
            self._in_paragraph = False
        elif tag == "a":
            self._in_link = False

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._in_paragraph:
            self.paragraph.append(data)
        elif self._in_link:
            self.link_text.append(data)


_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y")


def _date_of(text: str) -> str:
    words = text.split(" at ", 1)[0].strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(words, pattern).date().isoformat()
        except ValueError:
            continue
    return ""


def _handle_of(answer: Mapping[str, Any]) -> str:
    unique = answer.get("author_unique_id")  # TikTok
    if isinstance(unique, str) and unique:
        return f"@{unique}"
    author_url = answer.get("author_url")
    if not isinstance(author_url, str):
        return ""
    last = urlsplit(author_url).path.rstrip("/").rsplit("/", 1)[-1]
    return f"@{last.lstrip('@')}" if last else ""


def _fit(kind: Any, name: str, value: Any, limit: int) -> str:
    """A provider's value checked like a journalist's, cut to the field's limit; "" if bad."""
    if not isinstance(value, str):
        return ""
    try:
        return str(read_value(kind, name, value[:limit]))
    except ValidationFailed:
        return ""


def card_from(answer: Mapping[str, Any]) -> dict[str, str]:
    """The card fields an oEmbed answer gives (JSON already parsed), as plain text."""
    text = _PostText()
    snippet = answer.get("html")
    if isinstance(snippet, str):
        text.feed(snippet[:200_000])
        text.close()
    words = "".join(text.paragraph)
    card = {
        "title": _fit(EmbedTitle, "title", answer.get("title"), EMBED_TITLE_MAX),
        "description": _fit(EmbedDescription, "description", words, EMBED_DESCRIPTION_MAX),
        "author": _fit(EmbedAuthor, "author", answer.get("author_name"), EMBED_AUTHOR_MAX),
        "handle": _fit(EmbedHandle, "handle", _handle_of(answer), EMBED_HANDLE_MAX),
        "date": _fit(PostDate, "date", _date_of("".join(text.link_text)), 40),
    }
    if card["title"] and card["title"] == card["description"]:
        card["title"] = ""  # TikTok repeats the caption as the title
    return card


def fetch_card(post_url: str, provider: str, policy: Policy) -> dict[str, str]:
    """Ask ``provider``'s oEmbed endpoint about ``post_url``; its card fields, or FetchFailed."""
    endpoint = policy.endpoints.get(provider)
    if endpoint is None:
        raise FetchFailed(f"no oEmbed endpoint is set for {PROVIDER_NAMES.get(provider, provider)}")
    query = urlencode({"url": post_url, "format": "json", "omit_script": "1", "dnt": "1"})
    answer = _get(f"{endpoint}{'&' if '?' in endpoint else '?'}{query}", policy)
    try:
        parsed = json.loads(answer)
    except (ValueError, UnicodeDecodeError):
        raise FetchFailed(f"{urlsplit(endpoint).hostname} did not answer with JSON") from None
    if not isinstance(parsed, dict):
        raise FetchFailed(f"{urlsplit(endpoint).hostname} did not answer with a JSON object")
    return card_from(parsed)


def _is_blank(embed: Mapping[str, str]) -> bool:
    return not any(embed.get(name) for name in ("author", "handle", "description"))


@dataclass
class Filled:
    """What fetching gave: card fields by post URL, and a warning for each failure."""

    cards: dict[str, dict[str, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def fill(embeds: Iterable[Mapping[str, str]], policy: Policy | None) -> Filled:
    """Fetch the card of every embed from a provider with an endpoint whose card is empty."""
    filled = Filled()
    if policy is None:
        return filled
    for index, embed in enumerate(embeds):
        provider, url = embed.get("provider", ""), embed.get("url", "")
        if provider not in policy.endpoints or not _is_blank(embed) or url in filled.cards:
            continue
        try:
            card = fetch_card(url, provider, policy)
        except FetchFailed as failure:
            filled.warnings.append(
                f"embeds[{index}]: could not fill the card from "
                f"{PROVIDER_NAMES.get(provider, provider)} ({failure}); kept the fields as sent"
            )
            continue
        filled.cards[url] = {name: card.get(name, "") for name in CARD_FIELDS}
    return filled


def fill_entry_fields(fields: EntryFields, current: list[dict[str, str]]) -> list[str]:
    """Before a write: fetch the cards of the embeds it sends (if the operator allows) and
    hand them to ``fields``, which fill only empty card fields; the warnings to show."""
    policy = policy_from_settings()
    if policy is None:
        return []
    try:
        planned = fields.embed_list(current)
    except ValidationFailed:
        return []  # the write itself refuses it, with the reason
    if not planned:
        return []
    filled = fill(planned, policy)
    fields.with_provider_cards(filled.cards)
    return filled.warnings
