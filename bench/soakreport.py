"""Figures of the soak benchmark: server samples, latency per minute, and the markdown report."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import shlex
import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any

import psutil

from report import percentile


@dataclass(frozen=True)
class ServerSample:
    """The server's processes (supervisor + workers) at one moment of the run."""

    seconds: float  # since publishing started (negative: before)
    rss_bytes: int
    open_files: int
    threads: int
    processes: int
    streams: tuple[int, ...] = ()  # established connections on the port, per process
    rss_per_process: tuple[int, ...] = ()  # the top process first, then the others by pid
    cpu_seconds: float = 0.0  # user + system of the server's processes so far
    load: float = 0.0  # the machine's 1-minute load average (other work on the shared cores)


def sample_server(pid: int, port: int, streams: bool, seconds: float) -> ServerSample:
    """RSS, open files, threads and process count summed over ``pid`` and its descendants.

    With ``streams``, also the established TCP connections on ``port`` held by each process
    (the workers; the supervisor holds none): how the readers are spread.
    """
    try:
        root = psutil.Process(pid)
        tree = [root, *sorted(root.children(recursive=True), key=lambda p: p.pid)]
    except psutil.NoSuchProcess:
        return ServerSample(seconds, 0, 0, 0, 0)
    files = threads = count = 0
    cpu = 0.0
    per_process: list[int] = []
    rss_each: list[int] = []
    for proc in tree:
        try:
            with proc.oneshot():
                rss_each.append(proc.memory_info().rss)
                files += proc.num_fds()
                threads += proc.num_threads()
                times = proc.cpu_times()
            cpu += times.user + times.system
            if proc.pid == pid:  # workers that exited and were reaped still count
                cpu += times.children_user + times.children_system
            if streams:
                held = sum(
                    1
                    for c in proc.net_connections(kind="tcp")
                    if c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == port
                )
                if held:
                    per_process.append(held)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        count += 1
    return ServerSample(
        seconds,
        sum(rss_each),
        files,
        threads,
        count,
        tuple(per_process),
        tuple(rss_each),
        cpu,
        os.getloadavg()[0],
    )


@dataclass
class Action:
    """One request of the publisher."""

    kind: str  # create | edit | delete
    at_ns: int  # time.time_ns() just before the request
    ms: float  # the request's round trip
    status: int
    fingerprint: tuple[str, int, int] | None  # what readers should see, None on failure
    seq: int | None = None  # found in the change log afterwards


@dataclass
class MinuteRow:
    minute: int
    changes: int
    deliveries: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    log_p50_ms: float
    log_p99_ms: float
    cpu_percent: float  # of one core, the server's processes together
    load: float
    rss_mb: float
    open_files: int
    threads: int
    streams: tuple[int, ...]


@dataclass
class SoakFigures:
    rows: list[MinuteRow] = field(default_factory=list)
    p50_ms: float = math.nan
    p99_ms: float = math.nan
    max_ms: float = math.nan
    log_p50_ms: float = math.nan
    log_p99_ms: float = math.nan
    deliveries: int = 0
    slope_mb_per_min: float = math.nan
    slope_samples: int = 0
    rss_start_mb: float = math.nan
    rss_end_mb: float = math.nan
    rss_start_each_mb: list[float] = field(default_factory=list)
    rss_end_each_mb: list[float] = field(default_factory=list)
    publish: dict[str, dict[str, float]] = field(default_factory=dict)


def _ms(ns: float) -> float:
    return round(ns / 1e6, 1)


def slope_per_minute(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) points, in MB per minute; NaN with < 2 points."""
    if len(points) < 2:
        return math.nan
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return math.nan
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread * 60


def merge_latencies(results: Iterable[dict[str, Any]], key: str) -> dict[int, array[int]]:
    """The load processes' latencies (``key``), per minute of the run, in one array each."""
    merged: dict[int, array[int]] = {}
    for result in results:
        for minute, raw in result[key].items():
            values = array("q")
            values.frombytes(raw)
            merged.setdefault(int(minute), array("q")).extend(values)
    return merged


