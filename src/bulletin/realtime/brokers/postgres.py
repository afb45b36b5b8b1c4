"""PostgreSQL LISTEN/NOTIFY: a wake-up carrying only ``blog_id:seq``; hubs read the log."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
from django.db import connection

from bulletin.blogs.events import ChangeEvent
from bulletin.realtime.brokers.base import ListeningBroker

logger = logging.getLogger("bulletin.realtime.broker")

CHANNEL = "bulletin_changes"


def conninfo(database: dict[str, Any]) -> str:
    return psycopg.conninfo.make_conninfo(
        host=database.get("HOST") or "127.0.0.1",
        port=str(database.get("PORT") or 5432),
        dbname=database["NAME"],
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
    )


class PostgresBroker(ListeningBroker):
    name = "postgres"

    def __init__(self, database: dict[str, Any]) -> None:
        super().__init__()
        self.database = database

    def publish(self, event: ChangeEvent) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_notify(%s, %s)", [CHANNEL, f"{event.blog_id}:{event.seq}"]
                )
        except Exception:
            logger.warning("could not NOTIFY change %s#%s", event.slug, event.seq, exc_info=True)
            self.deliver_locally(event)

    async def listen(self, on_ready: Callable[[], Awaitable[None]]) -> None:
        async with await psycopg.AsyncConnection.connect(
            conninfo(self.database), autocommit=True, connect_timeout=3
        ) as listener:
            await listener.execute(f"LISTEN {CHANNEL}")
            await on_ready()
            async for notice in listener.notifies():
                blog_id, _, seq = notice.payload.partition(":")
                if self.hub is not None:
                    self.hub.notify(int(blog_id), int(seq), None)
