"""The load side of the fan-out benchmark: one process holding thousands of SSE readers.

A bare asyncio protocol per reader (uvloop when installed): each reader writes its GET by
hand, checks for ``200`` and ``text/event-stream``, then splits what arrives into events at
their blank lines. When an event carries ``bench-ts:<publish time_ns>`` the reader records
``now - publish``, ``now`` being read as the bytes arrive.

Talks to the parent over a Pipe: it sends ``("ready", summary)`` once every reader has
connected or failed, ``("done", None)`` once every connected reader has seen the expected
number of markers, and ``("result", result)`` after the parent sends ``"finish"`` (or its own
deadline passes).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import resource
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

MARKER = re.compile(rb"bench-ts:(\d+)")
LINE_LIMIT = 1 << 20


@dataclass(frozen=True)
class LoadSpec:
    host: str
    port: int
    path: str
    readers: int
    expected_markers: int
    connect_concurrency: int
    connect_timeout: float
    max_seconds: float


@dataclass
class LoadState:
    spec: LoadSpec
    connected: int = 0
    failed: int = 0
    done: int = 0
    ended: int = 0  # streams that closed or broke before the end
    duplicates: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies: dict[int, list[int]] = field(default_factory=dict)  # marker -> ns per reader
    settled: asyncio.Event = field(default_factory=asyncio.Event)
    all_done: asyncio.Event = field(default_factory=asyncio.Event)

    def settle_one(self) -> None:
        if self.connected + self.failed >= self.spec.readers:
            self.settled.set()


class BadResponse(Exception):
    pass


class SseReader(asyncio.Protocol):
    """One reader as a bare protocol: the arrival time is read first thing in
    ``data_received``, before any parsing.

    The old client woke a task per reader per event (``StreamReader.readline``) and timed the
    event after parsing it: its own time was added to every latency, which shrinks the ratio
    between a fast server and a slower one (docs/benchmarks.md).
    """

    def __init__(self, state: LoadState, request: bytes, opened: asyncio.Future[bool]) -> None:
        self.state = state
        self.request = request
        self.opened = opened
        self.transport: Any = None
        self.head = b""
        self.pending = b""
        self.seen: set[int] = set()
        self.streaming = False

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.time_ns()
        if not self.streaming:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                if len(self.head) > LINE_LIMIT:
                    self._refuse("response head too long")
                return
            head, data = self.head[:end].lower(), self.head[end + 4 :]
            self.head = b""
            if not head.startswith(b"http/1.1 200"):
                self._refuse(f"status {head[:40].decode('latin-1', 'replace').strip()!r}")
                return
            if b"text/event-stream" not in head:
                self._refuse("content-type is not text/event-stream")
                return
            self.streaming = True
            if not self.opened.done():
                self.opened.set_result(True)
        # Chunk-size lines between events are harmless here: events end with a blank line.
        *events, self.pending = (self.pending + data).split(b"\n\n")
        for event in events:
            _on_event(event, now, self.seen, self.state)

    def _refuse(self, why: str) -> None:
        if not self.opened.done():
            self.opened.set_exception(BadResponse(why))
        self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionResetError("closed before answering"))
        elif self.streaming:
            self.state.ended += 1
            self.state.errors["stream ended by server"] += 1


def _on_event(event: bytes, now: int, seen: set[int], state: LoadState) -> None:
    match = MARKER.search(event)  # first one only: a data line may repeat the headline in HTML
    if match is None:
        return
    marker = int(match.group(1))
    if marker in seen:
        state.duplicates += 1
        return
    seen.add(marker)
    state.latencies.setdefault(marker, []).append(now - marker)
    if len(seen) == state.spec.expected_markers:
        state.done += 1
        if state.done >= state.connected and state.settled.is_set():
            state.all_done.set()


async def _one_reader(state: LoadState, gate: asyncio.Semaphore, transports: list[Any]) -> None:
    spec = state.spec
    request = (
        f"GET {spec.path} HTTP/1.1\r\nHost: {spec.host}:{spec.port}\r\n"
        "Accept: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\n"
    ).encode("latin-1")
    loop = asyncio.get_running_loop()
    async with gate:
        opened: asyncio.Future[bool] = loop.create_future()
        try:
            transport, _ = await asyncio.wait_for(
                loop.create_connection(
                    lambda: SseReader(state, request, opened), spec.host, spec.port
                ),
                spec.connect_timeout,
            )
            transports.append(transport)
            await asyncio.wait_for(opened, spec.connect_timeout)
        except (OSError, TimeoutError, BadResponse, ValueError) as exc:
            state.failed += 1
            state.errors[f"connect: {type(exc).__name__}: {exc}"[:120]] += 1
            state.settle_one()
            return
    state.connected += 1
    state.settle_one()


async def _run(spec: LoadSpec, conn: Connection) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    state = LoadState(spec)
    finish = asyncio.Event()

    def on_parent_message() -> None:
        # The parent's only message is "finish"; EOF (the parent died) means the same.
        with contextlib.suppress(EOFError, OSError):
            conn.recv()
        loop.remove_reader(conn.fileno())
        finish.set()

    loop.add_reader(conn.fileno(), on_parent_message)
    deadline = loop.time() + spec.max_seconds
    gate = asyncio.Semaphore(spec.connect_concurrency)
    transports: list[Any] = []
    started = time.monotonic()
    tasks = [asyncio.create_task(_one_reader(state, gate, transports)) for _ in range(spec.readers)]
    if spec.readers == 0:
        state.settled.set()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(state.settled.wait(), max(0.0, deadline - loop.time()))
    connect_seconds = time.monotonic() - started
    conn.send(
        (
            "ready",
            {
                "connected": state.connected,
                "failed": state.failed,
                "connect_seconds": connect_seconds,
            },
        )
    )
    if state.done >= state.connected:
        state.all_done.set()
    done_wait = asyncio.create_task(state.all_done.wait())
    finish_wait = asyncio.create_task(finish.wait())
    await asyncio.wait(
        {done_wait, finish_wait},
        timeout=max(0.0, deadline - loop.time()),
        return_when=asyncio.FIRST_COMPLETED,
    )
    if state.all_done.is_set():
        conn.send(("done", None))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(finish.wait(), max(0.0, deadline - loop.time()))
    loop.remove_reader(conn.fileno())  # no-op when "finish" already removed it
    for task in (*tasks, done_wait, finish_wait):
        task.cancel()
    await asyncio.gather(*tasks, done_wait, finish_wait, return_exceptions=True)
    for transport in transports:
        transport.abort()  # no graceful close: 10,000 of them would take a while
    return {
        "connected": state.connected,
        "failed": state.failed,
        "ended_early": state.ended,
        "duplicates": state.duplicates,
        "errors": dict(state.errors.most_common(10)),
        "latencies": state.latencies,
        "connect_seconds": connect_seconds,
    }


def prepare_load_process() -> Any:
    """Set up a freshly started load process; the event loop factory it should use.

    Ctrl-C reaches the whole process group, and the parent cleans up and kills us, so it is
    ignored here; the open-files limit is raised as far as allowed; uvloop when installed.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run_load_process(spec: LoadSpec, conn: Connection) -> None:
    """Entry point of one load process (started by multiprocessing)."""
    loop_factory = prepare_load_process()
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        result = runner.run(_run(spec, conn))
    conn.send(("result", result))
    conn.close()
