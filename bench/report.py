"""Figures of the fan-out benchmark: per-target summary, the table, and Bulletin's ratios."""

from __future__ import annotations

import argparse
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from procstats import Sample


@dataclass
class TargetResult:
    name: str
    description: str
    readers_requested: int
    readers_connected: int = 0
    connect_failed: int = 0
    messages: int = 0
    expected: int = 0  # connected readers x published messages
    received: int = 0
    lost: int = 0
    duplicated: int = 0
    ended_early: int = 0
    p50_ms: float = math.nan
    p90_ms: float = math.nan
    p99_ms: float = math.nan
    max_ms: float = math.nan
    per_message_p50_ms: list[float] = field(default_factory=list)
    per_message_max_ms: list[float] = field(default_factory=list)
    publish_ms: list[float] = field(default_factory=list)  # the publish request's round trip
    connect_seconds: float = 0.0
    rss_idle_mb: float = 0.0
    rss_loaded_mb: float = 0.0
    rss_per_reader_kb: float = math.nan
    cpu_seconds: float = 0.0
    server_processes: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    @classmethod
    def failed(cls, name: str, readers: int, error: str) -> TargetResult:
        return cls(name=name, description=name, readers_requested=readers, error=error)

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON, with NaN (no data) as null."""
        return {k: _no_nan(v) for k, v in asdict(self).items()}


def _no_nan(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    return value


def percentile(ordered: list[int], q: float) -> float:
    """Nearest-rank percentile of sorted values, NaN when there are none."""
    if not ordered:
        return math.nan
    return float(ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))])


def _ms(ns: float) -> float:
    return round(ns / 1e6, 2)


def summarise(
    name: str,
    description: str,
    readers: int,
    markers: list[int],
    results: list[dict[str, Any]],
    idle: Sample,
    loaded: Sample,
    end: Sample,
) -> TargetResult:
    """Combine the load processes' results; markers not published in this run are ignored."""
    connected = sum(r["connected"] for r in results)
    errors: Counter[str] = Counter()
    everything: list[int] = []
    per_p50: list[float] = []
    per_max: list[float] = []
    for marker in markers:
        values = sorted(v for r in results for v in r["latencies"].get(marker, ()))
        everything.extend(values)
        per_p50.append(_ms(percentile(values, 0.5)))
        per_max.append(_ms(values[-1]) if values else math.nan)
    for r in results:
        errors.update(r["errors"])
    everything.sort()
    expected = connected * len(markers)
    return TargetResult(
        name=name,
        description=description,
        readers_requested=readers,
        readers_connected=connected,
        connect_failed=readers - connected,  # also counts readers of a load process that died
        messages=len(markers),
        expected=expected,
        received=len(everything),
        lost=expected - len(everything),
        duplicated=sum(r["duplicates"] for r in results),
        ended_early=sum(r["ended_early"] for r in results),
        p50_ms=_ms(percentile(everything, 0.50)),
        p90_ms=_ms(percentile(everything, 0.90)),
        p99_ms=_ms(percentile(everything, 0.99)),
        max_ms=_ms(everything[-1]) if everything else math.nan,
        per_message_p50_ms=per_p50,
        per_message_max_ms=per_max,
        connect_seconds=round(max((r["connect_seconds"] for r in results), default=0.0), 2),
        rss_idle_mb=round(idle.rss_bytes / 2**20, 1),
        rss_loaded_mb=round(loaded.rss_bytes / 2**20, 1),
        rss_per_reader_kb=round((loaded.rss_bytes - idle.rss_bytes) / 1024 / connected, 1)
        if connected
        else math.nan,
        cpu_seconds=round(end.cpu_seconds - idle.cpu_seconds, 2),
        server_processes=loaded.processes,
        errors=dict(errors.most_common(10)),
    )


COLUMNS = (
    "target",
    "readers",
    "p50 ms",
    "p90 ms",
    "p99 ms",
    "max ms",
    "lost",
    "dup",
    "RSS/reader KB",
    "CPU s",
)


def _row(r: TargetResult) -> list[str]:
    if r.error is not None:
        return [r.name, "-", "-", "-", "-", "-", "-", "-", "-", "failed"]
    return [
        r.name,
        f"{r.readers_connected}/{r.readers_requested}",
        f"{r.p50_ms:.1f}",
        f"{r.p90_ms:.1f}",
        f"{r.p99_ms:.1f}",
        f"{r.max_ms:.1f}",
        str(r.lost),
        str(r.duplicated),
        f"{r.rss_per_reader_kb:.1f}",
        f"{r.cpu_seconds:.2f}",
    ]


def print_table(results: list[TargetResult], args: argparse.Namespace) -> None:
    print(
        f"\nFan-out: {args.readers} readers, {args.messages} messages "
        f"{args.interval:g} s apart, {args.load_procs} load process(es)\n"
    )
    rows = [list(COLUMNS), *(_row(r) for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for n, row in enumerate(rows):
        print(
            "  ".join(
                cell.rjust(w) if i else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print()
    for r in results:
        if r.error is not None:
            print(f"{r.name}: FAILED: {r.error}")
            continue
        print(
            f"{r.description}: connect {r.connect_seconds:.1f} s, RSS {r.rss_idle_mb:.0f} → "
            f"{r.rss_loaded_mb:.0f} MB over {r.server_processes} process(es), "
            f"p50 per message {r.per_message_p50_ms} ms, publish request {r.publish_ms} ms"
        )
        if r.errors or r.connect_failed or r.ended_early:
            print(
                f"  failed connects {r.connect_failed}, streams ended early {r.ended_early}, "
                f"errors {r.errors}"
            )


def print_ratios(results: list[TargetResult]) -> None:
    by_name = {r.name: r for r in results if r.error is None and r.received}
    bulletin = by_name.get("bulletin")
    if bulletin is None:
        return
    print()
    for reference in ("nchan", "sse-starlette"):
        ref = by_name.get(reference)
        if ref is None:
            continue
        print(
            f"bulletin/{reference}: p50 x{bulletin.p50_ms / ref.p50_ms:.2f}, "
            f"p90 x{bulletin.p90_ms / ref.p90_ms:.2f}, p99 x{bulletin.p99_ms / ref.p99_ms:.2f}"
        )
