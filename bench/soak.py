"""Soak benchmark: hours of live coverage compressed into minutes, with every delivery checked.

Starts ``bulletin serve --workers W`` in production mode on a fresh database, opens R readers
(``/live/<slug>/events``) from several load processes (the kernel spreads them over the
workers), then for ``--minutes`` publishes one entry a second through the API, edits one
(``PATCH`` with ``If-Match``) every 5 s and deletes one every 10 s, while about 1 % of the
readers a minute drop their stream and resume with ``Last-Event-ID``. Afterwards it reads the
change log and checks that every reader got every change after its start exactly once, in
order, with the right content; it prints publish → receive latency per minute, the server's
memory per minute with its trend, and the publish requests' own latency, as markdown.

    .venv/bin/python bench/soak.py --minutes 10 --readers 2000 --workers 2 \\
        --database postgres --broker redis [--json out.json]

Only 127.0.0.1 is used; every process started and the temporary database are removed at the
end, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import multiprocessing
import signal
import sys
import time
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any
from urllib.parse import urlsplit

from bulletin_target import SLUG
from soakclient import SoakSpec, run_soak_process
from soakreport import ServerSample, report, sample_server
from soakserver import (
    Publisher,
    SoakServer,
    answers,
    change_log,
    log,
    server_counters,
    service_versions,
    temporary_postgres,
)
from targets import HOST, TargetError

READERS_PER_PROCESS = 1000
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--minutes", type=float, default=10.0, help="How long to publish (default 10; 0.5 works)."
    )
    p.add_argument("--readers", type=int, default=2000, help="Open SSE readers (default 2000).")
    p.add_argument("--workers", type=int, default=2, help="Bulletin worker processes (default 2).")
    p.add_argument(
        "--database",
        choices=("auto", "postgres", "sqlite"),
        default="auto",
        help="postgres: a fresh database on --postgres-url's server, dropped at the end; "
        "sqlite: a file in a temporary folder; auto (default): postgres when it answers.",
    )
    p.add_argument(
        "--broker",
        choices=("auto", "redis", "postgres", "dbtail", "memory"),
        default="auto",
        help="BULLETIN_BROKER; auto (default): redis when --redis-url answers, else postgres "
        "(LISTEN/NOTIFY) on PostgreSQL or dbtail on SQLite; memory needs --workers 1.",
    )
    p.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help=f"Where to create the temporary database (default {DEFAULT_POSTGRES_URL}).",
    )
    p.add_argument(
        "--redis-url",
        default=DEFAULT_REDIS_URL,
        help=f"Redis for --broker redis (default {DEFAULT_REDIS_URL}).",
    )
    p.add_argument(
        "--interval", type=float, default=1.0, help="Seconds between new entries (default 1)."
    )
    p.add_argument(
        "--edit-every",
        type=int,
        default=5,
        help="Edit an entry every N entries (default 5; 0: never).",
    )
    p.add_argument(
        "--delete-every",
        type=int,
        default=10,
        help="Delete an entry every N entries (default 10; 0: never).",
    )
    p.add_argument(
        "--churn",
        type=float,
        default=1.0,
        help="Percent of the readers that drop and resume each minute (default 1).",
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
        default=30.0,
        help="Seconds to wait for every reader to catch up after the last change (default 30).",
    )
    p.add_argument(
        "--sample-seconds",
        type=float,
        default=10.0,
        help="Seconds between samples of the server's memory (default 10).",
    )
    p.add_argument(
        "--warm-up",
        type=int,
        default=600,
        help=(
            "Entries published before the readers connect and the clock starts (default 600: "
            "more than the 512 recent events a worker's hub keeps, so memory starts at its "
            "working size and the trend shows growth, not filling)."
        ),
    )
    p.add_argument("--seed", type=int, default=1, help="Seed of the churn and edits (default 1).")
    p.add_argument("--json", dest="json_path", help="Also write the figures to this file.")
    args = p.parse_args(argv)
    if args.warm_up < 1:
        p.error(f"--warm-up must be at least 1 entry, got {args.warm_up}")
    if args.minutes <= 0 or args.minutes > 24 * 60:
        p.error(f"--minutes must be more than 0 and at most 1440, got {args.minutes:g}")
    if args.readers < 1 or args.workers < 1 or args.interval <= 0:
        p.error("--readers and --workers must be at least 1, --interval more than 0")
    if not 0 <= args.churn <= 100:
        p.error(f"--churn must be a percentage between 0 and 100, got {args.churn:g}")
    if args.load_procs <= 0:
        args.load_procs = max(1, math.ceil(args.readers / READERS_PER_PROCESS))
    for url in (args.postgres_url, args.redis_url):
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
            p.error(f"only loopback services are used, got {url!r}")
    return args


def resolve_services(args: argparse.Namespace) -> tuple[str, str]:
    """The database and broker to use, when ``auto``: what answers on this machine."""
    database = args.database
    if database == "auto":
        database = "postgres" if answers(args.postgres_url, 5432) else "sqlite"
    broker = args.broker
    if broker == "auto":
        if answers(args.redis_url, 6379):
            broker = "redis"
        elif args.workers == 1:
            broker = "memory"
        else:
            broker = "postgres" if database == "postgres" else "dbtail"
    if broker == "postgres" and database != "postgres":
        raise TargetError("--broker postgres needs --database postgres")
    return database, broker


def timeline(args: argparse.Namespace) -> list[tuple[float, str, int]]:
    """(seconds after the start, action, entry number) for the whole run."""
    plan: list[tuple[float, str, int]] = []
    for number in range(int(args.minutes * 60 / args.interval)):
        at = number * args.interval
        plan.append((at, "create", number))
        if args.edit_every and number % args.edit_every == args.edit_every - 1:
            plan.append((at + 0.4 * args.interval, "edit", number))
        if args.delete_every and number % args.delete_every == args.delete_every - 1:
            plan.append((at + 0.7 * args.interval, "delete", number))
    return plan


class LoadGroup:
    """The load processes and what each has said."""

    def __init__(self, server: SoakServer, args: argparse.Namespace, since: int) -> None:
        # fork: cheap, and this parent holds no event loop or threads to inherit.
        ctx = multiprocessing.get_context("fork")
        max_seconds = 300 + args.readers / 50 + args.minutes * 60 + args.drain_timeout
        self.conns: list[Connection] = []
        self.procs: list[BaseProcess] = []
        self.inbox: list[dict[str, Any]] = []
        shares = [
            args.readers // args.load_procs + (1 if i < args.readers % args.load_procs else 0)
            for i in range(args.load_procs)
        ]
        for number, share in enumerate(shares):
            spec = SoakSpec(
                host=HOST,
                port=server.port,
                path=f"/live/{SLUG}/events?since={since}",
                since=since,
                readers=share,
                connect_concurrency=args.connect_concurrency,
                connect_timeout=args.connect_timeout,
                churn_per_minute=args.churn / 100,
                pause_seconds=(0.5, 3.0),
                max_seconds=max_seconds,
                seed=args.seed * 1000 + number,
            )
            parent_end, child_end = ctx.Pipe()
            proc = ctx.Process(target=run_soak_process, args=(spec, child_end), daemon=True)
            proc.start()
            child_end.close()
            self.conns.append(parent_end)
            self.procs.append(proc)
            self.inbox.append({})

    def send(self, message: Any) -> None:
        for conn, box in zip(self.conns, self.inbox, strict=True):
            if "gone" not in box:
                try:
                    conn.send(message)
                except OSError:
                    box["gone"] = True

    def await_all(self, kind: str, timeout: float) -> list[Any]:
        """Wait until every live process has sent ``kind``; what they sent (a time-out and a
        dead process leave theirs out)."""
        deadline = time.monotonic() + timeout
        while True:
            pending = [
                c
                for c, box in zip(self.conns, self.inbox, strict=True)
                if kind not in box and "gone" not in box
            ]
            left = deadline - time.monotonic()
            if not pending or left <= 0:
                return [box[kind] for box in self.inbox if kind in box]
            for ready in wait(pending, timeout=left):
                assert isinstance(ready, Connection)
                box = self.inbox[self.conns.index(ready)]
                try:
                    message_kind, payload = ready.recv()
                except (EOFError, OSError):
                    box["gone"] = True
                    continue
                box[str(message_kind)] = payload

    def gone(self) -> int:
        return sum(1 for p in self.procs if not p.is_alive())

    def stop(self) -> None:
        for conn in self.conns:
            conn.close()  # the processes see EOF and end
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)


def run(args: argparse.Namespace, server: SoakServer) -> dict[str, Any]:
    log(f"starting {server.describe()} on port {server.port}")
    server.start()
    log(f"warming up: {args.warm_up} entries before the readers connect")
    server.warm_up(args.warm_up)
    since = server.seq
    started = time.monotonic()
    group = LoadGroup(server, args, since)
    samples: list[ServerSample] = []
    publisher = Publisher(server.port, server.token, args.seed)
    try:
        ready = group.await_all("ready", 60 + args.readers / 50)
        connected = sum(r["connected"] for r in ready)
        log(
            f"{connected} of {args.readers} readers connected in "
            f"{time.monotonic() - started:.1f} s; publishing for {args.minutes:g} min"
        )
        if connected < args.readers:
            log("not every reader connected: the check below counts their losses")
        seconds = args.minutes * 60
        plan = timeline(args)
        start_ns = time.time_ns()
        t0 = time.monotonic()

        def take_sample(streams: bool) -> None:
            samples.append(sample_server(server.pid, server.port, streams, time.monotonic() - t0))

        take_sample(streams=True)
        group.send("go")
        next_sample = args.sample_seconds
        last_minute = last_logged = 0
        late = 0.0  # how far behind its schedule the publisher fell (slow requests)
        for at, kind, number in [*plan, (seconds, "end", -1)]:
            while True:
                now = time.monotonic() - t0
                if next_sample <= now:
                    minute = int(now // 60)
                    take_sample(streams=minute > last_minute)
                    last_minute = max(last_minute, minute)
                    next_sample += args.sample_seconds
                    continue
                if now >= at:
                    late = max(late, now - at)
                    break
                time.sleep(min(at, next_sample) - now)
            if server.process is None or server.process.poll() is not None:
                raise TargetError(f"the server exited: {server.log_tail()}")
            if kind != "end":
                getattr(publisher, kind)(number)
            if at // 60 > last_logged:
                last_logged = int(at // 60)
                log(f"minute {last_logged}: {len(publisher.actions)} requests so far")
        take_sample(streams=True)
        expected, logged_ns, superseded = change_log(server.database_url, since)
        target = max(expected, default=since)
        by_fingerprint = {fp: seq for seq, fp in expected.items()}
        published_ns: dict[int, int] = {}
        for action in publisher.actions:
            if action.fingerprint is not None:
                action.seq = by_fingerprint.get(action.fingerprint)
                if action.seq is not None:
                    published_ns[action.seq] = action.at_ns
        log(f"{len(expected)} changes published; waiting for every reader to have seq {target}")
        group.send(("drain", target, args.drain_timeout))
        drained = group.await_all("drained", args.drain_timeout + 30)
        group.send(("verify", expected, superseded, published_ns, logged_ns, start_ns))
        results = group.await_all("result", 120 + args.readers / 100)
        counters = server_counters(server.port)
    finally:
        group.stop()
    return {
        "since": since,
        "expected": expected,
        "results": results,
        "drained": drained,
        "samples": samples,
        "actions": publisher.actions,
        "publish_errors": publisher.errors,
        "counters": counters,
        "start_ns": start_ns,
        "seconds": seconds,
        "late": late,
        "load_processes_lost": args.load_procs - len(results),
        "unmatched_actions": sum(
            1 for a in publisher.actions if a.fingerprint is not None and a.seq is None
        ),
    }


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        database, broker = resolve_services(args)
        with contextlib.ExitStack() as stack:
            database_url = None
            if database == "postgres":
                database_url = stack.enter_context(temporary_postgres(args.postgres_url))
            server = SoakServer(broker, args.workers, database_url, args.redis_url)
            stack.enter_context(server)
            outcome = run(args, server)
            versions = service_versions(database_url, broker, args.redis_url)
    except TargetError as exc:
        log(f"failed: {exc}")
        return 2
    except KeyboardInterrupt:
        log("interrupted; every process started and the temporary database were removed")
        return 130
    text, data, ok = report(args, argv, database, broker, versions, outcome)
    print(text)
    if args.json_path:
        with open(args.json_path, "w") as out:
            json.dump(data, out, indent=2, default=str)
        log(f"wrote {args.json_path}")
    log("every reader got every change once, in order" if ok else "CHECK FAILED: see above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
