"""PostgreSQL LISTEN/NOTIFY: a wake-up carrying only ``blog_id:seq``; hubs read the log."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import psycopg
from django.db import connection

from bulletin.blogs.events import ChangeEvent
from bulletin.realtime.brokers.base import Broker
from bulletin.realtime.hub import Hub

logger = logging.getLogger("bulletin.realtime.broker")

CHANNEL = "bulletin_changes"
RECONNECT_SECONDS = (0.1, 0.5, 1.0, 2.0)


def conninfo(database: dict[str, Any]) -> str:
    return psycopg.conninfo.make_conninfo(
        host=database.get("HOST") or "127.0.0.1",
        port=str(database.get("PORT") or 5432),
        dbname=database["NAME"],
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
    )


class PostgresBroker(Broker):
    name = "postgres"

    def __init__(self, database: dict[str, Any]) -> None:
        super().__init__()
        self.database = database
        self._task: asyncio.Task[None] | None = None

    def publish(self, event: ChangeEvent) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_notify(%s, %s)", [CHANNEL, f"{event.blog_id}:{event.seq}"]
                )
        except Exception:
            logger.warning("could not NOTIFY change %s#%s", event.slug, event.seq, exc_info=True)
            self.deliver_locally(event)

    async def start(self, hub: Hub) -> None:
        await super().start(hub)
        self._task = asyncio.create_task(self._listen())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        await super().stop()

    async def _listen(self) -> None:
        attempt = 0
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    conninfo(self.database), autocommit=True, connect_timeout=3
                ) as listener:
                    await listener.execute(f"LISTEN {CHANNEL}")
                    if attempt and self.hub is not None:
                        await self.hub.resync()
                    attempt = 0
                    async for notice in listener.notifies():
                        blog_id, _, seq = notice.payload.partition(":")
                        if self.hub is not None:
                            self.hub.notify(int(blog_id), int(seq), None)
            except asyncio.CancelledError:
                raise
            except Exception:
                self.reconnects += 1
                delay = RECONNECT_SECONDS[min(attempt, len(RECONNECT_SECONDS) - 1)]
                attempt += 1
                logger.warning("PostgreSQL LISTEN lost; reconnecting in %.1fs", delay)
                await asyncio.sleep(delay)
