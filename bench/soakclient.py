"""The load side of the soak benchmark: one process holding many SSE readers for minutes.

Each reader behaves like a browser's EventSource: it streams ``/live/<slug>/events?since=S0``,
remembers the id of the last event it got, and when its stream ends (cut off by the server,
or dropped on purpose by the churn below) it waits and reconnects to the same URL with
``Last-Event-ID``. It records every event it receives: the seq, when, and what it carried
(kind, entry id, revision), so that the parent can check afterwards that every reader got
every change after S0 exactly once, in order, with the right content.

Churn: once publishing starts, ``churn_per_minute`` of the readers (a fraction) are dropped
each minute, spread evenly, and reconnect after a pause like EventSource's ``retry``.

Talks to the parent over a Pipe. Child → parent: ``("ready", summary)`` once every reader has
connected (or given up), ``("drained", summary)`` after a drain, ``("result", result)``.
Parent → child: ``"go"`` (start churning), ``("drain", seq)`` (stop churning, wait until every
reader has ``seq``), ``("verify", …)`` (compare with the change log, send the result). A closed
pipe or the ``max_seconds`` deadline ends the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import re
import time
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from loadclient import prepare_load_process

LINE_LIMIT = 1 << 20
# The top-level fields come first, in this order (bulletin.blogs.events.ChangeEvent.as_dict).
ENTRY_ID = re.compile(rb'data: ?\{"seq":\d+,"kind":"[a-z]+","entry_id":(\d+)')
REVISION = re.compile(rb'"revision":(\d+)')
RETRY_SECONDS = 2.0  # what Bulletin's stream asks EventSource to wait (retry: 2000)
MAX_ATTEMPTS = 20  # failed connects in a row before a reader gives up

# What one event carried: (kind, entry id, revision); deletes have revision 0.
Fingerprint = tuple[str, int, int]


@dataclass(frozen=True)
class SoakSpec:
    host: str
    port: int
    path: str  # with ?since=S0
    since: int
    readers: int
    connect_concurrency: int
    connect_timeout: float
    churn_per_minute: float  # fraction of this process's readers dropped per minute
    pause_seconds: tuple[float, float]  # how long a dropped reader waits before reconnecting
    max_seconds: float
    seed: int


class Reader:
    """One simulated EventSource and everything it received."""

    __slots__ = (
        "attempts",
        "churned",
        "connections",
        "dead",
        "last_id",
        "recv_ns",
        "seqs",
        "writer",
    )

    def __init__(self) -> None:
        self.seqs = array("q")
        self.recv_ns = array("q")
        # (index into seqs where the connection's events start, when its headers came)
        self.connections: list[tuple[int, int]] = []
        self.last_id: int | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.churned = False
        self.dead = False
        self.attempts = 0


@dataclass
class SoakState:
    spec: SoakSpec
    readers: list[Reader] = field(default_factory=list)
    first_connects: int = 0
    connect_failed: int = 0  # readers that never connected
    churned: int = 0  # dropped on purpose
    server_closed: int = 0  # streams that ended without us asking
    reconnects: int = 0
    failed_attempts: int = 0
    resets: int = 0
    unexpected_kinds: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    # seq → what the readers of this process saw for it (normally one fingerprint)
    seen: dict[int, Counter[Fingerprint]] = field(default_factory=dict)
    settled: asyncio.Event = field(default_factory=asyncio.Event)
    churning: bool = False
    stopping: bool = False

    def settle_one(self) -> None:
        if self.first_connects + self.connect_failed >= self.spec.readers:
            self.settled.set()


class BadResponse(Exception):
    pass


class Reset(Exception):
    """The server told the reader to reload (it was too far behind, or ahead)."""


async def _open(
    spec: SoakSpec, last_id: int | None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bool]:
    reader, writer = await asyncio.open_connection(spec.host, spec.port, limit=LINE_LIMIT)
    resume = f"Last-Event-ID: {last_id}\r\n" if last_id is not None else ""
    request = (
        f"GET {spec.path} HTTP/1.1\r\nHost: {spec.host}:{spec.port}\r\n"
        f"Accept: text/event-stream\r\nCache-Control: no-cache\r\n{resume}\r\n"
    )
    writer.write(request.encode("latin-1"))
    try:
        status = await reader.readline()
        if not status.startswith(b"HTTP/1.1 200"):
            raise BadResponse(f"status {status[:40].decode('latin-1', 'replace').strip()!r}")
        chunked = event_stream = False
        for _ in range(100):
            line = (await reader.readline()).strip().lower()
            if not line:
                break
            if line.startswith(b"transfer-encoding:") and b"chunked" in line:
                chunked = True
            elif line.startswith(b"content-type:") and b"text/event-stream" in line:
                event_stream = True
        if not event_stream:
            raise BadResponse("content-type is not text/event-stream")
    except BaseException:
        writer.transport.abort()
        raise
    return reader, writer, chunked


class EventParser:
    """Server-Sent Events lines → (id, kind, first data line) for one connection."""

    __slots__ = ("data", "event_id", "kind", "pending")

    def __init__(self) -> None:
        self.pending = b""
        self.event_id: int | None = None
        self.kind = b"message"
        self.data: bytes | None = None

    def feed(self, chunk: bytes) -> list[tuple[int | None, bytes, bytes]]:
        events = []
        *lines, self.pending = (self.pending + chunk).split(b"\n")
        for raw in lines:
            line = raw.rstrip(b"\r")
            if not line:
                if self.data is not None:
                    events.append((self.event_id, self.kind, self.data))
                self.kind, self.data = b"message", None
            elif line.startswith(b"data:"):
                if self.data is None:
                    self.data = line
            elif line.startswith(b"id:"):
                self.event_id = int(line[3:])
            elif line.startswith(b"event:"):
                self.kind = line[6:].strip()
        return events


def _fingerprint(kind: bytes, data: bytes) -> Fingerprint:
    found = ENTRY_ID.match(data)
    entry_id = int(found.group(1)) if found else 0
    revision = 0
    if kind == b"entry":
        found = REVISION.search(data)
        revision = int(found.group(1)) if found else -1
    return kind.decode("latin-1"), entry_id, revision


def _on_events(
    reader: Reader, events: list[tuple[int | None, bytes, bytes]], now: int, state: SoakState
) -> None:
    """Record what arrived."""
    for event_id, kind, data in events:
        if kind == b"reset":
            state.resets += 1
            raise Reset(data[:200].decode("utf-8", "replace"))
        if event_id is None:
            state.unexpected_kinds[kind.decode("latin-1")] += 1
            continue
        reader.seqs.append(event_id)
        reader.recv_ns.append(now)
        reader.last_id = event_id
        fingerprint = _fingerprint(kind, data)
        seen = state.seen.get(event_id)
        if seen is None:
            seen = state.seen[event_id] = Counter()
        seen[fingerprint] += 1


async def _consume(
    stream: asyncio.StreamReader, chunked: bool, reader: Reader, state: SoakState
) -> None:
    parser = EventParser()
    while True:
        if chunked:
            size_line = await stream.readline()
            if not size_line:
                return
            size = int(size_line.split(b";", 1)[0], 16)
            if size == 0:
                return
            data = (await stream.readexactly(size + 2))[:-2]
        else:
            data = await stream.read(65536)
            if not data:
                return
        _on_events(reader, parser.feed(data), time.time_ns(), state)


async def _reader_life(reader: Reader, state: SoakState, gate: asyncio.Semaphore) -> None:
    spec = state.spec
    rng = random.Random()  # noqa: S311 - pauses, not secrets
    connected_once = False
    while not state.stopping:
        try:
            async with gate:
                stream, writer, chunked = await asyncio.wait_for(
                    _open(spec, reader.last_id), spec.connect_timeout
                )
        except (OSError, TimeoutError, BadResponse, ValueError) as exc:
            state.failed_attempts += 1
            state.errors[f"connect: {type(exc).__name__}: {exc}"[:120]] += 1
            reader.attempts += 1
            if reader.attempts >= MAX_ATTEMPTS:
                reader.dead = True
                if not connected_once:
                    state.connect_failed += 1
                    state.settle_one()
                return
            await asyncio.sleep(RETRY_SECONDS)
            continue
        reader.attempts = 0
        reader.writer = writer
        reader.connections.append((len(reader.seqs), time.time_ns()))
        if connected_once:
            state.reconnects += 1
        else:
            connected_once = True
            state.first_connects += 1
            state.settle_one()
        try:
            await _consume(stream, chunked, reader, state)
        except Reset as exc:
            # A browser would reload the page; this reader cannot stay consistent: it stops.
            state.errors[f"reset: {exc}"[:120]] += 1
            reader.dead = True
            return
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            if not reader.churned:
                state.errors[f"stream: {type(exc).__name__}"] += 1
        finally:
            reader.writer = None
            writer.transport.abort()
        if state.stopping:
            return
        if reader.churned:
            reader.churned = False
            await asyncio.sleep(rng.uniform(*spec.pause_seconds))
        else:
            state.server_closed += 1
            await asyncio.sleep(RETRY_SECONDS)


async def _churn(state: SoakState) -> None:
    """Drop ``churn_per_minute`` of the readers each minute, one at a time, evenly spread."""
    rng = random.Random(state.spec.seed)  # noqa: S311 - a repeatable run
    per_second = state.spec.churn_per_minute * state.spec.readers / 60
    budget = 0.0
    while state.churning:
        await asyncio.sleep(1.0)
        budget += per_second
        while budget >= 1.0 and state.churning:
            budget -= 1.0
            live = [r for r in rng.sample(state.readers, min(20, len(state.readers))) if r.writer]
            if live:
                victim = live[0]
                victim.churned = True
                state.churned += 1
                assert victim.writer is not None
                victim.writer.transport.abort()


async def _drain(state: SoakState, target: int, timeout: float) -> dict[str, Any]:
    state.churning = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        behind = [r for r in state.readers if not r.dead and (r.last_id or 0) < target]
        if not behind:
            break
        await asyncio.sleep(0.2)
    behind = [r for r in state.readers if not r.dead and (r.last_id or 0) < target]
    return {"behind": len(behind), "dead": sum(r.dead for r in state.readers)}


# What checks the readers' record against the change log: the state, then the parent's message.
Verifier = Callable[..., dict[str, Any]]


def verify(
    state: SoakState,
    expected: dict[int, Fingerprint],
    superseded: set[int],
    published_ns: dict[int, int],
    logged_ns: dict[int, int],
    start_ns: int,
) -> dict[str, Any]:
    """Compare what every reader got with the change log; latencies of live deliveries.

    ``expected``: every public seq after ``since`` with what it carries; ``superseded``: those
    of them a later change replaced, which a reader gets only if it was connected when they
    happened (a resume replays the present), so missing one is not a loss. ``published_ns``:
    when the publisher sent the request that made each seq; ``logged_ns``: the time its
    change-log row was written (in the transaction, just before the commit). A delivery counts
    towards latency only if its seq was published after the connection that got it opened:
    events replayed on a reconnect are counted as ``resumed`` instead. Latencies are grouped
    by the minute of the run the change was published in.
    """
    order = sorted(expected)
    expected_set = set(order)
    required = [seq for seq in order if seq not in superseded]
    lost = duplicated = out_of_order = unexpected = resumed = skipped = 0
    readers_with_problems = 0
    max_lost = max_duplicated = 0
    examples: list[str] = []
    minutes: dict[int, array[int]] = {}
    after_log: dict[int, array[int]] = {}
    for index, reader in enumerate(state.readers):
        seqs = reader.seqs
        as_list = seqs.tolist()
        # Superseded while it was away: its resume replayed the present instead (not a loss).
        skipped += len(superseded.intersection(order) - set(as_list))
        if as_list != order and [s for s in as_list if s not in superseded] != required:
            got = set(as_list)
            r_lost = len(set(required) - got)
            r_dup = len(as_list) - len(got)
            r_unexpected = len(got - expected_set)
            r_disorder = sum(1 for a, b in itertools.pairwise(as_list) if b <= a)
            lost += r_lost
            duplicated += r_dup
            unexpected += r_unexpected
            out_of_order += r_disorder
            max_lost = max(max_lost, r_lost)
            max_duplicated = max(max_duplicated, r_dup)
            readers_with_problems += 1
            if len(examples) < 5:
                missing = sorted(set(required) - got)[:5]
                twice = sorted(s for s, n in Counter(as_list).items() if n > 1)[:5]
                examples.append(
                    f"reader {index}: {len(as_list)} events, lost {r_lost} (first {missing}), "
                    f"twice {r_dup} (first {twice}), out of order {r_disorder}, "
                    f"{len(reader.connections)} connection(s), dead={reader.dead}"
                )
        bounds = [start for start, _ in reader.connections[1:]] + [len(seqs)]
        recv = reader.recv_ns
        for (start, opened), end in zip(reader.connections, bounds, strict=True):
            for i in range(start, end):
                published = published_ns.get(seqs[i])
                if published is None:
                    continue
                if published < opened:
                    resumed += 1
                    continue
                minute = (published - start_ns) // 60_000_000_000
                bucket = minutes.get(minute)
                if bucket is None:
                    bucket = minutes[minute] = array("q")
                    after_log[minute] = array("q")
                bucket.append(recv[i] - published)
                after_log[minute].append(recv[i] - logged_ns.get(seqs[i], published))
    wrong_content = 0
    for seq, fingerprints in state.seen.items():
        want = expected.get(seq)
        wrong_content += sum(n for fp, n in fingerprints.items() if fp != want)
    return {
        "readers": len(state.readers),
        "received": sum(len(r.seqs) for r in state.readers),
        "expected": len(order) * len(state.readers),
        "skipped_superseded": skipped,
        "lost": lost,
        "duplicated": duplicated,
        "out_of_order": out_of_order,
        "unexpected": unexpected,
        "wrong_content": wrong_content,
        "max_lost_per_reader": max_lost,
        "max_duplicated_per_reader": max_duplicated,
        "readers_with_problems": readers_with_problems,
        "examples": examples,
        "resumed": resumed,
        "latency_ns": {minute: values.tobytes() for minute, values in minutes.items()},
        "after_log_ns": {minute: values.tobytes() for minute, values in after_log.items()},
        "connections": sum(len(r.connections) for r in state.readers),
        "churned": state.churned,
        "server_closed": state.server_closed,
        "reconnects": state.reconnects,
        "failed_attempts": state.failed_attempts,
        "connect_failed": state.connect_failed,
        "dead": sum(r.dead for r in state.readers),
        "resets": state.resets,
        "unexpected_kinds": dict(state.unexpected_kinds),
        "errors": dict(state.errors.most_common(10)),
    }


async def _run(spec: SoakSpec, conn: Connection, verifier: Verifier) -> None:
    loop = asyncio.get_running_loop()
    state = SoakState(spec)
    state.readers = [Reader() for _ in range(spec.readers)]
    inbox: asyncio.Queue[Any] = asyncio.Queue()

    def on_parent_message() -> None:
        try:
            inbox.put_nowait(conn.recv())
        except (EOFError, OSError):
            loop.remove_reader(conn.fileno())
            inbox.put_nowait(None)  # the parent is gone: stop

    loop.add_reader(conn.fileno(), on_parent_message)
    # uvloop made the pipe non-blocking: a result bigger than the pipe's buffer must wait for
    # the parent, and a large message from it must be read whole.
    os.set_blocking(conn.fileno(), True)
    deadline = loop.time() + spec.max_seconds
    gate = asyncio.Semaphore(spec.connect_concurrency)
    started = time.monotonic()
    tasks = [asyncio.create_task(_reader_life(r, state, gate)) for r in state.readers]
    churn: asyncio.Task[None] | None = None
    if spec.readers == 0:
        state.settled.set()
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(state.settled.wait(), max(0.0, deadline - loop.time()))
        conn.send(
            (
                "ready",
                {
                    "connected": state.first_connects,
                    "failed": state.connect_failed,
                    "connect_seconds": round(time.monotonic() - started, 2),
                },
            )
        )
        while True:
            try:
                message = await asyncio.wait_for(inbox.get(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                return
            if message is None:
                return
            if message == "go":
                state.churning = spec.churn_per_minute > 0
                if state.churning:
                    churn = asyncio.create_task(_churn(state))
            elif message[0] == "drain":
                _, target, timeout = message
                conn.send(("drained", await _drain(state, target, timeout)))
            elif message[0] == "verify":
                state.stopping = True
                result = verifier(state, *message[1:])
                conn.send(("result", result))
                return
    finally:
        state.stopping = True
        state.churning = False
        with contextlib.suppress(ValueError, OSError):
            loop.remove_reader(conn.fileno())
        for task in (*tasks, *([churn] if churn else [])):
            task.cancel()
        for reader in state.readers:
            if reader.writer is not None:
                reader.writer.transport.abort()
        await asyncio.gather(*tasks, *([churn] if churn else []), return_exceptions=True)


def run_soak_process(spec: SoakSpec, conn: Connection, verifier: Verifier = verify) -> None:
    """Entry point of one load process (started by multiprocessing); ``verifier`` gets the
    state and the rest of the parent's ``("verify", ...)`` message (bench/cluster.py checks
    per fault)."""
    loop_factory = prepare_load_process()
    try:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            runner.run(_run(spec, conn, verifier))
    finally:
        conn.close()
