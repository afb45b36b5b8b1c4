"""What the hub does, told to Prometheus (:mod:`bulletin.metrics` holds the metrics)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bulletin.metrics import Metrics
from bulletin.realtime.hub import HubObserver

if TYPE_CHECKING:
    from prometheus_client import Gauge


class HubMetrics(HubObserver):
    """Tells Prometheus what the hub does: once per broadcast, never once per reader."""

    def __init__(self, target: Metrics) -> None:
        self.metrics = target
        self._readers: dict[str, Gauge] = {}

    def broadcast(self, seconds: float) -> None:
        self.metrics.broadcast_seconds.observe(seconds)

    def slow_reader_dropped(self) -> None:
        self.metrics.slow_readers_dropped.inc()

    def backfill(self) -> None:
        self.metrics.backfills.inc()

    def readers(self, slug: str, count: int) -> None:
        gauge = self._readers.get(slug)
        if gauge is None:
            gauge = self._readers[slug] = self.metrics.open_readers.labels(slug)
        gauge.set(count)
