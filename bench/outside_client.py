"""An independent check of the fan-out figures: its own SSE reader and its own publisher.

It shares no measuring code with ``bench/loadclient.py`` (only the server set-up of
``bench/targets.py`` and ``bench/bulletin_target.py``). Each reader is a bare
``asyncio.Protocol``: the arrival time is read first thing in ``data_received``, before any
parsing, and events are told apart by their blank-line ends. The publisher writes its HTTP
request on a raw socket, taking the timestamp just before ``sendall``. Targets alternate in one
sitting (``--rounds`` times each), so the machine's load is shared fairly between them.

    .venv/bin/python bench/outside_client.py --readers 10000 --procs 2 --rounds 2 \\
        --targets nchan,bulletin --messages 5 --interval 1.5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing
import os
import re
import resource
import signal
import socket
import sys
import time
from multiprocessing.connection import Connection
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bulletin_target import SLUG, BulletinTarget
from procstats import sample
from targets import HOST, NchanTarget, Target

STAMP = re.compile(rb"oc=(\d{19})")
FILLER = "Outside readers count every update the moment its bytes reach the socket. " * 6


def _payload(stamp: str, size: int) -> str:
    """Text of about ``size`` bytes that carries ``stamp`` once."""
    return f"{stamp} {FILLER}"[: max(size, len(stamp) + 1)]


# --- the reader side (one process holds many readers) ------------------------------------


class Reader(asyncio.Protocol):
    """One SSE reader. Arrivals are only noted (time, bytes) while the run lasts and parsed
    afterwards, so that one reader's parsing never delays the next reader's timestamp."""

    def __init__(self, request: bytes, tally: Tally) -> None:
        self.request = request
        self.tally = tally
        self.arrivals: list[tuple[int, bytes]] = []
        self.transport: Any = None
        self.answered = False

    def connection_made(self, transport: Any) -> None:
        self.transport = transport  # uvloop's transport is no asyncio.Transport subclass
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.arrivals.append((time.time_ns(), data))
        if not self.answered:
            self.answered = True
            if data.startswith(b"HTTP/1.1 200"):
                self.tally.connected += 1
            else:
                self.tally.refused += 1
                self.transport.abort()
            self.tally.check_ready()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.answered:
            self.tally.ended += 1
        else:  # closed before any answer (e.g. the server's header timeout under load)
            self.answered = True
            self.tally.refused += 1
            self.tally.check_ready()

    def settle(self) -> None:
        """Parse what arrived: each event's first stamp, timed by the bytes that ended it."""
        pending = b""
        seen: set[int] = set()
        head = True
        for now, data in self.arrivals:
            text = pending + data
            if head:
                end = text.find(b"\r\n\r\n")
                if end < 0:
                    pending = text
                    continue
                head, text = False, text[end + 4 :]
            *events, pending = text.split(b"\n\n")
            for event in events:
                found = STAMP.search(event)  # the first only: an event may repeat its headline
                if found is None:
                    continue
                stamp = int(found.group(1))
                if stamp in seen:
                    self.tally.duplicates += 1
                    continue
                seen.add(stamp)
                self.tally.samples.setdefault(stamp, []).append(now - stamp)
        self.arrivals = []


class Tally:
    def __init__(self, readers: int) -> None:
        self.readers = readers
        self.connected = 0
        self.refused = 0
        self.duplicates = 0
        self.ended = 0
        self.samples: dict[int, list[int]] = {}
        self.ready = asyncio.Event()

    def check_ready(self) -> None:
        if self.connected + self.refused >= self.readers:
            self.ready.set()


async def _hold(port: int, path: str, readers: int, conn: Connection, limit: float) -> None:
    loop = asyncio.get_running_loop()
    tally = Tally(readers)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()
    transports: list[Any] = []
    protocols: list[Reader] = []
    gate = asyncio.Semaphore(200)

    async def open_one() -> None:
        async with gate:
            try:
                transport, protocol = await asyncio.wait_for(
                    loop.create_connection(lambda: Reader(request, tally), HOST, port), 15
                )
            except (OSError, TimeoutError):
                tally.refused += 1
                tally.check_ready()
                return
            transports.append(transport)
            protocols.append(protocol)

    opening = [asyncio.create_task(open_one()) for _ in range(readers)]
    with contextlib.suppress(TimeoutError):  # measure whoever got in
        await asyncio.wait_for(tally.ready.wait(), limit)
    for task in opening:
        task.cancel()
    await asyncio.gather(*opening, return_exceptions=True)
    conn.send(("ready", tally.connected))
    stop = asyncio.Event()
    loop.add_reader(conn.fileno(), stop.set)  # the parent says "stop" once it is done
    await asyncio.wait_for(stop.wait(), limit)
    loop.remove_reader(conn.fileno())
    os.set_blocking(conn.fileno(), True)  # the loop made it non-blocking; results are big
    conn.recv()
    for transport in transports:
        transport.abort()
    for protocol in protocols:
        protocol.settle()
    conn.send(
        (
            "result",
            {
                "connected": tally.connected,
                "refused": tally.refused,
                "duplicates": tally.duplicates,
                "ended": tally.ended,
                "samples": tally.samples,
            },
        )
    )


def _reader_process(port: int, path: str, readers: int, conn: Connection, limit: float) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 20_000), hard))
    try:
        import uvloop

        factory: Any = uvloop.new_event_loop
    except ImportError:
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(_hold(port, path, readers, conn, limit))


