"""Brokers carry committed changes to the hub of every worker process.

A broker only wakes hubs up: a lost or repeated message costs latency (the hub backfills from
the change log), never a change. Chosen by ``BULLETIN_BROKER``:

- ``memory``: one process; the service layer hands changes straight to the local hub.
- ``redis``: Redis pub/sub on ``BULLETIN_REDIS_URL`` carries whole changes between workers.
- ``postgres``: LISTEN/NOTIFY carries only ``blog:seq``; hubs read the change from the log.
- ``dbtail``: every worker polls the change log (~200 ms); needs no service, works on SQLite.
"""

from __future__ import annotations

from django.conf import settings

from bulletin import config
from bulletin.realtime.brokers.base import Broker

BROKERS = ("memory", "redis", "postgres", "dbtail")


def choose(requested: str, *, workers: int, redis_url: str, database_engine: str) -> str:
    """Resolve ``auto``: Redis when configured, else one process in memory, else the database."""
    if requested != "auto":
        return requested
    if redis_url:
        return "redis"
    if workers <= 1:
        return "memory"
    return "postgres" if database_engine.endswith("postgresql") else "dbtail"


def build(name: str) -> Broker:
    """Make the broker called ``name``, configured from settings."""
    if name == "memory":
        from bulletin.realtime.brokers.memory import MemoryBroker

        return MemoryBroker()
    if name == "redis":
        from bulletin.realtime.brokers.redis import RedisBroker, channel_for

        return RedisBroker(config.current.REDIS_URL, channel_for(settings.DATABASES["default"]))
    if name == "postgres":
        from bulletin.realtime.brokers.postgres import PostgresBroker

        return PostgresBroker(settings.DATABASES["default"])
    if name == "dbtail":
        from bulletin.realtime.brokers.dbtail import DbTailBroker

        return DbTailBroker(interval=config.current.DBTAIL_INTERVAL_MS / 1000)
    raise ValueError(f"BULLETIN_BROKER must be one of auto, {', '.join(BROKERS)}, got {name!r}")
