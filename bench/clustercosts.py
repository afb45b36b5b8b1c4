"""What one change costs the cluster's shared parts, read from the services themselves.

Samples taken before and after the publishing: PostgreSQL's own counters for the database
(transactions committed, rows inserted, updated and deleted: ``pg_stat_database``), Redis's
count of ``PUBLISH`` calls and messages it delivered to subscribers (``INFO``), and the front
nginx's resident memory (before the readers connect and with them).
"""

from __future__ import annotations

import contextlib
from typing import Any

import psutil

PG_COUNTERS = ("xact_commit", "tup_inserted", "tup_updated", "tup_deleted")


def database_counters(database_url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            f"SELECT {', '.join(PG_COUNTERS)} FROM pg_stat_database "  # noqa: S608 - constants
            "WHERE datname = current_database()"
        ).fetchone()
    return dict(zip(PG_COUNTERS, (int(v) for v in row or ()), strict=False))


def redis_counters(address: str, port: int) -> dict[str, int]:
    import redis

    client = redis.Redis(host=address, port=port, socket_timeout=5)
    try:
        commands = client.info("commandstats")
        stats = client.info("stats")
        channels = client.pubsub_numsub(*[c for c in client.pubsub_channels()])
    finally:
        client.close()
    publish = commands.get("cmdstat_publish", {})
    return {
        "publish_calls": int(publish.get("calls", 0)) if isinstance(publish, dict) else 0,
        "subscribers": sum(int(n) for _, n in channels),
        "bytes_out": int(stats.get("total_net_output_bytes", 0)),
    }


def tree_rss(pid: int) -> int:
    """Resident memory of a process and its children (nginx: master and workers)."""
    with contextlib.suppress(psutil.NoSuchProcess):
        root = psutil.Process(pid)
        total = 0
        for proc in (root, *root.children(recursive=True)):
            with contextlib.suppress(psutil.NoSuchProcess):
                total += proc.memory_info().rss
        return total
    return 0


def per_change(before: dict[str, Any], after: dict[str, Any], changes: int) -> dict[str, float]:
    """The difference of two samples, divided by the changes published in between."""
    if changes <= 0:
        return {}
    return {
        key: round((after[key] - before[key]) / changes, 2)
        for key in before
        if key in after and key != "subscribers"
    }


def stuck_sessions(database_url: str) -> dict[str, int]:
    """Sessions holding a transaction open without running anything, and those waiting for a
    lock: a worker cut off mid-transaction shows as the first, the writers behind it as the
    second."""
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE state = 'idle in transaction'), "
            "count(*) FILTER (WHERE wait_event_type = 'Lock') "
            "FROM pg_stat_activity WHERE datname = current_database()"
        ).fetchone()
    idle, waiting = row or (0, 0)
    return {"idle_in_transaction": int(idle), "waiting_for_lock": int(waiting)}
