"""The HTTP protocol `bulletin serve` runs: uvicorn's httptools, with a deadline for the head.

uvicorn closes a kept-alive connection that stays silent, but not one that sends part of a
request and then stalls or trickles: any byte cancels its idle timer, and none is armed before
the first request. A review held such connections for 40 s and more, each costing a socket and
a parser. Here a connection must send a whole request line and headers within
``BULLETIN_HEADER_TIMEOUT_SECONDS`` of connecting, or of the first byte of its next request;
then it is closed without an answer (as nginx's ``client_header_timeout`` does). Once the head
is in, the application decides how long the request may take (a live stream lasts hours).
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from bulletin import config


class HeaderTimeoutProtocol(HttpToolsProtocol):
    _head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        # The next request on a kept-alive connection: its head has a deadline too. A deadline
        # already running (from connecting) is kept: trickling must not extend it.
        if self._head_deadline is None:
            self._arm_head_deadline()

    def on_headers_complete(self) -> None:
        self._disarm_head_deadline()
        super().on_headers_complete()

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
