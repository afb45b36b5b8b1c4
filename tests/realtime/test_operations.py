"""Health, readiness and metrics, asked of real `bulletin serve` processes."""

from __future__ import annotations

import asyncio
import glob
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from bulletin.management.commands.serve import shared_metrics
from bulletin.metrics import MULTIPROCESS_ENV, OPEN_READERS, metrics
from bulletin.realtime.edge import Edge
from bulletin.realtime.operations import Probe
from tests import loops
from tests.realtime.conftest import api_publish
from tests.realtime.support import Server, SSEClient, free_port

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _parse(text: str) -> Samples:
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def scrape(server: Server) -> Samples:
    status, _, body = _get(f"{server.base}/metrics")
    assert status == 200
    return _parse(body.decode())


def total(samples: Samples, name: str) -> float:
    return sum(value for (sample, _), value in samples.items() if sample == name)


def readers_of(samples: Samples, slug: str) -> float:
    return samples.get((OPEN_READERS, (("blog", slug),)), 0.0)


def wait_for(check: Callable[[], Any], timeout: float = 10) -> Any:
    """Poll ``check`` until it returns something true (the hub updates as readers attach)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


# --- health and readiness ---------------------------------------------------------------------


def test_healthz_says_ok_and_is_never_cached(serve):
    server = serve()

    status, headers, body = _get(f"{server.base}/healthz")

    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    assert headers["cache-control"] == "no-store"


def test_readyz_is_ready_when_the_database_and_broker_answer(serve):
    server = serve()

    status, headers, body = _get(f"{server.base}/readyz")

    assert status == 200
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    assert headers["cache-control"] == "no-store"


def test_readyz_answers_503_at_once_when_redis_is_not_there(serve):
    server = serve(broker="redis", redis_url=f"redis://127.0.0.1:{free_port()}/0")

    status, headers, body = _get(f"{server.base}/readyz")

    assert status == 503
    assert headers["retry-after"] == "5"
    assert headers["cache-control"] == "no-store"
    answer = json.loads(body)
    assert answer["status"] == "unavailable"
    assert answer["checks"]["database"] == "ok"
    assert answer["checks"]["broker"].startswith("redis: ")


def test_a_hung_check_is_given_up_on_and_not_started_again_while_it_hangs():
    started = 0

    async def hangs() -> None:
        nonlocal started
        started += 1
        await asyncio.Event().wait()

    async def probe_twice() -> list[str]:
        probe = Probe(hangs, timeout=0.05)
        return [await probe(), await probe()]

    assert asyncio.run(probe_twice()) == ["no answer within 0.05 s"] * 2
    assert started == 1


# --- metrics ------------------------------------------------------------------------------------


def test_metrics_count_changes_streams_and_open_readers_of_a_blog(newsroom, serve):
    server = serve()
    slug = newsroom.blog.slug
    before = scrape(server)

    reader = SSEClient(server.port, f"/live/{slug}/events")
    with_reader = wait_for(lambda: (s := scrape(server)) and readers_of(s, slug) == 1 and s)
    api_publish(server, newsroom, "counted")
    assert [e.json()["data"]["entry"]["headline"] for e in reader.events(1)] == ["counted"]
    after = scrape(server)
    reader.close()
    gone = wait_for(lambda: (s := scrape(server)) and readers_of(s, slug) == 0 and s)

    for name in (
        "bulletin_sse_connections_opened_total",
        "bulletin_broadcast_seconds_count",
        "bulletin_slow_readers_dropped_total",
        "bulletin_backfills_total",
    ):
        assert name in {sample for sample, _ in before}
    assert readers_of(before, slug) == 0
    assert readers_of(with_reader, slug) == 1
    assert total(after, "bulletin_changes_published_total") > total(
        before, "bulletin_changes_published_total"
    )
    assert total(after, "bulletin_sse_connections_opened_total") == 1
    assert total(after, "bulletin_broadcast_seconds_count") == 1
    assert total(after, "bulletin_http_request_duration_seconds_count") >= 1
    # Only blogs with readers are listed: a blog nobody reads any more leaves no series.
    assert (OPEN_READERS, (("blog", slug),)) not in gone


def _readers_per_worker(folder: Path, slug: str) -> dict[str, float]:
    counts = {}
    for path in glob.glob(str(folder / "gauge_livesum_*.db")):
        for family in MultiProcessCollector.merge([path]):  # type: ignore[no-untyped-call]
            for sample in family.samples:
                if sample.name == OPEN_READERS and sample.labels.get("blog") == slug:
                    counts[Path(path).stem.rsplit("_", 1)[1]] = sample.value
    return counts


def test_open_readers_on_different_workers_add_up(newsroom, tmp_path):
    slug = newsroom.blog.slug
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"left over from an earlier run")
    readers: list[SSEClient] = []
    # Up to 200 readers from this one address: the per-address stream cap (20 per worker) is
    # not what this test is about, and the kernel may give one worker more than 20 of them
    # (on a loaded machine the second worker may still be starting while the first accepts).
    env = {
        MULTIPROCESS_ENV: str(folder),
        "BULLETIN_BROKER": "dbtail",
        "BULLETIN_STREAMS_PER_CLIENT": "0",
    }
    with Server(env=env, workers=2) as server:
        # The kernel spreads connections over the workers: open readers until both have some.
        while len(readers) < 200:
            readers.append(SSEClient(server.port, f"/live/{slug}/events"))
            counted = wait_for(
                lambda: (c := _readers_per_worker(folder, slug)) and sum(c.values()) == len(readers)
            )
            assert counted, "the worker's gauge never counted the new reader"
            if len([n for n in _readers_per_worker(folder, slug).values() if n]) == 2:
                break
        per_worker = _readers_per_worker(folder, slug)
        scrapes = [scrape(server) for _ in range(6)]  # each answered by either worker

    assert not (folder / "counter_1.db").exists()
    assert len([n for n in per_worker.values() if n]) == 2
    assert [readers_of(s, slug) for s in scrapes] == [len(readers)] * 6


def test_every_worker_reports_the_changes_all_workers_published(newsroom, serve):
    server = serve(workers=2, broker="dbtail")
    slug = newsroom.blog.slug
    readers = [SSEClient(server.port, f"/live/{slug}/events") for _ in range(4)]
    wait_for(lambda: readers_of(scrape(server), slug) == 4)
    for n in range(3):
        api_publish(server, newsroom, f"from either worker {n}")
    for reader in readers:
        assert len(reader.events(3)) == 3

    scrapes = [scrape(server) for _ in range(6)]

    assert [total(s, "bulletin_changes_published_total") for s in scrapes] == [3] * 6
    assert [readers_of(s, slug) for s in scrapes] == [4] * 6


def test_serve_gives_several_workers_a_fresh_metrics_folder_and_removes_it(monkeypatch):
    monkeypatch.delenv(MULTIPROCESS_ENV, raising=False)

    with shared_metrics(1) as single:
        assert single is None
        assert MULTIPROCESS_ENV not in os.environ
    with shared_metrics(2) as folder:
        assert folder is not None
        assert os.environ[MULTIPROCESS_ENV] == folder
        assert os.listdir(folder) == []

    assert MULTIPROCESS_ENV not in os.environ
    assert not os.path.exists(folder)


# --- who may read /metrics ------------------------------------------------------------------


def _ask_edge(client: tuple[str, int], headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    async def no_django(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("/metrics must be answered by the edge")

    async def ask() -> tuple[int, bytes]:
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "method": "GET",
            "path": "/metrics",
            "query_string": b"",
            "headers": headers,
            "client": client,
        }
        await Edge(no_django)(scope, None, send)
        return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

    return loops.run(ask)


ELSEWHERE = ("203.0.113.9", 1234)


def test_metrics_are_not_found_by_a_client_elsewhere_without_the_token(settings, monkeypatch):
    monkeypatch.setitem(settings.BULLETIN, "METRICS_TOKEN", "scrape-me-0123456789")

    assert _ask_edge(ELSEWHERE, [])[0] == 404
    assert _ask_edge(ELSEWHERE, [(b"authorization", b"Bearer wrong-token")])[0] == 404


def test_metrics_are_refused_elsewhere_when_no_token_is_set(settings, monkeypatch):
    monkeypatch.setitem(settings.BULLETIN, "METRICS_TOKEN", "")

    assert _ask_edge(ELSEWHERE, [(b"authorization", b"Bearer ")])[0] == 404


def test_metrics_are_served_to_the_bearer_of_the_token_and_to_loopback(settings, monkeypatch):
    monkeypatch.setitem(settings.BULLETIN, "METRICS_TOKEN", "scrape-me-0123456789")

    status, body = _ask_edge(ELSEWHERE, [(b"authorization", b"Bearer scrape-me-0123456789")])
    assert status == 200
    assert b"bulletin_sse_connections_opened_total" in body
    assert _ask_edge(("127.0.0.1", 5555), [])[0] == 200
    assert _ask_edge(("::1", 5555), [])[0] == 200


# --- Django requests --------------------------------------------------------------------------


def _request_series() -> set[tuple[str, str, str]]:
    family = next(iter(metrics().request_seconds.collect()))
    return {
        (s.labels["method"], s.labels["route"], s.labels["status"])
        for s in family.samples
        if s.name.endswith("_count")
    }


@pytest.mark.django_db
def test_django_requests_are_timed_by_route_pattern_never_by_path(client, make):
    blog = make.blog()

    client.get(f"/live/{blog.slug}/feed.atom")
    client.get("/no/such/page/48151623")

    series = _request_series()
    assert ("GET", "/live/<slug:slug>/feed.atom", "2xx") in series
    assert ("GET", "unmatched", "4xx") in series
    assert not any("48151623" in route or blog.slug in route for _, route, _ in series)
