"""The per-process hub: one channel per blog with local readers, changes written to all of them.

Each change is encoded to SSE bytes and chunk-framed once, and written to every live reader of
its blog from the broker callback: no queue and no task wake-up per reader. The write loop runs
in turns of ``BROADCAST_SLICE`` readers, one turn per pass of the event loop, so the publish
request that made the change is answered (and other connections are served) while thousands
of readers are written to; a change that arrives meanwhile joins the pass in seq order. A reader
whose socket cannot take the bytes at once (the server paused writing because its buffer is
over the high-water mark) is cut off; its EventSource reconnects and resumes from its last
event id.

A reader is written to by one of three means, fastest first: a :class:`Stream` (the lean
stream protocol of ``bulletin serve``, :mod:`bulletin.realtime.leanstream`), uvicorn's
httptools transport, or the portable ASGI ``send()`` of any other server.

Changes are applied strictly in seq order. A notification that skips a seq, or carries no
payload, makes the channel backfill from the change log, so a broker that drops or repeats
messages costs latency, never a change.

The ring of recent events holds the present, like the change log it mirrors: applying a change
drops the earlier event of the same subject (an entry, or the blog's header), so a reader
catching up from the ring never gets deleted or corrected-away words.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bulletin.blogs.events import ChangeEvent
from bulletin.realtime import protocol, store
from bulletin.realtime.store import BlogState

logger = logging.getLogger("bulletin.realtime")

Send = Callable[[dict[str, Any]], Awaitable[None]]

RING_SIZE = 512  # recent public events per blog kept for readers that reconnect
MAX_CATCHUP = 2000  # further behind than this, a reader is told to reload instead
BACKFILL_PAGE = 1000
KEEPALIVE_SECONDS = 15.0
RESYNC_SECONDS = 5.0
# Readers written per turn of the event loop: ~10-20 ms of socket writes here, short enough for
# the publish request's answer and new connections to get through between turns.
BROADCAST_SLICE = 2000


class Stream(Protocol):
    """A reader's connection that the hub writes pre-framed chunks to directly."""

    def write(self, framed: bytes) -> bool:
        """Write one HTTP chunk now; False when the reader was too slow and is cut off."""

    def finish(self, reason: str) -> None:
        """End the response (the last chunk) and close; ``slow``: just drop the connection."""


def _direct_cycle(send: Send) -> Any:
    """The uvicorn (httptools) response cycle behind ``send``, when we may write to it directly.

    Writing pre-framed chunks to the transport costs one call per reader instead of a
    coroutine, a message dict and a join. It relies on uvicorn's httptools cycle (its
    ``transport``, ``flow``, ``chunked_encoding`` and ``disconnected``); any other server gets the
    portable path through ``send``.
    """
    cycle = getattr(send, "__self__", None)
    if (
        type(cycle).__module__ == "uvicorn.protocols.http.httptools_impl"
        and getattr(cycle, "chunked_encoding", None) is True
        and hasattr(cycle, "transport")
    ):
        return cycle
    return None


def chunk(data: bytes) -> bytes:
    """``data`` framed as one HTTP/1.1 chunk, done once per event for every reader."""
    return b"%x\r\n%b\r\n" % (len(data), data)


class Reader:
    """One open stream. ``last_seq`` is the last event it was sent."""

    __slots__ = ("cycle", "last_seq", "live", "reason", "send", "stream", "task")

    def __init__(
        self, send: Send, task: asyncio.Task[Any] | None, since: int, stream: Stream | None = None
    ) -> None:
        self.send = send
        self.stream = stream
        self.cycle = None if stream is not None else _direct_cycle(send)
        self.task = task
        self.last_seq = since
        self.live = False
        self.reason = ""

    def go_lean(self) -> None:
        """Drop what only the catch-up needed: a lean stream keeps no send() and no task."""
        if self.stream is not None:
            self.send = _no_send
            self.task = None


async def _no_send(_message: dict[str, Any]) -> None:
    raise RuntimeError("a lean stream is written to through its Stream")


# (seq, subject, encoded event) of one public change kept in a channel's ring.
RingEvent = tuple[int, str | None, bytes]


