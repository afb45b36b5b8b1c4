"""The hot path: a plain ASGI app in front of Django for live streams and the polling feed.

``GET /live/{slug}/events`` (Server-Sent Events) and ``GET /live/{slug}/changes`` are answered
here without Django's middleware; everything else goes to Django. The ASGI lifespan starts the
hub and the broker of this worker process. See docs/realtime.md for the protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import re
import time
from collections.abc import Awaitable
from typing import Any, cast
from urllib.parse import parse_qs

from asgiref.sync import markcoroutinefunction, sync_to_async
from django.db import close_old_connections

from bulletin import config, hosts, outage, security, surrogate
from bulletin.blogs.events import ChangeEvent
from bulletin.blogs.models import BlogStatus, LiveBlog
from bulletin.blogs.queries import FEED_CACHE_CONTROL, change_feed, etag_matches
from bulletin.error_responses import send_error
from bulletin.errors import NotFound, RateLimited, ValidationFailed
from bulletin.metrics import metrics, worker_exiting
from bulletin.numbers import MAX_ID, describe, whole_number
from bulletin.ratelimit import Clock, Limiter, Rate, address_key, client_address
from bulletin.reader.cache import BlogHead, live_etag, live_page_key, load_head, pages
from bulletin.realtime import leanstream, protocol, runtime, store
from bulletin.realtime.brokers.base import Broker
from bulletin.realtime.hub import Hub, Reader
from bulletin.realtime.hub_metrics import HubMetrics
from bulletin.realtime.operations import PATHS as OPERATIONS_PATHS
from bulletin.realtime.operations import Operations
from bulletin.realtime.store import BlogState
from bulletin.realtime.streamcap import StreamCap

logger = logging.getLogger("bulletin.realtime")

ROUTE = re.compile(r"^/live/([a-z0-9]+(?:-[a-z0-9]+)*)/(events|changes)$")
PAGE_ROUTE = re.compile(r"^/live/([a-z0-9]+(?:-[a-z0-9]+)*)$")
MAX_SEQ = 2**63 - 1
STATE_CACHE_SECONDS = 1.0
GC_GEN0_THRESHOLD = 50_000
STATE_CACHE_SIZE = 10_000
FINISH_SECONDS = 1.0
# A client at its cap of open streams may try again this soon (one of them may have ended).
STREAM_RETRY_SECONDS = 5

Scope = dict[str, Any]
Receive = Any
Send = Any


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _since(scope: Scope) -> int | None:
    """The last seq the reader has: Last-Event-ID (a reconnect) wins over ?since=."""
    raw = _header(scope, b"last-event-id")
    if raw is None:
        values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("since")
        raw = values[0] if values else None
    if raw is None or raw == "":
        return None
    since = whole_number(raw, limit=MAX_SEQ)
    if since is None:
        raise ValidationFailed(
            f"since must be a whole number from 0 to {MAX_SEQ} in ASCII digits, got {describe(raw)}"
        )
    return since


async def _respond(
    send: Send, status: int, body: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers or []})
    await send({"type": "http.response.body", "body": body})


def _bad_host(scope: Scope, send: Send, *, probe: bool = False) -> Awaitable[None] | None:
    """The 400 answer when the Host is not one of ALLOWED_HOSTS (Django's rule; see hosts)."""
    error = hosts.refusal(scope, probe=probe)
    if error is None:
        return None
    return send_error(send, error)


async def _unavailable(send: Send, slug: str, exc: BaseException) -> None:
    """The database is away: 503 + Retry-After (EventSource then polls the changes feed)."""
    outage.log(f"live blog {slug}", exc)
    error = outage.error()
    await send_error(send, error, outage.HEADERS)


class Edge(leanstream.Owner):
    """Routes the realtime paths to the hub, everything else to ``app`` (Django)."""

    def __init__(self, app: Any, *, clock: Clock = time.monotonic) -> None:
        self.app = app
        self.hub: Hub | None = None
        self.broker: Broker | None = None
        self._starting: asyncio.Lock | None = None
        # slug → (state or None, when it expires): readers arrive by the thousand, and a
        # second-old status is good enough to admit them (the hub reads the exact seq).
        self._states: dict[str, tuple[BlogState | None, float]] = {}
        self._head_lookups: dict[str, asyncio.Future[BlogHead | None]] = {}
        # /healthz, /readyz and /metrics (docs/operations.md).
        self.operations = Operations(lambda: self.broker or runtime.broker())
        # Per-process rate limits on opening streams and polling (docs/security.md).
        self._limits = {
            "events": _limiter(config.current.RATE_LIMIT_STREAM, clock),
            "changes": _limiter(config.current.RATE_LIMIT_CHANGES, clock),
        }
        self._trusted_proxies = config.current.TRUSTED_PROXY_COUNT
        # Open live streams per client address in this worker (docs/security.md).
        self._streams = StreamCap(config.current.STREAMS_PER_CLIENT)
        # The security headers Django puts on pages, built once (for http and for https).
        self._security: dict[bool, list[tuple[bytes, bytes]]] = {}

    def _security_headers(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        secure = security.is_secure(
            scope.get("scheme", "http"), lambda name: _header(scope, name.encode())
        )
        headers = self._security.get(secure)
        if headers is None:
            headers = self._security[secure] = security.edge_headers(secure=secure)
        return headers

    def _address(self, scope: Scope) -> str | None:
        """The client's address (ratelimit.client_address), None on a unix socket."""
        client = scope.get("client")
        forwarded = _header(scope, b"x-forwarded-for") if self._trusted_proxies else None
        return client_address(client[0] if client else None, forwarded, self._trusted_proxies)

    async def _too_many_streams(self, send: Send) -> None:
        error = RateLimited.after(
            STREAM_RETRY_SECONDS,
            f"too many open live streams from this address: at most {self._streams.limit}",
        )
        await send_error(send, error)

    def _over_limit(self, scope: Scope, send: Send, what: str) -> Awaitable[None] | None:
        """The 429 answer when this client opened too many streams or polled too often."""
        limiter = self._limits[what]
        if limiter is None:
            return None
        address = self._address(scope)
        if address is None:
            return None  # no address to tell clients apart (a unix socket without a proxy)
        wait = limiter.hit(address_key(address))
        if not wait:
            return None
        kind = "live-stream connections" if what == "events" else "polls of the changes feed"
        error = RateLimited.after(
            wait, f"too many {kind} from this address: {limiter.rate.describe()}"
        )
        return send_error(send, error)

    async def _fresh_head(self, slug: str) -> BlogHead | None:
        # One lookup per blog at a time: the requests that arrive meanwhile wait for it
        # instead of queueing their own (which showed up as the page's slowest answers).
        pending = self._head_lookups.get(slug)
        if pending is None:
            pending = asyncio.ensure_future(_load_head(slug))
            self._head_lookups[slug] = pending
            try:
                return pages().remember(slug, await asyncio.shield(pending))
            finally:
                del self._head_lookups[slug]
        return cast(BlogHead | None, await asyncio.shield(pending))

    def _forget_state(self, event: ChangeEvent) -> None:
        # A change reached this process: rendered pages and admissions must look again.
        self._states.pop(event.slug, None)
        pages().forget(event.slug)

    async def _state(self, slug: str) -> BlogState | None:
        now = time.monotonic()
        cached = self._states.get(slug)
        if cached is not None and cached[1] > now:
            return cached[0]
        state = await store.blog_state(slug)
        if len(self._states) > STATE_CACHE_SIZE:
            self._states.clear()
        self._states[slug] = (state, now + STATE_CACHE_SECONDS)
        return state

    @markcoroutinefunction  # servers must still see an ASGI 3 (async) application
    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # A plain function handing back the handler's coroutine: an open stream then keeps
        # one frame alive instead of two (it adds up over tens of thousands of readers).
        if scope["type"] == "lifespan":
            return self._lifespan(receive, send)
        if scope["type"] == "http" and scope["method"] == "GET":
            if scope["path"] in OPERATIONS_PATHS:
                return _bad_host(scope, send, probe=True) or self.operations(scope, send)
            match = ROUTE.match(scope["path"])
            if match:
                slug, what = match.groups()
                refused = _bad_host(scope, send) or self._over_limit(scope, send, what)
                if refused is not None:
                    return refused
                if what == "events":
                    return self._events(scope, receive, send, slug)
                return self._changes(scope, send, slug)
            page = PAGE_ROUTE.match(scope["path"])
            if page:
                return _bad_host(scope, send) or self._page(scope, receive, send, page.group(1))
        return cast(Awaitable[None], self.app(scope, receive, send))

    # --- life cycle --------------------------------------------------------------------

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.start()
                except Exception as exc:
                    logger.exception("realtime start-up failed")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def start(self) -> None:
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if self.hub is not None:
                return
            hub = Hub(
                keepalive_seconds=config.current.SSE_KEEPALIVE_SECONDS,
                on_change=self._forget_state,
                on_notify=pages().forget_blog,
                observer=HubMetrics(metrics()),
            )
            await hub.start()
            broker = runtime.broker()
            await broker.start(hub)
            self.hub, self.broker = hub, broker
            runtime.set_hub(hub)
            if config.current.LEAN_STREAMS:
                leanstream.set_opener(self.open_lean_stream)
            _tune_garbage_collector()
            logger.info("realtime hub started with the %s broker", broker.name)

    async def stop(self) -> None:
        leanstream.set_opener(None)
        if self.broker is not None:
            await self.broker.stop()
        if self.hub is not None:
            await self.hub.stop()
        self.hub = self.broker = None
        runtime.set_hub(None)
        worker_exiting()

    # --- the live stream -----------------------------------------------------------------

    async def _admit(
        self, scope: Scope, send: Send, slug: str, *, fresh: bool
    ) -> tuple[BlogState, int | None] | None:
        """The blog and the reader's ``since``, or None after answering 400 or 404."""
        try:
            since = _since(scope)
        except ValidationFailed as error:
            await send_error(send, error)
            return None
        try:
            state = await (store.blog_state(slug) if fresh else self._state(slug))
        except outage.DATABASE_ERRORS as exc:
            await _unavailable(send, slug, exc)
            return None
        if state is None or not state.public:
            await send_error(send, NotFound(f"no live blog called {slug!r}"))
            return None
        return state, since

    async def _open(
        self, scope: Scope, send: Send, slug: str
    ) -> tuple[BlogState, int, str | None] | None:
        """Admit a live stream: the blog, the reader's ``since`` and its counted client key;
        None after answering (400, 404, 204 when coverage is over, 429, 503)."""
        admitted = await self._admit(scope, send, slug, fresh=False)
        if admitted is None:
            return None
        state, since = admitted
        if since is None:
            # "From now" means from this request: fix the seq before answering, so that a
            # change committed while the stream opens is not missed.
            try:
                fresh = await store.blog_state(slug)
            except outage.DATABASE_ERRORS as exc:
                await _unavailable(send, slug, exc)
                return None
            state = fresh if fresh is not None else state
            since = state.seq
        if state.status != BlogStatus.LIVE and since >= state.seq:
            await _respond(send, 204)  # coverage is over: EventSource stops reconnecting
            return None
        if self.hub is None:
            await self.start()
        address = self._address(scope)
        client = address_key(address) if address is not None else None
        if client is not None and not self._streams.take(client):
            await self._too_many_streams(send)
            return None
        return state, since, client

    async def _start_stream(
        self, scope: Scope, send: Send, state: BlogState, since: int, stream: Any = None
    ) -> Reader | None:
        """Answer 200, catch the reader up and make it live (None: it was told to reset)."""
        hub = self.hub
        assert hub is not None
        headers = [*protocol.SSE_HEADERS, *self._security_headers(scope)]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": protocol.STREAM_START, "more_body": True})
        metrics().sse_connections.inc()
        return await hub.attach(state, since, send, stream)

    async def _events(self, scope: Scope, receive: Receive, send: Send, slug: str) -> None:
        opened = await self._open(scope, send, slug)
        if opened is None:
            return
        state, since, client = opened
        hub = self.hub
        assert hub is not None
        reader = None
        try:
            reader = await self._start_stream(scope, send, state, since)
            if reader is not None and state.status == BlogStatus.LIVE:
                while (await receive())["type"] != "http.disconnect":
                    pass
                return
        except asyncio.CancelledError:
            # The hub cut this reader off (too slow, coverage ended, or shutting down).
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
            if reader is not None and reader.reason == "slow":
                return  # its socket is full: finishing politely would only wait
        except outage.DATABASE_ERRORS as exc:
            # Catching up needed the change log and the database is away: end the stream;
            # the reader reconnects with Last-Event-ID and loses nothing.
            outage.log(f"live blog {slug} stream", exc)
        finally:
            if client is not None:
                self._streams.give_back(client)
            if reader is not None:
                hub.detach(reader, state.id)
        await _finish(send)

    # --- the lean live stream of `bulletin serve` (bulletin.realtime.leanstream) ----------

    async def open_lean_stream(self, scope: Scope, stream: leanstream.LeanStream) -> None:
        """The same stream as :meth:`_events`, on a connection `bulletin serve` handed over.

        This task ends once the reader is live; then the hub writes to ``stream`` and the
        loss of the connection detaches the reader (:meth:`lean_stream_gone`).
        """
        try:
            await self._lean_stream(scope, stream)
        except Exception:
            # uvicorn would answer 500; here the connection is dropped rather than left open.
            logger.exception("opening a live stream failed")
            stream.finish("slow")

    async def _lean_stream(self, scope: Scope, stream: leanstream.LeanStream) -> None:
        send = stream.send
        match = ROUTE.match(scope["path"])
        assert match is not None  # leanstream.STREAM_PATH only hands over such paths
        slug = match.group(1)
        refused = _bad_host(scope, send) or self._over_limit(scope, send, "events")
        if refused is not None:
            with contextlib.suppress(OSError):
                await refused
            return
        try:
            opened = await self._open(scope, send, slug)
        except OSError:
            return  # the reader left while being answered
        if opened is None:
            return
        state, since, client = opened
        hub = self.hub
        assert hub is not None
        reader = None
        try:
            reader = await self._start_stream(scope, send, state, since, stream)
            if reader is not None and state.status == BlogStatus.LIVE and not stream.ended:
                reader.go_lean()
                stream.hold(self, reader, state.id, client)
                return
        except asyncio.CancelledError:
            pass  # the connection went, or the hub cut the reader off while it caught up
        except OSError:
            pass  # the connection went while the reader caught up
        except outage.DATABASE_ERRORS as exc:
            outage.log(f"live blog {slug} stream", exc)
        if client is not None:
            self._streams.give_back(client)
        if reader is not None:
            hub.detach(reader, state.id)
        stream.finish(reader.reason if reader is not None else "")

    def lean_stream_gone(self, stream: leanstream.LeanStream) -> None:
        if stream.client is not None:
            self._streams.give_back(stream.client)
        if self.hub is not None and stream.reader is not None:
            self.hub.detach(stream.reader, stream.blog_id)
        stream.reader = None

    # --- the reader page, when it is already rendered ----------------------------------

    async def _page(self, scope: Scope, receive: Receive, send: Send, slug: str) -> None:
        """Answer a live page straight from the render-on-write cache; else ask Django."""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        before_values = query.pop("before", [])
        before = before_values[0] if len(before_values) == 1 else None
        anchor = whole_number(before, limit=MAX_ID) if before is not None else None
        # Anything but one well-formed ``before`` goes to Django, which answers or refuses it.
        if not query and len(before_values) <= 1 and (before is None or anchor is not None):
            cache = pages()
            known, head = cache.known_head(slug)
            hit = b"hit"
            if not known:
                try:
                    head = await self._fresh_head(slug)
                except outage.DATABASE_ERRORS as exc:
                    # Readers would rather see the page as it was a moment ago than an error:
                    # serve it if it is here; else Django answers (503 while the database is away).
                    outage.log(f"live page {slug}", exc)
                    head, hit = cache.last_head(slug), b"stale"
            body = head and cache.peek(live_page_key(head.id, head.seq, anchor))
            if head is not None and body:
                etag = live_etag(head.seq, anchor)
                headers = [
                    (b"etag", etag.encode()),
                    (b"x-bulletin-cache", hit),
                    (b"cache-control", FEED_CACHE_CONTROL.encode()),
                    *surrogate.raw_headers(surrogate.keys_for(head.id)),
                    *self._security_headers(scope),
                ]
                if etag_matches(_header(scope, b"if-none-match"), etag):
                    await _respond(send, 304, b"", headers)
                else:
                    await _respond(
                        send, 200, body, [(b"content-type", b"text/html; charset=utf-8"), *headers]
                    )
                return
        await self.app(scope, receive, send)

    # --- the polling feed ----------------------------------------------------------------

    async def _changes(self, scope: Scope, send: Send, slug: str) -> None:
        # Always a fresh seq here: the ETag must name exactly what the feed holds.
        admitted = await self._admit(scope, send, slug, fresh=True)
        if admitted is None:
            return
        state, since = admitted
        etag = f'"{state.seq}"'.encode()
        headers = [
            (b"etag", etag),
            (b"cache-control", FEED_CACHE_CONTROL.encode()),
            *surrogate.raw_headers(surrogate.keys_for(state.id)),
            *self._security_headers(scope),
        ]
        if etag_matches(_header(scope, b"if-none-match"), etag.decode()):
            await _respond(send, 304, b"", headers)
            return
        try:
            feed = await _feed(slug, since or 0)
        except outage.DATABASE_ERRORS as exc:
            await _unavailable(send, slug, exc)
            return
        if feed is None:
            await send_error(send, NotFound(f"no live blog called {slug!r}"))
            return
        body = protocol.dumps(feed).encode()
        await _respond(send, 200, body, [(b"content-type", b"application/json"), *headers])


def _limiter(rate: Rate | None, clock: Clock) -> Limiter | None:
    return Limiter(rate, clock=clock) if rate is not None else None


def _tune_garbage_collector() -> None:
    # Tens of thousands of long-lived streams make every full collection walk them all: those
    # pauses showed up as the slowest deliveries in the fan-out benchmark. Everything loaded
    # at start-up is moved out of the collector's sight, and young collections run less often
    # (reference counting still frees almost everything at once).
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_GEN0_THRESHOLD, 20, 100)


async def _finish(send: Send) -> None:
    with contextlib.suppress(TimeoutError, OSError):
        await asyncio.wait_for(
            send({"type": "http.response.body", "body": b"", "more_body": False}),
            FINISH_SECONDS,
        )


def _feed_sync(slug: str, since: int) -> dict[str, Any] | None:
    close_old_connections()
    blog = LiveBlog.objects.filter(slug=slug).first()
    return change_feed(blog, since) if blog is not None else None


_feed = sync_to_async(_feed_sync, thread_sensitive=False)


def _load_head_sync(slug: str) -> Any:
    close_old_connections()
    return load_head(slug)


_load_head = sync_to_async(_load_head_sync, thread_sensitive=False)
