"""The HTTP protocol `bulletin serve` runs: uvicorn's httptools, with a deadline for the head.

uvicorn closes a kept-alive connection that stays silent, but not one that sends part of a
request and then stalls or trickles: any byte cancels its idle timer, and none is armed before
the first request. A review held such connections for 40 s and more, each costing a socket and
a parser. Here a connection must send a whole request line and headers within
``BULLETIN_HEADER_TIMEOUT_SECONDS`` of connecting, or of the first byte of its next request;
then it is closed without an answer (as nginx's ``client_header_timeout`` does). Once the head
is in, the application decides how long the request may take (a live stream lasts hours).

A live stream's request (``GET /live/{slug}/events``, the first request of its connection) is
handed, head and all, to a lean protocol that keeps only what an open stream needs
(:mod:`bulletin.realtime.leanstream`); this protocol object and its parser are then freed.
"""

from __future__ import annotations

import asyncio

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from bulletin import config
from bulletin.realtime import leanstream


class HeaderTimeoutProtocol(HttpToolsProtocol):
    _head_deadline: asyncio.TimerHandle | None = None
    _handed_off = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()

    def on_message_begin(self) -> None:
        if self._handed_off:
            return  # bytes pipelined after a stream's request: ignored (see below)
        super().on_message_begin()
        # The next request on a kept-alive connection: its head has a deadline too. A deadline
        # already running (from connecting) is kept: trickling must not extend it.
        if self._head_deadline is None:
            self._arm_head_deadline()

    def on_headers_complete(self) -> None:
        self._disarm_head_deadline()
        if self._handed_off:
            return
        if not self._hand_off_stream():
            super().on_headers_complete()

    def _hand_off_stream(self) -> bool:
        """Give a live stream's connection to a lean protocol; False: serve it here (ASGI)."""
        opener = leanstream.opener()
        if (
            opener is None
            or self.cycle is not None  # a later request on a kept-alive connection
            or self.parser.get_method() != b"GET"
            or self.parser.get_http_version() != "1.1"
            or self.parser.should_upgrade()
        ):
            return False
        url = httptools.parse_url(self.url)
        if not leanstream.is_stream_path(url.path):
            return False
        self.scope["method"] = "GET"
        self.scope["path"] = url.path.decode("ascii")
        self.scope["raw_path"] = url.path
        self.scope["query_string"] = url.query or b""
        stream = leanstream.LeanStream(self.transport, self.server_state.default_headers)
        self._handed_off = True
        self.connections.discard(self)  # the hub ends lean streams on shutdown
        self.transport.set_protocol(stream)
        stream.task = self.loop.create_task(opener(self.scope, stream))
        return True

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._handed_off:
            # Break the parser <-> protocol cycle now that the connection is the lean
            # stream's: this object goes at once instead of at the next full collection.
            self.parser = None  # type: ignore[assignment]
            self.scope = None  # type: ignore[assignment]
            self.headers = None  # type: ignore[assignment]

    # What the parser still finds after a stream's request (in the same read) is ignored,
    # as the lean stream ignores every later byte: a stream is its connection's last request.
    def on_url(self, url: bytes) -> None:
        if not self._handed_off:
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self._handed_off:
            super().on_header(name, value)

    def on_body(self, body: bytes) -> None:
        if not self._handed_off:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._handed_off:
            super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def _arm_head_deadline(self) -> None:
        seconds = config.current.HEADER_TIMEOUT_SECONDS
        if seconds > 0:
            self._head_deadline = self.loop.call_later(seconds, self._head_too_slow)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing():
            self.transport.close()
