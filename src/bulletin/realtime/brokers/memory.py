"""One process: the writer's after-commit hook hands the change straight to the local hub."""

from __future__ import annotations

from bulletin.realtime.brokers.base import Broker


class MemoryBroker(Broker):
    name = "memory"
