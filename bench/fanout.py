"""Fan-out benchmark: publish→receive latency of Server-Sent Events to many open readers.

Measures Bulletin and two references (nchan, sse-starlette) in the same run with the same load
client, and prints ratios. Only 127.0.0.1 is used; every server started is stopped.

    .venv/bin/python bench/fanout.py --readers 10000 --messages 5 --rounds 2 \\
        --targets nchan,bulletin --mode memory --workers 1 [--json out.json]

With ``--rounds 2`` the targets alternate (nchan, Bulletin, nchan, Bulletin), so that both see
the same machine; ratios are printed per round. ``bench/outside_client.py`` checks these
figures with a client that shares no code with this one.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import multiprocessing
import os
import platform
import shlex
import signal
import sys
import time
from http.client import HTTPException
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from bulletin_target import BulletinTarget
from loadclient import LoadSpec, run_load_process
from procstats import sample
from report import TargetResult, print_ratios, print_table, summarise
from targets import HOST, NchanTarget, SseStarletteTarget, Target, TargetError

TARGETS = ("nchan", "sse-starlette", "bulletin")
READERS_PER_PROCESS = 5000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--readers", type=int, default=1000, help="Open SSE readers (default 1000).")
    p.add_argument("--messages", type=int, default=5, help="Messages to publish (default 5).")
    p.add_argument(
        "--interval", type=float, default=1.5, help="Seconds between publishes (default 1.5)."
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="Run the targets in turn this many times (default 1); ratios per round.",
    )
    p.add_argument(
        "--targets",
        default=",".join(TARGETS),
        help=f"Comma-separated, run in this order (default {','.join(TARGETS)}).",
    )
    p.add_argument(
        "--mode",
        choices=("memory", "redis"),
        default="memory",
        help="Bulletin's broker (default memory; redis for several workers).",
    )
    p.add_argument("--workers", type=int, default=1, help="Bulletin worker processes.")
    p.add_argument(
        "--database-url",
        default=None,
        help="Bulletin's database (default: a fresh SQLite file in a temp folder).",
    )
    p.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/0",
        help="Redis for --mode redis; started on loopback if nothing answers.",
    )
    p.add_argument(
        "--load-procs",
        type=int,
        default=0,
        help=f"Load processes (default: one per {READERS_PER_PROCESS} readers).",
    )
    p.add_argument(
        "--connect-concurrency",
        type=int,
        default=100,
        help="Connections being opened at once, per load process (default 100).",
    )
    p.add_argument(
        "--connect-timeout",
        type=float,
        default=15.0,
        help="Seconds for one reader to connect and get headers (default 15).",
    )
    p.add_argument(
        "--drain-timeout",
        type=float,
        default=10.0,
        help="Seconds to wait for stragglers after the last publish (default 10).",
    )
    p.add_argument(
        "--warmup",
        type=int,
        default=4,
        help="Unmeasured messages published before readers connect (default 4: enough to "
        "reach each of 2 workers most of the time).",
    )
    p.add_argument(
        "--settle",
        type=float,
        default=0.5,
        help="Seconds to let a server settle before sampling its memory.",
    )
    p.add_argument(
        "--sse-starlette-plain-gc",
        action="store_true",
        help="Run the sse-starlette reference with default GC settings.",
    )
    p.add_argument(
        "--nchan-workers",
        type=int,
        default=1,
        help="nginx worker processes for nchan (default 1). One process may hold 20,000 open "
        "files here, so 20,000 readers need 2.",
    )
    p.add_argument("--json", dest="json_path", help="Also write all figures to this file.")
    args = p.parse_args(argv)
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = sorted(set(args.targets) - set(TARGETS))
    if unknown:
        p.error(f"--targets must be among {', '.join(TARGETS)}, got {', '.join(unknown)}")
    if args.readers < 1 or args.messages < 1 or args.workers < 1 or args.rounds < 1:
        p.error("--readers, --messages, --workers and --rounds must be at least 1")
    if args.load_procs <= 0:
        args.load_procs = max(1, math.ceil(args.readers / READERS_PER_PROCESS))
    return args


def make_target(name: str, args: argparse.Namespace) -> Target:
    if name == "nchan":
        return NchanTarget(max_readers=args.readers, workers=args.nchan_workers)
    if name == "sse-starlette":
        return SseStarletteTarget(plain_gc=args.sse_starlette_plain_gc)
    return BulletinTarget(args.mode, args.workers, args.database_url, args.redis_url)


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


class LoadGroup:
    """The load processes of one target, and what each has said so far."""

    def __init__(self, target: Target, args: argparse.Namespace) -> None:
        # fork: cheap, and this parent holds no event loop or threads to inherit.
        ctx = multiprocessing.get_context("fork")
        self.max_seconds = 120 + args.readers / 100 + args.messages * args.interval * 2
        self.conns: list[Connection] = []
        self.procs: list[BaseProcess] = []
        self.inbox: list[dict[str, Any]] = []
        for share in _split(args.readers, args.load_procs):
            spec = LoadSpec(
                HOST,
                target.port,
                target.stream_path,
                share,
                args.messages,
                args.connect_concurrency,
                args.connect_timeout,
                self.max_seconds,
            )
            parent_end, child_end = ctx.Pipe()
            proc = ctx.Process(target=run_load_process, args=(spec, child_end), daemon=True)
            proc.start()
            child_end.close()
            self.conns.append(parent_end)
            self.procs.append(proc)
            self.inbox.append({})

    def await_all(self, kind: str, timeout: float) -> bool:
        """Read messages until every live process has sent ``kind``; False on time-out."""
        deadline = time.monotonic() + timeout
        while True:
            pending = [
                c
                for c, box in zip(self.conns, self.inbox, strict=True)
                if kind not in box and "gone" not in box
            ]
            left = deadline - time.monotonic()
            if not pending:
                return True
            if left <= 0:
                return False
            for ready in wait(pending, timeout=left):
                assert isinstance(ready, Connection)
                box = self.inbox[self.conns.index(ready)]
                try:
                    message_kind, payload = ready.recv()
                except (EOFError, OSError):
                    box["gone"] = True
                    continue
                box[str(message_kind)] = payload

    def finish(self) -> list[dict[str, Any]]:
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.send("finish")
        self.await_all("result", timeout=60)
        return [box["result"] for box in self.inbox if "result" in box]

    def stop(self) -> None:
        """Reap the load processes; kill those that never sent a result (e.g. on Ctrl-C)."""
        for proc, box in zip(self.procs, self.inbox, strict=True):
            if "result" not in box and proc.is_alive():
                proc.kill()
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
        for conn in self.conns:
            conn.close()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_target(target: Target, args: argparse.Namespace) -> TargetResult:
    log(f"{target.name}: starting on port {target.port}")
    target.start()
    target.warm_up(args.warmup)
    time.sleep(args.settle)
    idle = sample(target.pid)
    group = LoadGroup(target, args)
    try:
        ready_timeout = 60 + args.readers / 100
        if not group.await_all("ready", ready_timeout):
            log(f"{target.name}: not every load process was ready in {ready_timeout:.0f} s")
        ready = [box["ready"] for box in group.inbox if "ready" in box]
        connected = sum(r["connected"] for r in ready)
        log(
            f"{target.name}: {connected} of {args.readers} readers connected in "
            f"{max((r['connect_seconds'] for r in ready), default=0):.1f} s"
        )
        time.sleep(args.settle)
        loaded = sample(target.pid)
        markers: list[int] = []
        publish_ms: list[float] = []
        start = time.monotonic()
        for number in range(1, args.messages + 1):
            time.sleep(max(0.0, start + (number - 1) * args.interval - time.monotonic()))
            marker = time.time_ns()
            target.publish(f"bench-ts:{marker}", number)
            publish_ms.append(round((time.time_ns() - marker) / 1e6, 2))
            markers.append(marker)
        if not group.await_all("done", args.drain_timeout):
            log(
                f"{target.name}: some readers still missing messages after "
                f"{args.drain_timeout:.0f} s"
            )
        end = sample(target.pid)
        results = group.finish()
    finally:
        group.stop()
    summary = summarise(
        target.name, target.describe(), args.readers, markers, results, idle, loaded, end
    )
    summary.publish_ms = publish_ms
    return summary


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    results: list[TargetResult] = []
    for name in args.targets * args.rounds:
        try:
            with make_target(name, args) as target:
                results.append(run_target(target, args))
        except (TargetError, OSError, HTTPException) as exc:  # the next target still runs
            log(f"{name}: {type(exc).__name__}: {exc}")
            results.append(TargetResult.failed(name, args.readers, str(exc)))
        except KeyboardInterrupt:
            log(f"{name}: interrupted; every server started was stopped")
            return 130
        log(f"{name}: stopped")
    print_table(results, args)
    per_round = len(args.targets)
    for start in range(0, len(results), per_round):
        if args.rounds > 1:
            print(f"\nround {start // per_round + 1}:", end="")
        print_ratios(results[start : start + per_round])
    if args.json_path:
        with open(args.json_path, "w") as out:
            json.dump(_json_report(args, argv, results), out, indent=2)
        log(f"wrote {args.json_path}")
    return 0 if all(r.error is None and r.readers_connected for r in results) else 1


def _json_report(
    args: argparse.Namespace, argv: list[str] | None, results: list[TargetResult]
) -> dict[str, Any]:
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": shlex.join(["python", "bench/fanout.py", *(argv or sys.argv[1:])]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "kernel": platform.release(),
        },
        "args": {k: v for k, v in vars(args).items() if k != "json_path"},
        "results": [r.as_dict() for r in results],
    }


if __name__ == "__main__":
    sys.exit(main())