def figures(
    latencies: dict[int, array[int]],
    after_log: dict[int, array[int]],
    samples: list[ServerSample],
    actions: list[Action],
    start_ns: int,
    seconds: float,
) -> SoakFigures:
    out = SoakFigures()
    everything: list[int] = []
    since_log: list[int] = []
    # Requests slower than planned may push the last ones past the planned end.
    minutes = max(1, math.ceil(seconds / 60 - 0.01), *(m + 1 for m in latencies))
    for minute in range(minutes):
        values = sorted(latencies.get(minute, ()))
        everything.extend(values)
        logged = sorted(after_log.get(minute, ()))
        since_log.extend(logged)
        changes = sum(
            1
            for a in actions
            if a.seq is not None and (a.at_ns - start_ns) // 60_000_000_000 == minute
        )
        # The last sample taken in this minute (or the first after it, for the last one).
        inside = [s for s in samples if s.seconds <= (minute + 1) * 60 + 1]
        last = inside[-1] if inside else samples[0]
        before = [s for s in samples if s.seconds <= minute * 60 + 1]
        first = before[-1] if before else samples[0]
        elapsed = last.seconds - first.seconds
        cpu = (last.cpu_seconds - first.cpu_seconds) / elapsed * 100 if elapsed > 0 else math.nan
        with_streams = [s for s in inside if s.streams and s.seconds >= minute * 60]
        out.rows.append(
            MinuteRow(
                minute=minute + 1,
                changes=changes,
                deliveries=len(values),
                p50_ms=_ms(percentile(values, 0.5)),
                p99_ms=_ms(percentile(values, 0.99)),
                max_ms=_ms(values[-1]) if values else math.nan,
                log_p50_ms=_ms(percentile(logged, 0.5)),
                log_p99_ms=_ms(percentile(logged, 0.99)),
                cpu_percent=round(cpu),
                load=round(last.load, 1),
                rss_mb=round(last.rss_bytes / 2**20, 1),
                open_files=last.open_files,
                threads=last.threads,
                streams=with_streams[-1].streams if with_streams else (),
            )
        )
    everything.sort()
    out.deliveries = len(everything)
    out.p50_ms = _ms(percentile(everything, 0.5))
    out.p99_ms = _ms(percentile(everything, 0.99))
    out.max_ms = _ms(everything[-1]) if everything else math.nan
    since_log.sort()
    out.log_p50_ms = _ms(percentile(since_log, 0.5))
    out.log_p99_ms = _ms(percentile(since_log, 0.99))
    during = [s for s in samples if s.seconds >= 0]
    second_half = [(s.seconds, s.rss_bytes / 2**20) for s in during if s.seconds >= seconds / 2]
    out.slope_mb_per_min = round(slope_per_minute(second_half), 2)
    out.slope_samples = len(second_half)
    if during:
        out.rss_start_mb = round(during[0].rss_bytes / 2**20, 1)
        out.rss_end_mb = round(during[-1].rss_bytes / 2**20, 1)
        out.rss_start_each_mb = [round(b / 2**20, 1) for b in during[0].rss_per_process]
        out.rss_end_each_mb = [round(b / 2**20, 1) for b in during[-1].rss_per_process]
    for kind in ("create", "edit", "delete"):
        times = sorted(a.ms for a in actions if a.kind == kind)
        if not times:
            continue
        out.publish[kind] = {
            "count": len(times),
            "failed": sum(1 for a in actions if a.kind == kind and a.fingerprint is None),
            "p50_ms": round(percentile_f(times, 0.5), 1),
            "p99_ms": round(percentile_f(times, 0.99), 1),
            "max_ms": round(times[-1], 1),
        }
    return out


def percentile_f(ordered: list[float], q: float) -> float:
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _n(value: float) -> str:
    return "-" if isinstance(value, float) and math.isnan(value) else f"{value:,.1f}"


def _each(values: list[float]) -> str:
    return " / ".join(f"{v:,.1f}" for v in values) or "-"


