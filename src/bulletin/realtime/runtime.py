"""This process's realtime parts: the broker (publishing side, any process) and the hub
(only in a serving process, started by the edge's lifespan)."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings

from bulletin import config
from bulletin.blogs.events import ChangeEvent
from bulletin.metrics import metrics
from bulletin.realtime import brokers
from bulletin.realtime.brokers.base import Broker
from bulletin.realtime.hub import Hub

_lock = threading.Lock()
_broker: Broker | None = None
# The hub the edge's lifespan started in this process, if any (desk streams wait on it).
_hub: Hub | None = None


def broker_name() -> str:
    return brokers.choose(
        config.current.BROKER,
        workers=config.current.WORKERS,
        redis_url=config.current.REDIS_URL,
        database_engine=settings.DATABASES["default"]["ENGINE"],
    )


def broker() -> Broker:
    """The broker of this process, made from settings on first use (not at import)."""
    global _broker
    with _lock:
        if _broker is None:
            _broker = brokers.build(broker_name())
        return _broker


def set_hub(hub: Hub | None) -> None:
    global _hub
    _hub = hub


def hub() -> Hub | None:
    """This serving process's hub; None outside `bulletin serve` (e.g. in a test client)."""
    return _hub


def reset_for_tests() -> None:
    global _broker
    with _lock:
        _broker = None


def publish_committed_change(sender: Any, event: ChangeEvent, **_kwargs: Any) -> None:
    """The service layer's after-commit hook: hand the change to the broker."""
    broker().publish(event)
    metrics().changes_published.labels(event.kind).inc()
