"""The server side of the soak benchmark: services, a temporary database, Bulletin in
production mode, the newsroom that publishes through the API, and what the server reports.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import secrets
import socket
import sys
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from bulletin_target import SLUG, BulletinTarget
from soakclient import Fingerprint
from soakreport import Action
from targets import HOST, body_html, http_request


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def answers(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or HOST, parts.port or default_port), 1.0):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def temporary_postgres(admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for this run (``bulletin_soak_<pid>``), dropped afterwards."""
    import psycopg

    name = f"bulletin_soak_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = urlsplit(admin_url)._replace(path=f"/{name}").geturl()
    try:
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        log(f"dropped database {name}")


class SoakServer(BulletinTarget):
    """Bulletin as deployed: production mode, the chosen broker, default API rate limits."""

    def __init__(self, broker: str, workers: int, database_url: str | None, redis_url: str):
        super().__init__(broker, workers, database_url, redis_url)
        self.env.update(
            {
                "BULLETIN_MODE": "production",
                "BULLETIN_SECRET_KEY": secrets.token_urlsafe(48),
                "BULLETIN_SITE_URL": "https://soak.invalid",
            }
        )


class Publisher:
    """A newsroom on one live blog: entries, edits with If-Match, and deletes, via the API."""

    def __init__(self, port: int, token: str, seed: int) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.alive: list[list[int]] = []  # [entry id, revision], oldest first
        self.actions: list[Action] = []
        self.rng = random.Random(seed)  # noqa: S311 - a repeatable run, not a secret
        self.errors: list[str] = []

    def _request(
        self, kind: str, method: str, path: str, payload: Any, extra: dict[str, str]
    ) -> tuple[Action, bytes]:
        body = json.dumps(payload).encode() if payload is not None else b""
        at = time.time_ns()
        try:
            status, answer = http_request(
                self.port, method, path, body, headers={**self.headers, **extra}, timeout=30.0
            )
        except OSError as exc:
            status, answer = 0, str(exc).encode()
        ms = (time.time_ns() - at) / 1e6
        action = Action(kind=kind, at_ns=at, ms=ms, status=status, fingerprint=None)
        self.actions.append(action)
        if status not in (200, 201, 204) and len(self.errors) < 20:
            self.errors.append(f"{kind}: {status} {answer[:200]!r}")
        return action, answer

    def create(self, number: int) -> None:
        payload = {"headline": f"Soak update {number}", "body": body_html()}
        action, answer = self._request(
            "create", "POST", f"/api/v1/blogs/{SLUG}/entries", payload, {}
        )
        if action.status == 201:
            entry = json.loads(answer)
            self.alive.append([entry["id"], entry["revision"]])
            action.fingerprint = ("entry", entry["id"], entry["revision"])

    def edit(self, number: int) -> None:
        if not self.alive:
            return
        target = self.rng.choice(self.alive[-20:])  # editors fix recent entries
        payload = {"headline": f"Soak update, corrected at {number}"}
        action, answer = self._request(
            "edit",
            "PATCH",
            f"/api/v1/blogs/{SLUG}/entries/{target[0]}",
            payload,
            {"If-Match": f'"{target[1]}"'},
        )
        if action.status == 200:
            entry = json.loads(answer)
            target[1] = entry["revision"]
            action.fingerprint = ("entry", entry["id"], entry["revision"])

    def delete(self, number: int) -> None:
        if len(self.alive) < 2:
            return
        target = self.alive.pop(self.rng.randrange(len(self.alive) - 1))  # not the newest
        action, _ = self._request(
            "delete", "DELETE", f"/api/v1/blogs/{SLUG}/entries/{target[0]}", None, {}
        )
        if action.status == 204:
            action.fingerprint = ("delete", target[0], 0)


def change_log(
    database_url: str, since: int
) -> tuple[dict[int, Fingerprint], dict[int, int], set[int]]:
    """Every public change after ``since``, read from the database: seq → (kind, entry id,
    revision), seq → when its row was written (``time_ns``), and the seqs superseded since.

    Readers replay only the present (docs/realtime.md): a change superseded by a later one of
    the same entry is redacted, so the public changes feed no longer lists it, yet a reader
    connected when it happened received it. The soak therefore reads the log itself. A
    redacted row keeps no payload; the revision it carried is the entry's count of changes so
    far (the soak's newsroom bumps an entry's revision only by publishing or editing it).
    """
    rows = _change_rows(database_url)
    expected: dict[int, Fingerprint] = {}
    logged: dict[int, int] = {}
    superseded: set[int] = set()
    revisions: dict[int, int] = {}
    for seq, kind, entry_id, redacted, created in rows:
        revision = 0
        if kind == "entry":
            revision = revisions[entry_id] = revisions.get(entry_id, 0) + 1
        if seq <= since:
            continue
        expected[seq] = (kind, entry_id or 0, revision)
        logged[seq] = _time_ns(created)
        if redacted:
            superseded.add(seq)
    return expected, logged, superseded


def _change_rows(database_url: str) -> list[tuple[int, str, int, bool, Any]]:
    # Every public change of the blog, superseded ones included: an entry's count of changes
    # must start from its first, even when that came before ``since``.
    query = (
        "SELECT c.seq, c.kind, c.entry_id, c.redacted, c.created_at FROM blogs_change c "
        "JOIN blogs_liveblog b ON b.id = c.blog_id WHERE b.slug = {0} AND c.public "
        "ORDER BY c.seq"
    )
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as db:
            rows = db.execute(query.format("?"), (SLUG,)).fetchall()
    else:
        import psycopg

        with psycopg.connect(database_url) as conn:
            rows = conn.execute(query.format("%s"), (SLUG,)).fetchall()
    return [(s, k, e, bool(r), c) for s, k, e, r, c in rows]


def _time_ns(created: Any) -> int:
    moment = created if isinstance(created, dt.datetime) else dt.datetime.fromisoformat(created)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)  # SQLite keeps UTC without an offset
    return int(moment.timestamp() * 1e6) * 1000


COUNTERS = {
    "bulletin_backfills_total": "hub backfills from the change log",
    "bulletin_slow_readers_dropped_total": "slow readers cut off",
    "bulletin_broker_reconnects_total": "broker reconnects",
    "bulletin_sse_connections_opened_total": "streams opened",
}


def server_counters(port: int) -> dict[str, float]:
    """The server's own counters from /metrics (all workers), when it answers."""
    try:
        status, body = http_request(port, "GET", "/metrics", timeout=10)
    except OSError:
        return {}
    if status != 200:
        return {}
    totals: dict[str, float] = {}
    for line in body.decode("utf-8", "replace").splitlines():
        name = line.split("{", 1)[0].split(" ", 1)[0]
        if name in COUNTERS:
            with contextlib.suppress(ValueError, IndexError):
                totals[COUNTERS[name]] = totals.get(COUNTERS[name], 0.0) + float(line.split()[-1])
    return totals


def service_versions(database_url: str | None, broker: str, redis_url: str) -> str:
    parts = []
    with contextlib.suppress(Exception):
        if database_url and database_url.startswith("postgres"):
            import psycopg

            with psycopg.connect(database_url) as conn:
                row = conn.execute("SHOW server_version").fetchone()
                parts.append(f"PostgreSQL {str(row[0]).split()[0] if row else '?'}")
    with contextlib.suppress(Exception):
        if broker == "redis":
            import redis

            client = redis.Redis.from_url(redis_url, socket_timeout=2)
            parts.append(f"Redis {client.info('server')['redis_version']}")
            client.close()
    return ", ".join(parts)
