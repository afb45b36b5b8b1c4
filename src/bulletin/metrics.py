"""Prometheus metrics of this process, and their exposition (docs/operations.md lists them).

prometheus_client picks how it stores values when it is first imported: in memory, or (with
``PROMETHEUS_MULTIPROC_DIR`` set) in per-process files that the ``/metrics`` answer of any
worker adds up. ``bulletin serve`` sets that variable before it starts its workers, so this
module imports prometheus_client only when a metric is first used, never at import time.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

from bulletin.lazy import once

if TYPE_CHECKING:
    from prometheus_client import Counter, Gauge, Histogram
    from prometheus_client.core import Metric

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
OPEN_READERS = "bulletin_open_readers"
# Writing one change to every reader of a blog: well under a millisecond for a few readers,
# tens of milliseconds for tens of thousands.
BROADCAST_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_LIVE_GAUGE_FILE = re.compile(r"^gauge_live\w+?_(\d+)\.db$")


def multiprocess_dir() -> str | None:
    """The folder the workers share their values through, or None in a single process."""
    return os.environ.get(MULTIPROCESS_ENV) or None


class Metrics:
    """Every metric Bulletin exports. Made once per process by :func:`metrics`."""

    def __init__(self) -> None:
        from prometheus_client import Counter, Gauge, Histogram

        self.open_readers: Gauge = Gauge(
            OPEN_READERS,
            "Live streams open now, per blog (only blogs with readers are listed).",
            ["blog"],
            multiprocess_mode="livesum",
        )
        self.sse_connections: Counter = Counter(
            "bulletin_sse_connections_opened", "Live streams (SSE) opened."
        )
        self.changes_published: Counter = Counter(
            "bulletin_changes_published", "Changes committed and handed to the broker.", ["kind"]
        )
        self.broadcast_seconds: Histogram = Histogram(
            "bulletin_broadcast_seconds",
            "Seconds to write one change to every reader of its blog in one worker process.",
            buckets=BROADCAST_BUCKETS,
        )
        self.slow_readers_dropped: Counter = Counter(
            "bulletin_slow_readers_dropped", "Readers cut off because their socket was full."
        )
        self.backfills: Counter = Counter(
            "bulletin_backfills", "Times a hub read missing changes from the change log."
        )
        self.broker_reconnects: Counter = Counter(
            "bulletin_broker_reconnects",
            "Times a worker lost its broker connection (or a db-tail poll failed).",
            ["broker"],
        )
        self.request_seconds: Histogram = Histogram(
            "bulletin_http_request_duration_seconds",
            "Seconds Django took to answer a request (live streams and feeds not included).",
            ["method", "route", "status"],
            buckets=REQUEST_BUCKETS,
        )


@once
def metrics() -> Metrics:
    """This process's metrics, made on first use (prometheus_client refuses a metric twice)."""
    return Metrics()


# --- exposition ---------------------------------------------------------------------------


class _OnlyBlogsWithReaders:
    """Leaves out the open-readers series at zero: a label per blog ever read would pile up
    (and multiprocess mode cannot remove a series once written)."""

    def __init__(self, source: Any) -> None:
        self.source = source

    def collect(self) -> Iterable[Metric]:
        for metric in self.source.collect():
            if metric.name == OPEN_READERS:
                metric.samples = [sample for sample in metric.samples if sample.value]
            yield metric


def _forget_dead_workers(path: str) -> None:
    # A worker that died without shutting down leaves its live gauges behind (its readers
    # are gone); uvicorn starts a new one with a new pid.
    for name in os.listdir(path):
        found = _LIVE_GAUGE_FILE.match(name)
        if found is None:
            continue
        pid = int(found.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            _mark_dead(pid, path)
        except PermissionError:
            pass  # alive, someone else's: not ours to judge


def exposition() -> tuple[bytes, str]:
    """The text exposition of every worker's metrics, and its content type."""
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
    from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
    from prometheus_client.multiprocess import MultiProcessCollector

    metrics()  # every metric is listed, even before its first use
    path = multiprocess_dir()
    source: Any = REGISTRY
    if path is not None:
        _forget_dead_workers(path)
        source = CollectorRegistry()
        MultiProcessCollector(source, path)  # type: ignore[no-untyped-call]
    return generate_latest(_OnlyBlogsWithReaders(source)), CONTENT_TYPE_PLAIN_0_0_4


def worker_exiting() -> None:
    """Drop this worker's live gauges from the shared folder as it shuts down."""
    path = multiprocess_dir()
    if path is not None:
        with contextlib.suppress(OSError):
            _mark_dead(os.getpid(), path)


def _mark_dead(pid: int, path: str) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid, path)  # type: ignore[no-untyped-call]


def prepare_multiprocess_dir(path: str) -> None:
    """Empty ``path`` of a previous run's values (files of old pids would add up with ours)."""
    os.makedirs(path, exist_ok=True)
    for stale in glob.glob(os.path.join(path, "*.db")):
        with contextlib.suppress(FileNotFoundError):
            os.remove(stale)


# --- Django requests ----------------------------------------------------------------------


def _route(request: HttpRequest) -> str:
    # The URL pattern, never the path: one series per route, whatever the slugs and ids.
    match = request.resolver_match
    if match is None:
        return "unmatched"
    return "/" + match.route


def _observe(request: HttpRequest, response: HttpResponseBase, started: float) -> None:
    method = request.method if request.method in METHODS else "other"
    metrics().request_seconds.labels(
        method, _route(request), f"{response.status_code // 100}xx"
    ).observe(time.perf_counter() - started)


Handler = Callable[[HttpRequest], Any]


@sync_and_async_middleware
def request_metrics(get_response: Handler) -> Handler:
    """Time every Django request, labelled by method, route pattern and status class."""
    if iscoroutinefunction(get_response):

        async def timed_async(request: HttpRequest) -> HttpResponseBase:
            started = time.perf_counter()
            response: HttpResponseBase = await get_response(request)
            _observe(request, response, started)
            return response

        return markcoroutinefunction(timed_async)

    def timed(request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response: HttpResponseBase = get_response(request)
        _observe(request, response, started)
        return response

    return timed
