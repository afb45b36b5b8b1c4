"""Figures of the cluster benchmark: per fault, what readers lost and how late they were."""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import shlex
from array import array
from collections import Counter
from typing import Any

from report import percentile

PROBLEMS = ("lost", "duplicated", "out_of_order")


def _counts(results: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {}
    for result in results:
        for label, figures in result["counts"].items():
            counts.setdefault(label, Counter()).update(figures)
    return counts


def _delays(results: list[dict[str, Any]], key: str) -> dict[str, list[int]]:
    delays: dict[str, array[int]] = {}
    for result in results:
        for label, raw in result[key].items():
            values = array("q")
            values.frombytes(raw)
            delays.setdefault(label, array("q")).extend(values)
    return {label: sorted(values) for label, values in delays.items()}


def _recovery(results: list[dict[str, Any]], fault: str) -> float | None:
    """Seconds; None when some reader never got there."""
    values = [r["recovered_ns"].get(fault, 0) for r in results]
    if any(v < 0 for v in values):
        return None
    return max(values, default=0) / 1e9


def _ms(ordered: list[int], q: float) -> str:
    value = percentile(ordered, q)
    return "n/a" if value != value else f"{value / 1e6:,.0f}"  # NaN: no deliveries


def _stuck(figures: dict[str, int] | None) -> str:
    if not figures:
        return "n/a"
    return f"{figures['idle_in_transaction']} / {figures['waiting_for_lock']}"


def report(
    args: argparse.Namespace, argv: list[str] | None, outcome: dict[str, Any]
) -> tuple[str, dict[str, Any], bool]:
    results = outcome["results"]
    counts = _counts(results)
    delays = _delays(results, "delays_ns")
    committed = _delays(results, "after_commit_ns")
    publish = outcome["publish_ms"]
    rows = []
    figures: dict[str, Any] = {}
    for name, started, ended, _ in outcome["faults"]:
        during, after = counts.get(f"{name} during", Counter()), counts.get(f"{name} after")
        both = during + (after or Counter())
        recovery = _recovery(results, name)
        figures[name] = {
            **{problem: both[problem] for problem in PROBLEMS},
            "received": both["received"],
            "expected": both["expected"],
            "seconds": round((ended - started) / 1e9, 1),
            "p99_during_ms": percentile(delays.get(f"{name} during", []), 0.99) / 1e6,
            "p99_after_ms": percentile(delays.get(f"{name} after", []), 0.99) / 1e6,
            "p99_during_from_commit_ms": percentile(committed.get(f"{name} during", []), 0.99)
            / 1e6,
            "publish_p99_during_ms": percentile(publish.get(f"{name} during", []), 0.99),
            "recovery_s": recovery,
            "database_halfway": outcome["stuck"].get(name, {}),
        }
        rows.append(
            f"| {name} | {figures[name]['seconds']:g} | {both['expected']:,} | "
            f"{both['received']:,} | **{both['lost']}** | **{both['duplicated']}** | "
            f"**{both['out_of_order']}** | {_ms(delays.get(f'{name} during', []), 0.99)} | "
            f"{_ms(delays.get(f'{name} after', []), 0.99)} | "
            f"{_ms(committed.get(f'{name} during', []), 0.99)} | "
            f"{_ms([int(v * 1e6) for v in publish.get(f'{name} during', [])], 0.99)} | "
            f"{'never' if recovery is None else f'{recovery:.1f}'} | "
            f"{_stuck(outcome['stuck'].get(name))} |"
        )
    baseline = delays.get("baseline", [])
    totals = Counter[str]()
    for figures_of in counts.values():
        totals.update(figures_of)
    ok = (
        all(totals[problem] == 0 for problem in PROBLEMS)
        and outcome["connected"] == outcome["readers"]
        and outcome["load_processes_lost"] == 0
        and all(_recovery(results, name) is not None for name, *_ in outcome["faults"])
        and sum(r["resets"] for r in results) == 0
        and len(outcome["faults"]) == len(args.faults)
    )
    command = shlex.join(["python", "bench/cluster.py", *(argv or [])])
    lines = [
        f"## Cluster faults, {dt.date.today().isoformat()}",
        "",
        f"Command: `{command}`; {outcome['readers']:,} readers through the front, "
        f"{outcome['changes']} changes ({outcome['publish_requests']} publish requests, "
        f"{len(outcome['publish_errors'])} failed); Linux {platform.release()}, "
        f"Python {platform.python_version()}.",
        "",
        f"Baseline delay: p50 {_ms(baseline, 0.5)} ms, p99 {_ms(baseline, 0.99)} ms.",
        "",
        "| fault | s | deliveries expected | received | lost | duplicated | out of order "
        "| p99 during ms | p99 after ms | p99 during, from commit ms | publish p99 during ms "
        "| recovery s | idle in transaction / waiting for a lock, halfway |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |",
        *rows,
        "",
        f"Reconnects {sum(r['reconnects'] for r in results):,}, streams closed by the server "
        f"{sum(r['server_closed'] for r in results):,}, failed connection attempts "
        f"{sum(r['failed_attempts'] for r in results):,}, readers given up "
        f"{sum(r['dead'] for r in results)}, resets {sum(r['resets'] for r in results)}.",
    ]
    costs = outcome["costs_per_change"]
    if costs:
        lines += [
            "",
            f"Per change (whole run, faults included): {costs.get('xact_commit', 0):g} "
            f"PostgreSQL transactions, rows inserted {costs.get('tup_inserted', 0):g} / "
            f"updated {costs.get('tup_updated', 0):g} / deleted {costs.get('tup_deleted', 0):g}; "
            f"Redis PUBLISH {costs.get('publish_calls', 0):g}, "
            f"{outcome['redis_subscribers']} subscribers, "
            f"{costs.get('bytes_out', 0) / 1024:,.1f} KB sent by Redis. Front nginx: "
            f"{outcome['front_nginx_kb_per_reader']:.1f} KB per open reader.",
        ]
    examples = [e for r in results for e in r["examples"]][:5]
    errors = Counter[str]()
    for result in results:
        errors.update(result["errors"])
    if examples:
        lines += ["", "Readers with problems:", *(f"- {e}" for e in examples)]
    if errors:
        lines += ["", "Reader errors:", *(f"- {n} x {e}" for e, n in errors.most_common(6))]
    if outcome["publish_errors"]:
        lines += ["", "Publish errors:", *(f"- {e}" for e in outcome["publish_errors"][:6])]
    data = {
        "faults": figures,
        "totals": {problem: totals[problem] for problem in PROBLEMS},
        "baseline_p99_ms": percentile(baseline, 0.99) / 1e6,
        "readers": outcome["readers"],
        "connected": outcome["connected"],
        "changes": outcome["changes"],
        "drained": outcome["drained"],
        "costs_per_change": outcome["costs_per_change"],
        "redis_subscribers": outcome["redis_subscribers"],
        "front_nginx_kb_per_reader": outcome["front_nginx_kb_per_reader"],
        "publish_errors": outcome["publish_errors"],
        "ok": ok,
    }
    return "\n".join(lines), data, ok