@dataclass(eq=False)
class Channel:
    """A blog this process has readers for. The ring holds every current (not superseded)
    public event in (floor, last]."""

    state: BlogState
    last_seq: int = -1
    floor: int = 0
    ring: deque[RingEvent] = field(default_factory=deque)
    readers: set[Reader] = field(default_factory=set)
    wanted: int = 0
    syncing: bool = True
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    # The write pass in progress: events not yet written to every reader it covers (seq,
    # data, chunk), the readers it covers, how far it got, the top seq when it began.
    outbox: list[tuple[int, bytes, bytes]] = field(default_factory=list)
    pass_readers: tuple[Reader, ...] = ()
    pass_index: int = 0
    pass_upto: int = 0
    pass_seconds: float = 0.0
    closing: str = ""  # close every reader once the pass is written ("coverage ended")


@dataclass
class HubStats:
    delivered_events: int = 0
    slow_readers_dropped: int = 0
    backfills: int = 0
    # Time spent writing one event to every reader of its blog (the per-change cost).
    last_broadcast_seconds: float = 0.0
    max_broadcast_seconds: float = 0.0


class HubObserver:
    """Told what the hub does, for metrics: once per broadcast, never once per reader.

    This one ignores everything; :class:`bulletin.realtime.hub_metrics.HubMetrics` reports to
    Prometheus.
    """

    def broadcast(self, seconds: float) -> None:
        """One change was written to every reader of its blog in ``seconds``."""

    def slow_reader_dropped(self) -> None:
        """A reader was cut off because its socket was full."""

    def backfill(self) -> None:
        """A channel reads missing changes from the change log."""

    def readers(self, slug: str, count: int) -> None:
        """The blog called ``slug`` has ``count`` open streams in this process now."""


