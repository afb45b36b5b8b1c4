"""Faults a live blog meets in production, for real: a worker killed, Redis down, PostgreSQL
restarted. Readers must end up with every change exactly once, in order; writers get a clear
answer (201, or 503 with Retry-After), never a 500.

Every service a test stops is its own (see fault_support.py): the shared ones serve other runs.
Recovery times are printed (run with -s to see them), never asserted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pytest

from bulletin.blogs.models import Change, LiveBlog
from bulletin.realtime.protocol import PUBLIC_KINDS
from tests.conftest import require_service
from tests.realtime.conftest import Newsroom
from tests.realtime.fault_support import (
    Follower,
    PostgresCluster,
    RedisServer,
    call,
    peer_ports,
    postgres_bindir,
    redis_server_binary,
    wait_until,
    worker_pids,
)
from tests.realtime.support import Server

KILL_READERS = 20
# These tests reconnect and publish far faster than any reader or newsroom would: the
# per-address rate limits (docs/security.md) are not what they are about.
UNLIMITED = {"rate_limit_stream": "off", "rate_limit_changes": "off", "rate_limit_api_write": "off"}
OUTAGE_READERS = 8
PUBLISH_EVERY = 0.1


@pytest.fixture(autouse=True)
def _stop_threads() -> Iterator[None]:
    """Readers and publishers stop with their test, even one that failed half-way."""
    yield
    for follower in Follower.started:
        follower.stop()
    for publisher in Publisher.started:
        publisher.stop()
    Follower.started.clear()
    Publisher.started.clear()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    require_service(
        "redis-server", lambda: redis_server_binary() is not None, "apt-get install redis-server"
    )
    redis = RedisServer().start()
    try:
        yield redis
    finally:
        redis.stop()


def _public_seqs(blog_id: int, after: int) -> list[int]:
    rows = Change.objects.filter(blog_id=blog_id, public=True, seq__gt=after, kind__in=PUBLIC_KINDS)
    return list(rows.order_by("seq").values_list("seq", flat=True))


def _seq(blog_id: int) -> int:
    return int(LiveBlog.objects.get(pk=blog_id).seq)


def _follow(server: Server, slug: str, since: int, count: int) -> list[Follower]:
    followers = [Follower(server.port, slug, since) for _ in range(count)]
    for follower in followers:
        follower.start()
    assert wait_until(lambda: all(f.connected.is_set() for f in followers), 20)
    return followers


def _finish(followers: list[Follower], last_seq: int, timeout: float = 30) -> float:
    """Wait until every reader has ``last_seq``; return how long that took."""
    started = time.monotonic()
    wait_until(lambda: all(f.last >= last_seq for f in followers), timeout)
    took = time.monotonic() - started
    for follower in followers:
        follower.stop()
    for follower in followers:
        follower.join(timeout=5)
    return took


def _assert_everyone_has_exactly(followers: list[Follower], expected: list[int]) -> None:
    assert expected, "nothing was published"
    for number, follower in enumerate(followers):
        assert follower.resets == 0, f"reader {number} was told to reload"
        assert follower.seqs == expected, (
            f"reader {number}: missing {sorted(set(expected) - set(follower.seqs))}, "
            f"duplicated {sorted({s for s in follower.seqs if follower.seqs.count(s) > 1})}"
        )


class Publisher(threading.Thread):
    """Publishes an entry through the API every ``every`` seconds until stopped."""

    started: ClassVar[list[Publisher]] = []

    def __init__(self, server: Server, newsroom: Newsroom, prefix: str, every: float) -> None:
        super().__init__(daemon=True)
        Publisher.started.append(self)
        self.url = f"{server.base}/api/v1/blogs/{newsroom.blog.slug}/entries"
        self.token = newsroom.token
        self.prefix = prefix
        self.every = every
        self.statuses: list[int] = []
        self.broken = 0  # requests whose connection died (their worker was killed)
        self.slowest = 0.0
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()
        if self.ident is not None:  # started
            self.join(timeout=15)

    def run(self) -> None:
        number = 0
        while not self._halt.is_set():
            number += 1
            started = time.monotonic()
            try:
                headline = f"{self.prefix} {number}"
                answer = call(
                    self.url, method="POST", body={"headline": headline}, token=self.token
                )
                self.statuses.append(answer.status)
            except OSError:
                self.broken += 1
            self.slowest = max(self.slowest, time.monotonic() - started)
            self._halt.wait(self.every)


# --- a worker killed -------------------------------------------------------------------------


def test_readers_of_a_killed_worker_resume_on_another_and_miss_nothing(newsroom, serve, own_redis):
    server = serve(workers=2, redis_url=own_redis.url, **UNLIMITED)
    assert server.process is not None
    parent = server.process.pid
    assert wait_until(lambda: len(worker_pids(parent)) == 2, 20)
    workers = worker_pids(parent)
    since = _seq(newsroom.blog.pk)
    followers = _follow(server, newsroom.blog.slug, since, KILL_READERS)

    # Which worker holds which reader: the kernel hands connections to either.
    def holders() -> dict[int, list[Follower]]:
        ports = {pid: peer_ports(pid) for pid in workers}
        return {pid: [f for f in followers if f.local_port() in ports[pid]] for pid in workers}

    assert wait_until(lambda: sum(map(len, holders().values())) == KILL_READERS, 10)
    # The kernel may give one worker most of them: move some over until both hold a quarter.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        held = holders()
        busier = max(workers, key=lambda pid: len(held[pid]))
        if min(map(len, held.values())) >= KILL_READERS // 4:
            break
        moving = held[busier][0]
        moved = len(moving.drops) + 1
        moving.reconnect()
        wait_until(lambda f=moving, n=moved: len(f.resumed) >= n, 5)
    wait_until(lambda: sum(map(len, holders().values())) == KILL_READERS, 5)
    held = holders()
    for follower in followers:  # what happened so far was only the shuffle
        follower.drops.clear()
        follower.resumed.clear()
    victim = max(workers, key=lambda pid: len(held[pid]))
    print(f"\nreaders per worker: { {pid: len(f) for pid, f in held.items()} }; killing {victim}")

    publisher = Publisher(server, newsroom, "before and after the kill", PUBLISH_EVERY)
    publisher.start()
    time.sleep(1.0)
    killed_at = time.monotonic()
    os.kill(victim, signal.SIGKILL)

    def replaced() -> bool:
        now = worker_pids(parent)
        return victim not in now and len(now) == 2

    restarted = wait_until(replaced, 15)
    restart_took = time.monotonic() - killed_at
    time.sleep(max(0.0, killed_at + 2.5 - time.monotonic()))
    publisher.stop()

    expected = _public_seqs(newsroom.blog.pk, since)
    took = _finish(followers, expected[-1] if expected else since)
    _assert_everyone_has_exactly(followers, expected)
    assert set(publisher.statuses) == {201}, publisher.statuses
    for follower in held[victim]:
        assert follower.drops, "a reader of the killed worker never saw its stream end"
    resumed = max(f.resumed[0] - f.drops[0] for f in held[victim] if f.resumed)
    print(
        f"{len(expected)} changes, {len(held[victim])} readers cut off; they reconnected within "
        f"{resumed:.2f}s of losing their stream; everyone complete {took:.2f}s after the last "
        f"publish; {publisher.broken} publishes lost with the worker (not committed or not "
        f"answered); uvicorn replaced the worker: {restarted}, "
        f"{restart_took:.1f}s after the kill"
    )


# --- Redis down ------------------------------------------------------------------------------

REDIS_OUTAGE_SECONDS = 8


def test_an_outage_of_redis_delays_readers_but_loses_no_change(newsroom, serve, own_redis):
    server = serve(workers=2, redis_url=own_redis.url, **UNLIMITED)
    since = _seq(newsroom.blog.pk)
    followers = _follow(server, newsroom.blog.slug, since, OUTAGE_READERS)
    entries = f"{server.base}/api/v1/blogs/{newsroom.blog.slug}/entries"

    def publish(headline: str) -> float:
        started = time.monotonic()
        answer = call(entries, method="POST", body={"headline": headline}, token=newsroom.token)
        assert answer.status == 201, answer.body
        return time.monotonic() - started

    publish("before the outage")
    own_redis.stop()
    down_until = time.monotonic() + REDIS_OUTAGE_SECONDS
    slowest = 0.0
    number = 0
    while time.monotonic() < down_until:
        number += 1
        slowest = max(slowest, publish(f"while Redis is down {number}"))
        time.sleep(0.5)
    own_redis.start()
    back_at = time.monotonic()
    publish("after the outage")

    expected = _public_seqs(newsroom.blog.pk, since)
    took = _finish(followers, expected[-1])
    _assert_everyone_has_exactly(followers, expected)
    print(
        f"\n{number} entries published while Redis was down (slowest answer {slowest:.3f}s, "
        f"all 201); every reader had all {len(expected)} changes {time.monotonic() - back_at:.2f}s "
        f"after Redis came back ({took:.2f}s after the last publish)"
    )


# --- PostgreSQL restarted --------------------------------------------------------------------

PG_OUTAGE_SECONDS = 6
SCHEDULED_AFTER_SECONDS = 3
# An editor who may create live blogs, and an API token for them (one process, not two).
SEED_EDITOR = (
    "from bulletin.accounts.models import ApiToken, User; "
    "editor = User.objects.create_user('desk', is_staff=True); "
    "print(ApiToken.issue(editor, 'fault test', None)[1])"
)


@pytest.fixture
def own_postgres() -> Iterator[PostgresCluster]:
    require_service(
        "PostgreSQL server binaries (initdb, pg_ctl)",
        lambda: postgres_bindir() is not None,
        "apt-get install postgresql",
    )
    cluster = PostgresCluster()
    try:
        cluster.init().start()
        cluster.create_database()
        yield cluster
    finally:
        cluster.destroy()


def _bulletin(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bulletin.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


@pytest.mark.postgres
@pytest.mark.postgres_only
def test_a_postgres_restart_answers_503_meanwhile_and_loses_or_doubles_nothing(
    own_postgres, tmp_path
):
    cluster = own_postgres
    env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
    env.update(BULLETIN_DATABASE_URL=cluster.url, BULLETIN_DATA_DIR=str(tmp_path))
    _bulletin(env, "migrate", "--no-input", "-v", "0")
    token = _bulletin(env, "shell", "-c", SEED_EDITOR).strip().splitlines()[-1]

    server = Server(
        env={
            "BULLETIN_DATABASE_URL": cluster.url,
            "BULLETIN_DATA_DIR": str(tmp_path),
            **{f"BULLETIN_{name.upper()}": value for name, value in UNLIMITED.items()},
        },
        workers=2,
        scheduler=True,
    ).start()
    try:
        _restart_postgres_under_load(cluster, server, token)
    finally:
        server.stop()


def _column(cluster: PostgresCluster, sql: str, *params: object) -> list[Any]:
    return [row[0] for row in cluster.query(sql, *params)]


def _restart_postgres_under_load(cluster: PostgresCluster, server: Server, token: str) -> None:
    api = f"{server.base}/api/v1/blogs"
    created = call(
        api, method="POST", body={"slug": "harbour-storm", "title": "Storm"}, token=token
    )
    assert created.status == 201, created.body
    assert call(f"{api}/harbour-storm/live", method="POST", token=token).status == 200
    blog_id = created.json()["id"]
    since = cluster.query("SELECT seq FROM blogs_liveblog WHERE id = %s", blog_id)[0][0]
    followers = _follow(server, "harbour-storm", since, 4)
    published: list[str] = []

    def publish(headline: str, **fields: object) -> int:
        body = {"headline": headline, **fields}
        answer = call(f"{api}/harbour-storm/entries", method="POST", body=body, token=token)
        if answer.status == 201:
            published.append(headline)
        return answer.status

    for number in range(3):
        assert publish(f"before the restart {number}") == 201
    assert wait_until(lambda: all(len(f.seqs) == 3 for f in followers), 10)
    for _ in range(10):  # rendered and kept by whichever workers answer
        assert call(f"{server.base}/live/harbour-storm").status == 200
    due = datetime.now(UTC) + timedelta(seconds=SCHEDULED_AFTER_SECONDS)
    scheduled = publish(
        "scheduled for during the outage", status="scheduled", scheduled_for=due.isoformat()
    )
    assert scheduled == 201
    published.remove("scheduled for during the outage")  # published later, by the scheduler

    cluster.stop("fast")
    stopped_at = time.monotonic()
    assert server.process is not None
    parent = server.process.pid
    victim = worker_pids(parent)[0]
    statuses: dict[str, set[int]] = {"api": set(), "page": set(), "changes": set(), "events": set()}
    while time.monotonic() - stopped_at < PG_OUTAGE_SECONDS:
        if victim in worker_pids(parent) and time.monotonic() - stopped_at > 2:
            # A worker that dies now must come back without the database (its readers resume).
            os.kill(victim, signal.SIGKILL)
        statuses["api"].add(publish("while PostgreSQL is down"))
        refused = call(
            f"{api}/harbour-storm/entries", method="POST", body={"headline": "x"}, token=token
        )
        statuses["api"].add(refused.status)
        if refused.status == 503:
            assert refused.header("Retry-After") == "5", refused.headers
            assert refused.json()["error"]["code"] == "service_unavailable"
        reading = call(f"{server.base}/live/harbour-storm")
        statuses["page"].add(reading.status)
        if reading.status == 200:  # a worker that had it rendered serves it from memory
            assert reading.header("X-Bulletin-Cache") in {"hit", "stale"}
        else:  # the others: a page that says so and reloads itself
            assert reading.header("Retry-After") == "5", reading.headers
            assert b"Back in a moment" in reading.body
        polled = call(f"{server.base}/live/harbour-storm/changes?since=0")
        statuses["changes"].add(polled.status)
        if polled.status == 503:
            assert polled.header("Retry-After") == "5", polled.headers
        statuses["events"].add(call(f"{server.base}/live/harbour-storm/events", timeout=3).status)
        time.sleep(0.3)
    assert statuses["api"] == {503}, statuses
    assert statuses["page"] <= {200, 503}, statuses
    assert statuses["changes"] == {503}, statuses
    assert statuses["events"] == {503}, statuses
    assert "while PostgreSQL is down" not in published

    def replaced() -> bool:
        workers = worker_pids(parent)
        return victim not in workers and len(workers) == 2

    # uvicorn replaces it within a second or so; longer on a busy machine (it pings each
    # worker in turn, waiting up to 5 s for each answer).
    assert wait_until(replaced, 20), "the killed worker was not replaced"

    cluster.start()
    started_at = time.monotonic()
    assert wait_until(lambda: publish("after the restart 0") == 201, 20, step=0.2)
    first_write = time.monotonic() - started_at
    for number in range(1, 3):
        assert publish(f"after the restart {number}") == 201
    assert wait_until(
        lambda: (
            cluster.query(
                "SELECT count(*) FROM blogs_entry WHERE blog_id = %s AND status = 'published' "
                "AND headline = 'scheduled for during the outage'",
                blog_id,
            )[0][0]
            == 1
        ),
        15,
    ), "the scheduler did not publish the entry that fell due during the outage"

    seqs = _column(cluster, "SELECT seq FROM blogs_change WHERE blog_id = %s ORDER BY seq", blog_id)
    last = cluster.query("SELECT seq FROM blogs_liveblog WHERE id = %s", blog_id)[0][0]
    assert seqs == list(range(1, last + 1)), "the change log has a gap or a repeat"
    headlines = _column(
        cluster,
        "SELECT headline FROM blogs_entry WHERE blog_id = %s AND status = 'published'",
        blog_id,
    )
    assert sorted(headlines) == sorted([*published, "scheduled for during the outage"])
    expected = _column(
        cluster,
        "SELECT seq FROM blogs_change WHERE blog_id = %s AND public AND seq > %s "
        "AND kind = ANY(%s) ORDER BY seq",
        blog_id,
        since,
        sorted(PUBLIC_KINDS),
    )
    took = _finish(followers, expected[-1])
    _assert_everyone_has_exactly(followers, expected)
    print(
        f"\nPostgreSQL down {PG_OUTAGE_SECONDS}s: API {sorted(statuses['api'])}, page "
        f"{sorted(statuses['page'])}, changes {sorted(statuses['changes'])}, new streams "
        f"{sorted(statuses['events'])}; first write {first_write:.2f}s after it was back; "
        f"readers complete {took:.2f}s after the last publish"
    )
