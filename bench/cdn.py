"""A CDN in front of Bulletin, simulated: what the origin sees when thousands of readers poll.

Starts ``bulletin serve --workers 2`` (SQLite, db-tail broker) on loopback and nginx in front
of it as the CDN (``bench/cdn_nginx.conf``: ``proxy_cache`` honouring Bulletin's
``Cache-Control: public, max-age=1, stale-while-revalidate=5``, one origin request per URL at a
time, stale answers while refreshing in the background). R readers with EventSource disabled
open the live page once through the CDN, then poll the changes feed every second through it
while a newsroom publishes one entry a second. One reader follows the live stream straight
from the origin as the reference. It reports the requests that reached the origin (per
second, per blog: from the origin's own access log), the CDN's offload, and how far behind
the live stream the polling readers were; and checks that none missed a change.

    .venv/bin/python bench/cdn.py --readers 2000 --seconds 60 [--json out.json]

Only 127.0.0.1 is used; every process started is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import shutil
import socket
import sys
import threading
import time
from array import array
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from bulletin_target import SLUG, BulletinTarget
from pollclient import PollSpec, run_poll_process
from report import percentile
from soakclient import EventParser
from targets import HOST, Target, TargetError, free_port

CONFIG = Path(__file__).with_name("cdn_nginx.conf")
READERS_PER_PROCESS = 2500


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--readers", type=int, default=2000, help="Polling readers (default 2000).")
    p.add_argument("--seconds", type=float, default=60.0, help="Seconds of publishing.")
    p.add_argument("--interval", type=float, default=1.0, help="Seconds between entries.")
    p.add_argument("--poll", type=float, default=1.0, help="Seconds between a reader's polls.")
    p.add_argument("--json", dest="json_path", help="Also write the figures to this file.")
    args = p.parse_args(argv)
    if args.readers < 1 or args.seconds <= 0 or args.interval <= 0 or args.poll <= 0:
        p.error("--readers must be at least 1; --seconds, --interval and --poll more than 0")
    return args


class Cdn(Target):
    """nginx as the CDN's edge, and a logging pass-through in front of the origin."""

    name = "cdn"

    def __init__(self, bulletin_port: int, readers: int) -> None:
        super().__init__()
        self.bulletin_port = bulletin_port
        self.origin_port = free_port()
        self.readers = readers

    @property
    def stream_path(self) -> str:
        return f"/live/{SLUG}/events"

    def start(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise TargetError("the CDN needs nginx: apt-get install nginx-light")
        connections = 2 * self.readers + 1024
        conf = self.workdir / "nginx.conf"
        conf.write_text(
            CONFIG.read_text().format(
                # As root, nginx's workers would switch to nobody, who may not use the cache
                # in this private folder; as anyone else the directive does not apply.
                user="user root root;" if os.geteuid() == 0 else "",
                prefix=self.workdir,
                edge_port=self.port,
                origin_port=self.origin_port,
                bulletin_port=self.bulletin_port,
                connections=connections,
                nofile=min(2 * connections, 20000),
            )
        )
        self._spawn(
            [nginx, "-p", str(self.workdir), "-e", str(self.workdir / "error.log"), "-c", str(conf)]
        )
        self._wait_http(f"/live/{SLUG}/changes")

    def publish(self, marker: str, number: int) -> None:
        raise NotImplementedError("the CDN does not publish")

    def origin_requests(self) -> list[tuple[float, str, int]]:
        """(time, path, status) of every request that reached the origin."""
        rows = []
        log = self.workdir / "origin.log"
        for line in log.read_text().splitlines() if log.exists() else []:
            at, path, status = line.split(" ", 2)
            rows.append((float(at), path, int(status)))
        return rows


class LiveReference(threading.Thread):
    """One reader of the live stream, straight from the origin: when each seq went live."""

    def __init__(self, port: int, since: int) -> None:
        super().__init__(daemon=True)
        self.port, self.since = port, since
        self.seen: dict[int, int] = {}
        self.halt = threading.Event()
        self.connected = threading.Event()

    def run(self) -> None:
        with socket.create_connection((HOST, self.port), timeout=1.0) as sock:
            request = f"GET /live/{SLUG}/events?since={self.since} HTTP/1.1\r\nHost: {HOST}\r\n\r\n"
            sock.sendall(request.encode())
            parser = EventParser()
            self.connected.set()
            while not self.halt.is_set():
                try:
                    chunk = sock.recv(65536)
                except TimeoutError:
                    continue
                if not chunk:
                    return
                now = time.time_ns()
                # Chunk-size lines of the chunked body are not SSE lines: the parser skips them.
                for event_id, _kind, _data in parser.feed(chunk):
                    if event_id is not None:
                        self.seen.setdefault(event_id, now)


def _await(conns: list[Connection], kind: str, timeout: float) -> list[Any]:
    got: dict[int, Any] = {}
    deadline = time.monotonic() + timeout
    while len(got) < len(conns) and time.monotonic() < deadline:
        pending = [c for i, c in enumerate(conns) if i not in got]
        for ready in wait(pending, timeout=max(0.0, deadline - time.monotonic())):
            assert isinstance(ready, Connection)
            index = conns.index(ready)
            try:
                message_kind, payload = ready.recv()
            except (EOFError, OSError):
                got[index] = None
                continue
            if message_kind == kind:
                got[index] = payload
    return [v for v in got.values() if v is not None]


def run(args: argparse.Namespace) -> dict[str, Any]:
    with BulletinTarget("dbtail", 2, None, "") as origin:
        origin.start()
        since = origin.seq
        with Cdn(origin.port, args.readers) as cdn:
            cdn.start()
            reference = LiveReference(origin.port, since)
            reference.start()
            reference.connected.wait(10)
            ctx = multiprocessing.get_context("fork")
            procs_count = max(1, math.ceil(args.readers / READERS_PER_PROCESS))
            conns, procs = [], []
            for number in range(procs_count):
                share = args.readers // procs_count + (number < args.readers % procs_count)
                spec = PollSpec(
                    HOST, cdn.port, SLUG, since, share, args.poll, args.seconds + 300, number
                )
                parent_end, child_end = ctx.Pipe()
                proc = ctx.Process(target=run_poll_process, args=(spec, child_end), daemon=True)
                proc.start()
                child_end.close()
                conns.append(parent_end)
                procs.append(proc)
            try:
                _await(conns, "ready", 60)
                polling_since = time.time()
                time.sleep(args.poll + 1)  # every reader has polled once
                start = time.time()
                published = []
                for number in range(int(args.seconds / args.interval)):
                    time.sleep(max(0.0, start + number * args.interval - time.time()))
                    origin.publish(f"cdn {number}", number)
                    published.append(time.time())
                end = time.time()
                time.sleep(args.poll + 7)  # max-age 1 + stale-while-revalidate 5, and a poll
                for conn in conns:
                    conn.send(("stop",))
                polled = time.time() - polling_since
                _await(conns, "stopped", 30)
                required = sorted(s for s in reference.seen if s > since)
                for conn in conns:
                    conn.send(("verify", required, reference.seen))
                results = _await(conns, "result", 120)
            finally:
                reference.halt.set()
                for conn in conns:
                    conn.close()
                for proc in procs:
                    proc.join(timeout=10)
                    if proc.is_alive():
                        proc.kill()
            origin_rows = cdn.origin_requests()
    window = [r for r in origin_rows if start <= r[0] < end]
    feed = [r for r in window if "/changes" in r[1]]
    lag = array("q")
    for result in results:
        values = array("q")
        values.frombytes(result["lag_ns"])
        lag.extend(values)
    ordered = sorted(lag)
    requests = sum(r["requests"] for r in results)
    seconds = end - start
    return {
        "readers": args.readers,
        "seconds": round(seconds, 1),
        "changes": len(required),
        "published": len(published),
        "reader_requests": requests,
        "reader_requests_per_s": requests / polled,
        "origin_requests": len(window),
        "origin_feed_requests": len(feed),
        "origin_requests_per_s": len(window) / seconds,
        "origin_feed_requests_per_s": len(feed) / seconds,
        "offload": 1 - len(window) / max(1, requests),
        "lost": sum(r["lost"] for r in results),
        "lag_p50_ms": percentile(ordered, 0.5) / 1e6,
        "lag_p99_ms": percentile(ordered, 0.99) / 1e6,
        "lag_max_ms": (ordered[-1] / 1e6) if ordered else math.nan,
        "statuses": [r["statuses"] for r in results],
        "page_statuses": [r["page_statuses"] for r in results],
        "errors": [r["errors"] for r in results],
        "load_processes_lost": procs_count - len(results),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        figures = run(args)
    except TargetError as exc:
        print(f"failed: {exc}", file=sys.stderr)
        return 2
    print(
        "| readers | changes | reader requests/s | origin requests/s (feed) | offload "
        "| lag behind live p50 ms | p99 ms | max ms | lost |\n"
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        f"| {figures['readers']:,} | {figures['changes']} | "
        f"{figures['reader_requests_per_s']:,.0f} | {figures['origin_requests_per_s']:.2f} "
        f"({figures['origin_feed_requests_per_s']:.2f}) | {figures['offload']:.4%} | "
        f"{figures['lag_p50_ms']:,.0f} | {figures['lag_p99_ms']:,.0f} | "
        f"{figures['lag_max_ms']:,.0f} | {figures['lost']} |"
    )
    print(f"statuses {figures['statuses']}, errors {figures['errors']}", file=sys.stderr)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(figures, indent=2))
    ok = figures["lost"] == 0 and figures["load_processes_lost"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