class Hub:
    def __init__(
        self,
        *,
        ring_size: int = RING_SIZE,
        max_catchup: int = MAX_CATCHUP,
        keepalive_seconds: float = KEEPALIVE_SECONDS,
        resync_seconds: float = RESYNC_SECONDS,
        on_change: Callable[[ChangeEvent], None] | None = None,
        on_notify: Callable[[int], None] | None = None,
        observer: HubObserver | None = None,
        broadcast_slice: int = BROADCAST_SLICE,
    ) -> None:
        self.broadcast_slice = broadcast_slice
        # Told of every public change applied here (the edge drops what it cached).
        self.on_change = on_change
        # Told the blog id of every change this process hears of, whether or not it has
        # readers for the blog: rendered pages must look again at once (a takedown).
        self.on_notify = on_notify
        self.ring_size = ring_size
        self.max_catchup = max_catchup
        self.keepalive_seconds = keepalive_seconds
        self.resync_seconds = resync_seconds
        self.channels: dict[int, Channel] = {}
        self.stats = HubStats()
        self.observer = observer or HubObserver()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        # Desk streams waiting for the next change of a blog (see wait_for_change).
        self._watchers: dict[int, set[asyncio.Future[None]]] = {}
        # The highest seq heard of per blog (one int per blog), so that a desk stream can tell
        # a change it has not read yet from one it has (see heard_of).
        self._heard: dict[int, int] = {}

    # --- life cycle ------------------------------------------------------------------

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._spawn(self._every(self.keepalive_seconds, self._keepalive))
        self._spawn(self._every(self.resync_seconds, self.resync))

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for channel in list(self.channels.values()):
            self._close_all(channel, "shutdown")
        self.channels.clear()

    def _spawn(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _every(self, seconds: float, action: Callable[[], Any]) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                result = action()
                if asyncio.iscoroutine(result):
                    await result
            except Exception:
                logger.exception("periodic hub task failed; trying again later")

    # --- changes coming in -------------------------------------------------------------

    def notify_threadsafe(self, blog_id: int, seq: int, event: ChangeEvent | None) -> None:
        """Hand a change to the hub from any thread (the service layer's after-commit hook)."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.notify, blog_id, seq, event)

    def notify(self, blog_id: int, seq: int, event: ChangeEvent | None = None) -> None:
        """A change with this seq exists; deliver it now, or backfill what is missing."""
        if seq > self._heard.get(blog_id, 0):
            self._heard[blog_id] = seq
        if blog_id in self._watchers:
            self._wake_watchers(blog_id)
        channel = self.channels.get(blog_id)
        if self.on_notify is not None and (channel is None or seq > channel.last_seq):
            self.on_notify(blog_id)
        if channel is None or seq <= channel.last_seq:
            return  # nobody reads this blog here, or it was delivered already
        if channel.syncing or event is None or seq != channel.last_seq + 1:
            channel.wanted = max(channel.wanted, seq)
            self._backfill_soon(channel)
            return
        self._apply(channel, event)

    async def wait_for_change(self, blog_id: int, timeout: float) -> bool:
        """Wait until any change of the blog (public or desk-only) reaches this process.

        For the few desk streams, which read the change log themselves: True when woken by a
        change, False when ``timeout`` passed first.
        """
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._watchers.setdefault(blog_id, set()).add(waiter)
        try:
            await asyncio.wait_for(waiter, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            waiting = self._watchers.get(blog_id)
            if waiting is not None:
                waiting.discard(waiter)
                if not waiting:
                    del self._watchers[blog_id]

    def heard_of(self, blog_id: int) -> int:
        """The highest seq of the blog this process has heard of (0: none since start)."""
        return self._heard.get(blog_id, 0)

    def _wake_watchers(self, blog_id: int) -> None:
        for waiter in self._watchers.pop(blog_id, ()):
            if not waiter.done():
                waiter.set_result(None)

    def _apply(self, channel: Channel, event: ChangeEvent) -> None:
        channel.last_seq = event.seq
        if not event.public or event.kind not in protocol.PUBLIC_KINDS:
            return
        data = protocol.event_bytes(event)
        subject = event.subject
        if subject is not None and any(kept[1] == subject for kept in channel.ring):
            channel.ring = deque(kept for kept in channel.ring if kept[1] != subject)
        channel.ring.append((event.seq, subject, data))
        while len(channel.ring) > self.ring_size:
            channel.floor = channel.ring.popleft()[0]
        self.stats.delivered_events += 1
        if self.on_change is not None:
            self.on_change(event)
        if event.kind == "end":
            channel.closing = "coverage ended"
        self._broadcast(channel, data, event.seq)

    def _backfill_soon(self, channel: Channel) -> None:
        if not channel.syncing:
            channel.syncing = True
            self._spawn(self._backfill(channel))

    async def _backfill(self, channel: Channel) -> None:
        self.stats.backfills += 1
        self.observer.backfill()
        try:
            while channel.wanted > channel.last_seq:
                target = channel.wanted
                events = await store.public_changes(
                    channel.state.id, channel.state.slug, channel.last_seq, target, BACKFILL_PAGE
                )
                for event in events:
                    if event.seq > channel.last_seq:
                        self._apply(channel, event)
                if len(events) < BACKFILL_PAGE:
                    # Desk-only changes up to the target are not in the public log: skip them.
                    channel.last_seq = max(channel.last_seq, target)
        except Exception:
            logger.exception(
                "backfilling blog %s failed; the next resync retries", channel.state.slug
            )
        finally:
            channel.syncing = False
            if not channel.readers and self.channels.get(channel.state.id) is channel:
                del self.channels[channel.state.id]  # everyone left while we were reading

    async def resync(self) -> None:
        """Catch up every channel with the database: the safety net under every broker."""
        if not self.channels:
            return
        latest = await store.latest_seqs(list(self.channels))
        for blog_id, seq in latest.items():
            self.notify(blog_id, seq, None)

    # --- writing to readers ----------------------------------------------------------

    def _broadcast(self, channel: Channel, data: bytes, seq: int) -> None:
        """Queue one event for every reader of the channel; the first turn is written now."""
        channel.outbox.append((seq, data, chunk(data)))
        if len(channel.outbox) == 1:  # no pass in progress: begin one
            self._begin_pass(channel)
            self._write_turn(channel)

    def _begin_pass(self, channel: Channel) -> None:
        channel.pass_readers = tuple(channel.readers)
        channel.pass_index = 0
        channel.pass_upto = channel.outbox[-1][0]
        channel.pass_seconds = 0.0

    def _write_turn(self, channel: Channel) -> None:
        """Write the outbox to the next slice of the pass's readers; schedule the rest."""
        started = time.perf_counter()
        outbox = channel.outbox
        if not outbox:
            return  # the hub stopped, or the channel was dropped meanwhile
        first, top = outbox[0][0], outbox[-1][0]
        every = outbox[0][2] if len(outbox) == 1 else chunk(b"".join(e[1] for e in outbox))
        readers = channel.pass_readers
        index = channel.pass_index
        stop = min(len(readers), index + self.broadcast_slice)
        write = self._write
        for position in range(index, stop):
            reader = readers[position]
            # A reader that arrived with a later seq than this hub had skips what it has.
            last = reader.last_seq
            if reader.live and last < top:
                reader.last_seq = top
                if last < first:
                    write(channel, reader, every)
                else:  # it had part of the outbox already (it attached during this pass)
                    write(channel, reader, chunk(b"".join(e[1] for e in outbox if e[0] > last)))
        channel.pass_index = stop
        channel.pass_seconds += time.perf_counter() - started
        if stop < len(readers):
            (self.loop or asyncio.get_running_loop()).call_soon(self._write_turn, channel)
            return
        self._end_pass(channel, len(readers))

    def _end_pass(self, channel: Channel, written: int) -> None:
        took = channel.pass_seconds
        self.stats.last_broadcast_seconds = took
        self.stats.max_broadcast_seconds = max(self.stats.max_broadcast_seconds, took)
        self.observer.broadcast(took)
        logger.debug(
            "seq %s of %s written to %d readers in %.1f ms",
            channel.pass_upto,
            channel.state.slug,
            written,
            took * 1000,
        )
        # Readers the pass went by before later events arrived still need those.
        later = [event for event in channel.outbox if event[0] > channel.pass_upto]
        channel.outbox = later
        channel.pass_readers = ()
        self._count(channel)  # slow readers may have been cut off
        if later:
            self._begin_pass(channel)
            (self.loop or asyncio.get_running_loop()).call_soon(self._write_turn, channel)
        elif channel.closing:
            self._close_all(channel, channel.closing)

    def _write(self, channel: Channel, reader: Reader, framed: bytes) -> None:
        stream = reader.stream
        if stream is not None:
            if not stream.write(framed):
                self._drop_slow(channel, reader)
            return
        cycle = reader.cycle
        if cycle is not None:
            if cycle.disconnected or cycle.response_complete:
                return  # its task notices the disconnect and detaches
            # uvicorn pauses writing once the transport holds more than its high-water mark.
            if cycle.flow.write_paused:
                self._drop_slow(channel, reader)
                cycle.transport.abort()  # the server sees the disconnect and ends the request
                return
            cycle.transport.write(framed)
            return
        # Portable path: drive the server's send() by hand. When the socket can take the
        # bytes it finishes without suspending. If it would wait for the socket to drain,
        # this reader is too slow, and waiting for it would hold back everyone else: cut it
        # off instead.
        sending = reader.send(_body(_unchunk(framed)))
        try:
            sending.send(None)  # type: ignore[attr-defined]
        except StopIteration:
            return
        except Exception:
            logger.debug("writing to a reader failed", exc_info=True)
        sending.close()  # type: ignore[attr-defined]
        self._drop_slow(channel, reader)
        self._close(channel, reader, "slow")

    def _drop_slow(self, channel: Channel, reader: Reader) -> None:
        self.stats.slow_readers_dropped += 1
        self.observer.slow_reader_dropped()
        reader.live = False
        reader.reason = "slow"
        channel.readers.discard(reader)

    def _keepalive(self) -> None:
        framed = chunk(protocol.KEEPALIVE)
        for channel in list(self.channels.values()):
            readers = tuple(channel.readers)
            for reader in readers:
                if reader.live:
                    self._write(channel, reader, framed)
            if len(channel.readers) != len(readers):
                self._count(channel)

    def _close(self, channel: Channel, reader: Reader, reason: str) -> None:
        reader.live = False
        reader.reason = reason
        channel.readers.discard(reader)
        if reader.stream is not None and reader.task is None:
            reader.stream.finish(reason)  # a lean stream: no task to cancel, end it here
        elif reader.task is not None and not reader.task.done():
            reader.task.cancel()

    def _close_all(self, channel: Channel, reason: str) -> None:
        for reader in tuple(channel.readers):
            self._close(channel, reader, reason)
        self._count(channel)

    def _count(self, channel: Channel) -> None:
        self.observer.readers(channel.state.slug, len(channel.readers))

    # --- readers arriving and leaving ----------------------------------------------------

    async def _channel(self, state: BlogState) -> Channel:
        channel = self.channels.get(state.id)
        if channel is not None:
            await channel.ready.wait()
            return channel
        # Registered before the first await, so changes that commit meanwhile are noticed.
        channel = Channel(state=state)
        self.channels[state.id] = channel
        try:
            current = await store.blog_state(state.slug)
            seq = current.seq if current else state.seq
            recent = await store.public_changes(
                state.id, state.slug, max(0, seq - self.ring_size), seq, self.ring_size
            )
            channel.floor = max(0, seq - self.ring_size)
            channel.ring.extend(
                (event.seq, event.subject, protocol.event_bytes(event)) for event in recent
            )
            channel.last_seq = seq
        except BaseException:
            del self.channels[state.id]
            channel.ready.set()
            raise
        channel.syncing = False
        channel.ready.set()
        if channel.wanted > channel.last_seq:
            self._backfill_soon(channel)
        return channel

    async def attach(
        self, state: BlogState, since: int | None, send: Send, stream: Stream | None = None
    ) -> Reader | None:
        """Send the reader every public change after ``since``, then keep it live.

        ``since=None`` starts from now. Returns None when the reader was told to reload
        instead (``reset``). With a ``stream``, live events are written to it directly
        (the caller then calls :meth:`Reader.go_lean`); catching up goes through ``send``.
        """
        channel = await self._channel(state)
        if since is None:
            since = channel.last_seq
        reader = Reader(send, asyncio.current_task(), since, stream)
        channel.readers.add(reader)
        self._count(channel)
        try:
            if since > channel.last_seq and not await self._behind_the_database(channel, since):
                await send(_body(protocol.reset_bytes(channel.last_seq, "ahead of the server")))
                self.detach(reader, state.id)
                return None
            if channel.last_seq - since > self.max_catchup:
                await send(_body(protocol.reset_bytes(channel.last_seq, "too far behind")))
                self.detach(reader, state.id)
                return None
            while reader.last_seq < channel.last_seq:
                upto = channel.last_seq
                if reader.last_seq >= channel.floor:
                    chunk = b"".join(
                        data for seq, _subject, data in channel.ring if seq > reader.last_seq
                    )
                else:
                    events = await store.public_changes(
                        state.id, state.slug, reader.last_seq, upto, BACKFILL_PAGE
                    )
                    if len(events) == BACKFILL_PAGE:
                        upto = events[-1].seq
                    chunk = b"".join(protocol.event_bytes(event) for event in events)
                if chunk:
                    await send(_body(chunk))
                reader.last_seq = upto
            reader.live = True  # no await since the last check: nothing can slip between
        except BaseException:
            self.detach(reader, state.id)
            raise
        return reader

    async def _behind_the_database(self, channel: Channel, since: int) -> bool:
        """Whether a reader's ``since`` beyond this hub is only this hub lagging behind.

        The page a reader loaded may come from the database (or another worker) a moment
        before this process hears of the change through its broker. Such a reader waits for
        the hub, which catches up from the change log now; only a seq the database has not
        reached either (a restore went back in time) means the page itself is wrong.
        """
        current = await store.blog_state(channel.state.slug)
        if current is None or since > current.seq:
            return False
        self.notify(channel.state.id, current.seq, None)
        return True

    def detach(self, reader: Reader, blog_id: int) -> None:
        reader.live = False
        channel = self.channels.get(blog_id)
        if channel is None:
            return
        if reader in channel.readers:
            channel.readers.discard(reader)
            self._count(channel)
        if not channel.readers and not channel.syncing:
            del self.channels[blog_id]

    def reader_count(self, blog_id: int | None = None) -> int:
        if blog_id is not None:
            channel = self.channels.get(blog_id)
            return len(channel.readers) if channel else 0
        return sum(len(channel.readers) for channel in self.channels.values())


def _body(data: bytes) -> dict[str, Any]:
    return {"type": "http.response.body", "body": data, "more_body": True}


def _unchunk(framed: bytes) -> bytes:
    """The data inside one chunk made by :func:`chunk` (for the rare portable write)."""
    return framed[framed.index(b"\r\n") + 2 : -2]
