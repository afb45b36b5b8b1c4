"""The lean live stream: what an open SSE reader costs inside `bulletin serve` once it is live.

Under uvicorn every open stream keeps its HTTP protocol object and parser, the request's
scope, its response cycle, an ASGI task and the coroutine frames waiting for the disconnect:
about 10 KB per reader. Here `bulletin serve`'s HTTP protocol (:mod:`bulletin.httpserver`)
recognises ``GET /live/{slug}/events`` as soon as the request head is in and hands the
connection to a :class:`LeanStream`, which keeps only the transport and a few fields. The
edge (:meth:`bulletin.realtime.edge.Edge.open_lean_stream`) admits the reader and catches it up
through :meth:`LeanStream.send` (an ASGI ``send`` for this one response, so every answer,
error and header is the same as on the ASGI path), in a task that ends once the reader is
live; from then on the hub writes pre-framed chunks to :meth:`LeanStream.write`, and the loss
of the connection detaches the reader.

Other ASGI servers (and ``BULLETIN_LEAN_STREAMS=off``) keep the portable path: the edge's
ASGI handler. This module imports nothing from Django: uvicorn loads the HTTP protocol early.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

# The same paths as the edge's ROUTE for "events" (raw bytes, before any %-decoding: a slug
# never needs it, and anything unusual takes the ASGI path, which answers it).
STREAM_PATH = re.compile(rb"^/live/[a-z0-9]+(?:-[a-z0-9]+)*/events$")
LAST_CHUNK = b"0\r\n\r\n"

Opener = Callable[[dict[str, Any], "LeanStream"], Awaitable[None]]
_opener: Opener | None = None


def set_opener(opener: Opener | None) -> None:
    """The edge's handler for lean streams (set once its hub runs); None: use ASGI."""
    global _opener
    _opener = opener


def opener() -> Opener | None:
    return _opener


def is_stream_path(raw_path: bytes) -> bool:
    return STREAM_PATH.match(raw_path) is not None


def _status_line(status: int) -> bytes:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"HTTP/1.1 {status} {phrase}\r\n".encode("latin-1")


class Owner:
    """Told when a live lean stream's connection is gone (the edge: detach, give back)."""

    def lean_stream_gone(self, stream: LeanStream) -> None:
        raise NotImplementedError


class LeanStream(asyncio.Protocol):
    """One live stream's connection. Slots only: tens of thousands of these stay open."""

    __slots__ = (
        "blog_id",
        "chunked",
        "client",
        "defaults",
        "drained",
        "ended",
        "head",
        "owner",
        "paused",
        "reader",
        "task",
        "transport",
    )

    def __init__(self, transport: Any, default_headers: list[tuple[bytes, bytes]]) -> None:
        self.transport = transport
        # Only while the head is being written (uvicorn's date and server headers).
        self.defaults: list[tuple[bytes, bytes]] | None = default_headers
        self.head: tuple[int, list[tuple[bytes, bytes]]] | None = None
        self.chunked = False
        self.paused = False
        self.ended = False  # no more writes: finished, cut off or the connection is gone
        self.drained: asyncio.Future[None] | None = None
        self.task: asyncio.Task[None] | None = None  # admitting and catching up
        # Once live: who to tell when the connection goes, and what to tell them.
        self.owner: Owner | None = None
        self.reader: Any = None
        self.blog_id = 0
        self.client: str | None = None

    # --- asyncio.Protocol --------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        """A stream's request has no body, and nothing may follow it: ignored."""

    def eof_received(self) -> bool:
        return False  # the reader half-closed: close, as uvicorn does

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.ended = True
        self._wake()
        if self.task is not None and not self.task.done():
            self.task.cancel()  # still being admitted or caught up
        owner, self.owner = self.owner, None
        if owner is not None:
            owner.lean_stream_gone(self)

    def _wake(self) -> None:
        drained, self.drained = self.drained, None
        if drained is not None and not drained.done():
            drained.set_result(None)

    # --- the hub's Stream ----------------------------------------------------------------

    def write(self, framed: bytes) -> bool:
        if self.ended:
            return True  # the connection is going; its loss detaches the reader
        if self.paused:
            # Its socket did not take the last writes: waiting would hold back everyone.
            self.ended = True
            self.transport.abort()
            return False
        self.transport.write(framed)
        return True

    def finish(self, reason: str) -> None:
        """End the response politely (the last chunk), or drop a slow reader's connection."""
        if self.ended:
            return
        self.ended = True
        if reason == "slow":
            self.transport.abort()
            return
        self.transport.write(LAST_CHUNK)
        self.transport.close()

    def hold(self, owner: Owner, reader: Any, blog_id: int, client: str | None) -> None:
        """The reader is live: keep what its end needs; the admitting task is over."""
        self.owner, self.reader, self.blog_id, self.client = owner, reader, blog_id, client
        self.task = None
        self.defaults = None

    # --- ASGI send, for admitting and catching up ------------------------------------------

    async def send(self, message: dict[str, Any]) -> None:
        """Write one ASGI response message as HTTP/1.1, as uvicorn would.

        A streamed body is chunked; a whole one gets a Content-Length and the connection
        closes after it (a browser's EventSource opens a new one to reconnect anyway).
        """
        kind = message["type"]
        if kind == "http.response.start":
            self.head = (int(message["status"]), list(message.get("headers", [])))
            return
        if kind != "http.response.body":
            raise RuntimeError(f"expected an http.response message, got {kind!r}")
        body: bytes = message.get("body", b"")
        more = bool(message.get("more_body", False))
        out: list[bytes] = []
        if self.head is not None:
            out.append(self._head_bytes(len(body), more))
        if self.chunked:
            if body:
                out.append(b"%x\r\n%b\r\n" % (len(body), body))
            if not more:
                out.append(LAST_CHUNK)
        else:
            out.append(body)
        if self.ended:
            raise ConnectionResetError("the reader's connection is gone")
        self.transport.write(b"".join(out))
        if not more:
            self.ended = True
            self.transport.close()
            return
        if self.paused:
            # Like uvicorn's send: a big catch-up waits for the reader's socket to drain.
            self.drained = asyncio.get_running_loop().create_future()
            await self.drained
            if self.ended:
                raise ConnectionResetError("the reader's connection is gone")

    def _head_bytes(self, length: int, more: bool) -> bytes:
        assert self.head is not None
        status, headers = self.head
        self.head = None
        lines = [_status_line(status)]
        names = set()
        for name, value in (*(self.defaults or ()), *headers):
            lines.append(b"%b: %b\r\n" % (name, value))
            names.add(name.lower())
        if b"content-length" not in names and status not in (204, 304):
            if more:
                self.chunked = True
                lines.append(b"transfer-encoding: chunked\r\n")
            else:
                lines.append(b"content-length: %d\r\n" % length)
        if not more:
            lines.append(b"connection: close\r\n")
        lines.append(b"\r\n")
        return b"".join(lines)
