"""The load side of the CDN benchmark: readers without EventSource, polling the changes feed.

Each reader opens the live page once, then asks ``/live/<slug>/changes?since=<its seq>`` every
``poll_seconds`` (its first poll at a random moment within the first period, so readers are
spread over the second as real ones are), again at once when the answer says ``more``, over
one kept-alive HTTP/1.1 connection (a new one after an error). It records when it first saw
each seq. Talks to the parent over a Pipe like the soak's load processes: ``("ready", …)``,
then on ``("stop", …)`` it stops polling and on ``("verify", …)`` sends ``("result", …)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from loadclient import prepare_load_process


@dataclass(frozen=True)
class PollSpec:
    host: str
    port: int
    slug: str
    since: int
    readers: int
    poll_seconds: float
    max_seconds: float
    seed: int


@dataclass
class PollReader:
    since: int
    seen: dict[int, int] = field(default_factory=dict)  # seq -> time_ns first seen
    requests: int = 0


@dataclass
class PollState:
    spec: PollSpec
    readers: list[PollReader]
    stopping: bool = False
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    page_statuses: Counter[int] = field(default_factory=Counter)


class Connection11:
    """One kept-alive HTTP/1.1 connection; reads Content-Length or chunked bodies."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        try:
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                "Accept-Encoding: identity\r\n\r\n".encode("latin-1")
            )
            status = int((await reader.readline()).split()[1])
            length, chunked, close = None, False, False
            while line := (await reader.readline()).strip():
                name, _, value = line.decode("latin-1").partition(":")
                name, value = name.strip().lower(), value.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "transfer-encoding" and "chunked" in value:
                    chunked = True
                elif name == "connection" and value == "close":
                    close = True
            if chunked:
                body = b""
                while size := int((await reader.readline()).split(b";")[0], 16):
                    body += (await reader.readexactly(size + 2))[:-2]
                await reader.readline()
            else:
                body = await reader.readexactly(length or 0)
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            self.close()
            raise
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].transport.abort()
            self.streams = None


async def _poll(reader: PollReader, state: PollState, rng: random.Random) -> None:
    spec = state.spec
    conn = Connection11(spec.host, spec.port)
    try:
        with contextlib.suppress(OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            status, _ = await conn.get(f"/live/{spec.slug}")
            state.page_statuses[status] += 1
        await asyncio.sleep(rng.uniform(0, spec.poll_seconds))
        while not state.stopping:
            started = time.monotonic()
            try:
                status, body = await conn.get(f"/live/{spec.slug}/changes?since={reader.since}")
            except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
                state.errors[type(exc).__name__] += 1
                await asyncio.sleep(spec.poll_seconds)
                continue
            reader.requests += 1
            state.statuses[status] += 1
            more = False
            if status == 200:
                now = time.time_ns()
                answer = json.loads(body)
                for change in answer["changes"]:
                    reader.seen.setdefault(int(change["seq"]), now)
                reader.since = max(reader.since, int(answer["seq"]))
                more = bool(answer.get("more"))
            if not more:
                await asyncio.sleep(max(0.0, spec.poll_seconds - (time.monotonic() - started)))
    finally:
        conn.close()


def verify(state: PollState, required: list[int], live_ns: dict[int, int]) -> dict[str, Any]:
    """Lost seqs, and each (reader, seq)'s lag behind the live stream (``live_ns``)."""
    lost = 0
    lag = array("q")
    for reader in state.readers:
        for seq in required:
            seen = reader.seen.get(seq)
            if seen is None:
                lost += 1
            elif seq in live_ns:
                lag.append(seen - live_ns[seq])
    return {
        "readers": len(state.readers),
        "lost": lost,
        "lag_ns": lag.tobytes(),
        "requests": sum(r.requests for r in state.readers),
        "statuses": dict(state.statuses),
        "page_statuses": dict(state.page_statuses),
        "errors": dict(state.errors.most_common(6)),
    }


async def _run(spec: PollSpec, conn: Connection) -> None:
    loop = asyncio.get_running_loop()
    state = PollState(spec, [PollReader(spec.since) for _ in range(spec.readers)])
    inbox: asyncio.Queue[Any] = asyncio.Queue()

    def on_parent_message() -> None:
        try:
            inbox.put_nowait(conn.recv())
        except (EOFError, OSError):
            loop.remove_reader(conn.fileno())
            inbox.put_nowait(None)

    loop.add_reader(conn.fileno(), on_parent_message)
    import os

    os.set_blocking(conn.fileno(), True)
    rng = random.Random(spec.seed)  # noqa: S311 - spreading polls, not a secret
    tasks = [asyncio.create_task(_poll(r, state, rng)) for r in state.readers]
    conn.send(("ready", {"readers": spec.readers}))
    try:
        deadline = loop.time() + spec.max_seconds
        while True:
            try:
                message = await asyncio.wait_for(inbox.get(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                return
            if message is None:
                return
            if message[0] == "stop":
                state.stopping = True
                await asyncio.gather(*tasks, return_exceptions=True)
                conn.send(("stopped", None))
            elif message[0] == "verify":
                conn.send(("result", verify(state, message[1], message[2])))
                return
    finally:
        state.stopping = True
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def run_poll_process(spec: PollSpec, conn: Connection) -> None:
    loop_factory = prepare_load_process()
    try:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            runner.run(_run(spec, conn))
    finally:
        conn.close()
