"""What operators and their machines ask a worker: is it alive, is it ready, how is it doing.

``GET /healthz`` answers as long as the process does (no database). ``GET /readyz`` answers
200 when the database and the broker answer, else 503 with ``Retry-After`` and what failed
(in detail to loopback clients and bearers of the metrics token only: a driver's error names
internal hosts and ports; others are told which check failed, not why).
``GET /metrics`` is the Prometheus exposition, for loopback clients and bearers of
``BULLETIN_METRICS_TOKEN`` only. Served by the edge, without Django's middleware: a probe must
work when Django's request path is what is broken. See docs/operations.md.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections, connection

from bulletin import config, metrics, outage
from bulletin.error_responses import send_error
from bulletin.errors import NotFound
from bulletin.ratelimit import client_address
from bulletin.realtime.brokers.base import Broker

PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
CHECK_SECONDS = 1.5
# These brokers travel through the database: they are reachable when it is.
DATABASE_BROKERS = frozenset({"postgres", "dbtail"})
NO_STORE = {"Cache-Control": "no-store"}
_RAW_NO_STORE = (b"cache-control", b"no-store")
JSON = (b"content-type", b"application/json")
FAILED = "not answering (details for loopback clients and the metrics token)"

Scope = dict[str, Any]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def _describe(exc: BaseException) -> str:
    return (str(exc).strip() or type(exc).__name__)[:200]


def _retrieve(future: asyncio.Future[None]) -> None:
    # A check that outlived its probe may still fail: take its exception so that asyncio does
    # not report it as never retrieved.
    if not future.cancelled():
        future.exception()


class Probe:
    """Runs one check at a time, and waits at most ``timeout`` seconds for it.

    A probe that times out leaves its check running, and the next probe waits for that same
    check: a hung dependency ties up one thread or connection, not one per probe.
    """

    def __init__(self, check: Callable[[], Awaitable[None]], timeout: float) -> None:
        self.check = check
        self.timeout = timeout
        self._running: asyncio.Future[None] | None = None

    async def __call__(self) -> str:
        """``ok``, or what went wrong."""
        running = self._running
        if (
            running is None
            or running.done()
            or running.get_loop() is not asyncio.get_running_loop()
        ):
            running = self._running = asyncio.ensure_future(self.check())
            running.add_done_callback(_retrieve)
        try:
            await asyncio.wait_for(asyncio.shield(running), self.timeout)
        except TimeoutError:
            return f"no answer within {self.timeout:g} s"
        except Exception as exc:
            return _describe(exc)
        return "ok"


def _select_one() -> None:
    close_old_connections()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # a probe's connection must not linger in the thread pool


class Operations:
    """Answers /healthz, /readyz and /metrics for one worker process."""

    def __init__(self, broker: Callable[[], Broker], timeout: float = CHECK_SECONDS) -> None:
        self.broker = broker
        self.database = Probe(sync_to_async(_select_one, thread_sensitive=False), timeout)
        self.broker_link = Probe(lambda: self.broker().ping(), timeout)

    async def __call__(self, scope: Scope, send: Send) -> None:
        path = scope["path"]
        if path == "/healthz":
            await _json(send, 200, {"status": "ok"})
        elif path == "/readyz":
            await self._readyz(send, detailed=_operator(scope))
        elif _operator(scope):
            body, content_type = await asyncio.to_thread(metrics.exposition)
            await _respond(
                send, 200, body, [(b"content-type", content_type.encode()), _RAW_NO_STORE]
            )
        else:
            await send_error(send, NotFound(f"no page at {path}"), NO_STORE)

    async def checks(self) -> dict[str, str]:
        """``ok`` or what failed, for the database and the broker."""
        broker = self.broker()
        database, link = await asyncio.gather(self.database(), self.broker_link())
        if broker.name in DATABASE_BROKERS and database != "ok":
            link = "the database is not answering"
        return {"database": database, "broker": "ok" if link == "ok" else f"{broker.name}: {link}"}

    async def _readyz(self, send: Send, *, detailed: bool) -> None:
        checks = await self.checks()
        if all(result == "ok" for result in checks.values()):
            await _json(send, 200, {"status": "ok", "checks": checks})
            return
        if not detailed:
            checks = {name: "ok" if result == "ok" else FAILED for name, result in checks.items()}
        retry = (b"retry-after", str(outage.RETRY_AFTER_SECONDS).encode())
        await _json(send, 503, {"status": "unavailable", "checks": checks}, [retry])


def _operator(scope: Scope) -> bool:
    """Loopback clients, and requests bearing the metrics token: they see metrics and why a
    check failed."""
    token = config.current.METRICS_TOKEN
    if token:
        expected = f"Bearer {token}".encode()
        for name, value in scope["headers"]:
            if name.lower() == b"authorization" and hmac.compare_digest(value, expected):
                return True
    # Behind nginx every request comes from loopback: the client is the one our own proxies
    # name (BULLETIN_TRUSTED_PROXY_COUNT), as for rate limits.
    client = scope.get("client")
    forwarded = None
    for name, value in scope["headers"]:
        if name.lower() == b"x-forwarded-for":
            forwarded = value.decode("latin-1")
    remote = client_address(
        client[0] if client else None, forwarded, config.current.TRUSTED_PROXY_COUNT
    )
    if not remote:
        return False
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


async def _respond(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    length = (b"content-length", str(len(body)).encode())
    await send({"type": "http.response.start", "status": status, "headers": [*headers, length]})
    await send({"type": "http.response.body", "body": body})


async def _json(
    send: Send, status: int, content: Any, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps(content, separators=(",", ":")).encode()
    await _respond(send, status, body, [JSON, _RAW_NO_STORE, *(headers or [])])