# --- the publisher ------------------------------------------------------------------------


def publish(target: Target, size: int) -> int:
    """Publish one message stamped with the time just before its request is sent."""
    with socket.create_connection((HOST, target.port), timeout=30) as sock:
        stamp = time.time_ns()  # connected already: only building the bytes is left
        text = _payload(f"oc={stamp}", size)
        if isinstance(target, BulletinTarget):
            path = f"/api/v1/blogs/{SLUG}/entries"
            body = json.dumps({"headline": f"oc={stamp}", "body": f"<p>{text}</p>"}).encode()
            extra = f"Authorization: Bearer {target.token}\r\n"
        else:
            path, body, extra = "/pub", json.dumps({"text": text}).encode(), ""
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {HOST}:{target.port}\r\n{extra}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n".encode()
            + body
        )
        answer = b""
        while b"\r\n" not in answer:
            more = sock.recv(4096)
            if not more:
                break
            answer += more
    status = int(answer.split(b" ", 2)[1]) if answer.count(b" ") >= 2 else 0
    if status not in (200, 201, 202):
        raise RuntimeError(f"{target.name}: publish answered {status}: {answer[:200]!r}")
    return stamp


# --- one measurement ----------------------------------------------------------------------


def _percentile(ordered: list[int], q: float) -> float:
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] / 1e6


def measure(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    target.start()
    target.warm_up(2)
    time.sleep(0.5)
    idle = sample(target.pid)
    ctx = multiprocessing.get_context("fork")
    share = [
        args.readers // args.procs + (i < args.readers % args.procs) for i in range(args.procs)
    ]
    limit = 60 + args.readers / 100 + args.messages * args.interval
    pipes, procs = [], []
    for count in share:
        mine, theirs = ctx.Pipe()
        proc = ctx.Process(
            target=_reader_process,
            args=(target.port, target.stream_path, count, theirs, limit),
            daemon=True,
        )
        proc.start()
        pipes.append(mine)
        procs.append(proc)
    try:
        connected = sum(pipe.recv()[1] for pipe in pipes)
        time.sleep(0.5)
        loaded = sample(target.pid)
        load = os.getloadavg()[0]
        stamps = []
        start = time.monotonic()
        for n in range(args.messages):
            time.sleep(max(0.0, start + n * args.interval - time.monotonic()))
            stamps.append(publish(target, args.size))
        time.sleep(args.drain)
        for pipe in pipes:
            pipe.send("stop")
        results = [pipe.recv()[1] for pipe in pipes]
    finally:
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
        target.stop()
    values = sorted(v for r in results for s in stamps for v in r["samples"].get(s, ()))
    expected = connected * len(stamps)
    return {
        "target": target.describe(),
        "readers": connected,
        "refused": sum(r["refused"] for r in results),
        "p50": _percentile(values, 0.50),
        "p90": _percentile(values, 0.90),
        "p99": _percentile(values, 0.99),
        "max": values[-1] / 1e6 if values else math.nan,
        "lost": expected - len(values),
        "dup": sum(r["duplicates"] for r in results),
        "kb_per_reader": (loaded.rss_bytes - idle.rss_bytes) / 1024 / max(1, connected),
        "load": load,
    }


def make(name: str, args: argparse.Namespace) -> Target:
    if name == "nchan":
        return NchanTarget(max_readers=args.readers, workers=args.workers)
    return BulletinTarget(args.mode, args.workers, None, args.redis_url)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--readers", type=int, default=1000)
    p.add_argument("--procs", type=int, default=2, help="reader processes (≤ 20,000 readers each)")
    p.add_argument("--messages", type=int, default=5)
    p.add_argument("--interval", type=float, default=1.5)
    p.add_argument("--size", type=int, default=450, help="message text bytes (default 450)")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--targets", default="nchan,bulletin")
    p.add_argument("--workers", type=int, default=1, help="nginx and Bulletin workers")
    p.add_argument("--mode", choices=("memory", "redis"), default="memory")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    p.add_argument("--drain", type=float, default=2.0, help="seconds after the last publish")
    p.add_argument("--json", dest="json_path")
    args = p.parse_args(argv)
    rows = []
    for round_number in range(1, args.rounds + 1):
        for name in args.targets.split(","):
            with make(name, args) as target:
                row = {"round": round_number, "name": name, **measure(target, args)}
            rows.append(row)
            print(
                f"round {row['round']} {row['target']}: {row['readers']} readers "
                f"({row['refused']} refused), "
                f"p50 {row['p50']:.1f} p90 {row['p90']:.1f} p99 {row['p99']:.1f} "
                f"max {row['max']:.1f} ms, lost {row['lost']} dup {row['dup']}, "
                f"{row['kb_per_reader']:.1f} KB/reader, load {row['load']:.2f}",
                flush=True,
            )
    names = args.targets.split(",")
    if "bulletin" in names and "nchan" in names:
        for round_number in range(1, args.rounds + 1):
            got = {r["name"]: r for r in rows if r["round"] == round_number}
            b, n = got["bulletin"], got["nchan"]
            print(
                f"round {round_number} bulletin/nchan: p50 x{b['p50'] / n['p50']:.2f} "
                f"p90 x{b['p90'] / n['p90']:.2f} p99 x{b['p99'] / n['p99']:.2f}"
            )
    if args.json_path:
        with open(args.json_path, "w") as out:
            json.dump({"args": vars(args), "rows": rows}, out, indent=2)
    return 0 if all(r["lost"] == 0 and r["dup"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