def _slope(value: float) -> str:
    return "n/a (too few samples)" if math.isnan(value) else f"{value:+.2f} MB/min"


def markdown(header: list[str], check: dict[str, Any], figs: SoakFigures, notes: list[str]) -> str:
    """The report as a markdown section, ready to paste into docs/benchmarks.md."""
    lines = ["### Soak run", "", *header, ""]
    lines += [
        "| readers | changes | deliveries expected | received | superseded while away | lost | "
        "duplicated | out of order | wrong content | replayed on resume | "
        "reconnects (churn / cut off) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {check['readers']:,} | {check['changes']:,} | {check['expected']:,} | "
        f"{check['received']:,} | {check['skipped_superseded']:,} | **{check['lost']}** | "
        f"**{check['duplicated']}** | "
        f"{check['out_of_order']} | {check['wrong_content']} | {check['resumed']:,} | "
        f"{check['churned']} / {check['server_closed']} |",
        "",
        "| minute | changes | deliveries | p50 ms | p99 ms | max ms | from log p50 | "
        "from log p99 | server CPU % | load | server RSS MB | open files | threads | "
        "streams per worker |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
        "---: | --- |",
    ]
    for r in figs.rows:
        streams = " / ".join(f"{n:,}" for n in r.streams) or "-"
        lines.append(
            f"| {r.minute} | {r.changes} | {r.deliveries:,} | {_n(r.p50_ms)} | {_n(r.p99_ms)} | "
            f"{_n(r.max_ms)} | {_n(r.log_p50_ms)} | {_n(r.log_p99_ms)} | {r.cpu_percent:.0f} | "
            f"{r.load:.1f} | {r.rss_mb:,.1f} | {r.open_files:,} | {r.threads} | {streams} |"
        )
    lines += [
        f"| all | {sum(r.changes for r in figs.rows)} | {figs.deliveries:,} | "
        f"{_n(figs.p50_ms)} | {_n(figs.p99_ms)} | {_n(figs.max_ms)} | {_n(figs.log_p50_ms)} | "
        f"{_n(figs.log_p99_ms)} | | | | | | |",
        "",
        "Latency: from just before the publish request to the reader having parsed the event "
        "(live deliveries only; events replayed on a resume are counted above, not timed); "
        "*from log*: from the change-log row's timestamp (written in the transaction, just "
        "before the commit) to the reader. Server CPU: its processes' CPU time in the minute, "
        "in % of one core; load: the machine's 1-minute load average (everything on the shared "
        "cores, load client included). Memory, open files and threads: at the end of the "
        "minute, summed over the server's processes; streams: established connections per "
        "worker.",
        "",
        f"Server RSS (supervisor + workers) {_n(figs.rss_start_mb)} MB when publishing began, "
        f"{_n(figs.rss_end_mb)} MB at the end; trend over the second half "
        f"**{_slope(figs.slope_mb_per_min)}** (least squares over {figs.slope_samples} "
        "samples). Per process (supervisor, then the others by pid): "
        f"{_each(figs.rss_start_each_mb)} → {_each(figs.rss_end_each_mb)} MB.",
        "",
        "| publish request | count | failed | p50 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, p in figs.publish.items():
        lines.append(
            f"| {kind} | {p['count']:.0f} | {p['failed']:.0f} | {_n(p['p50_ms'])} | "
            f"{_n(p['p99_ms'])} | {_n(p['max_ms'])} |"
        )
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def report(
    args: argparse.Namespace,
    argv: list[str] | None,
    database: str,
    broker: str,
    versions: str,
    outcome: dict[str, Any],
) -> tuple[str, dict[str, Any], bool]:
    results = outcome["results"]
    total = {
        key: sum(r[key] for r in results)
        for key in (
            "readers",
            "received",
            "expected",
            "skipped_superseded",
            "lost",
            "duplicated",
            "out_of_order",
            "unexpected",
            "wrong_content",
            "resumed",
            "churned",
            "server_closed",
            "reconnects",
            "failed_attempts",
            "connect_failed",
            "dead",
            "resets",
            "readers_with_problems",
        )
    }
    total["changes"] = len(outcome["expected"])
    figs = figures(
        merge_latencies(results, "latency_ns"),
        merge_latencies(results, "after_log_ns"),
        outcome["samples"],
        outcome["actions"],
        outcome["start_ns"],
        outcome["seconds"],
    )
    kinds = {
        k: sum(1 for a in outcome["actions"] if a.kind == k) for k in ("create", "edit", "delete")
    }
    command = shlex.join([".venv/bin/python", "bench/soak.py", *(argv or sys.argv[1:])])
    memory = psutil.virtual_memory().total / 2**30
    header = [
        f"Command: `{command}`",
        "",
        f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. Machine: {os.cpu_count()} cores, "
        f"{memory:.0f} GiB, Linux {platform.release()}, Python {platform.python_version()}, "
        f"uvicorn {_version('uvicorn')} (uvloop {_version('uvloop')}, httptools "
        f"{_version('httptools')}), Django {_version('django')}"
        + (f", {versions}" if versions else "")
        + f"; load average {os.getloadavg()[0]:.1f} at the end.",
        "",
        f"Parameters: `bulletin serve --workers {args.workers}` in production mode, "
        f"{'PostgreSQL' if database == 'postgres' else 'SQLite'} + {broker} broker; "
        f"{args.warm_up:,} entries published before the readers connected (warm-up); "
        f"{args.readers:,} readers over {args.load_procs} load process(es); "
        f"{args.minutes:g} min: {kinds['create']} entries, {kinds['edit']} edits (If-Match), "
        f"{kinds['delete']} deletes through the API; churn {args.churn:g} % of readers a "
        "minute (drop, wait 0.5 to 3 s, resume with Last-Event-ID).",
    ]
    notes = []
    extra = {
        "readers that never connected": total["connect_failed"],
        "readers that gave up": total["dead"],
        "reset events": total["resets"],
        "failed connection attempts": total["failed_attempts"],
        "events not in the change log": total["unexpected"],
        "publish requests not found in the change log": outcome["unmatched_actions"],
        "load processes lost": outcome["load_processes_lost"],
        "readers still behind after the drain": sum(d["behind"] for d in outcome["drained"]),
    }
    notes += [f"{what}: {n}" for what, n in extra.items() if n]
    if outcome["late"] > 1:
        notes.append(
            f"the publisher fell up to {outcome['late']:.1f} s behind its schedule "
            "(requests slower than the interval)"
        )
    if outcome["counters"]:
        notes.append(
            "server counters: "
            + ", ".join(f"{what} {n:,.0f}" for what, n in outcome["counters"].items())
        )
    processes = max((s.processes for s in outcome["samples"]), default=0)
    notes.append(f"server processes sampled (supervisor, workers, helpers): {processes}")
    for r in results:
        notes += r["examples"][:3]
        if r["errors"]:
            notes.append(f"reader errors: {r['errors']}")
    notes += [f"publish error: {e}" for e in outcome["publish_errors"][:5]]
    ok = (
        bool(results)
        and not outcome["load_processes_lost"]
        and all(
            total[k] == 0
            for k in (
                "lost",
                "duplicated",
                "out_of_order",
                "unexpected",
                "wrong_content",
                "dead",
                "resets",
                "connect_failed",
            )
        )
        # A reader away while a change was superseded gets the present on resume, not the
        # change (docs/architecture.md): every delivery is either received or that.
        and total["received"] + total["skipped_superseded"] == total["expected"]
        and not outcome["publish_errors"]
        and not outcome["unmatched_actions"]
    )
    text = markdown(header, total, figs, notes)
    data = {
        "command": command,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": database,
        "broker": broker,
        "args": {k: v for k, v in vars(args).items() if k != "json_path"},
        "check": total,
        "ok": ok,
        "figures": {k: v for k, v in asdict(figs).items()},
        "samples": [asdict(s) for s in outcome["samples"]],
        "counters": outcome["counters"],
        "notes": notes,
    }
    return text, data, ok
