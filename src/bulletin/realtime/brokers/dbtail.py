"""No service at all: every worker polls the change log for rows it has not seen."""

from __future__ import annotations

import asyncio
import logging

from bulletin.realtime import store
from bulletin.realtime.brokers.base import Broker
from bulletin.realtime.hub import Hub

logger = logging.getLogger("bulletin.realtime.broker")

PAGE = 1000


class DbTailBroker(Broker):
    name = "dbtail"

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__()
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self, hub: Hub) -> None:
        await super().start(hub)
        try:
            last_id: int | None = await store.last_change_id()
        except Exception:
            # A worker (re)started while the database is away must still start serving; the
            # tail begins where the log is once it answers (the hubs' resync covers the gap).
            logger.warning("db-tail could not read the change log at start; retrying")
            last_id = None
        self._task = asyncio.create_task(self._tail(last_id))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        await super().stop()

    async def _tail(self, last_id: int | None) -> None:
        # Changes made in this process arrive at once through publish(); the tail brings the
        # other workers' changes within one interval.
        while True:
            await asyncio.sleep(self.interval)
            try:
                if last_id is None:
                    last_id = await store.last_change_id()
                rows = await store.changes_since_id(last_id, PAGE)
            except Exception:
                self.count_reconnect()
                logger.warning("db-tail could not read the change log; retrying", exc_info=True)
                continue
            if self.hub is None:
                return
            for change_id, blog_id, seq in rows:
                self.hub.notify(blog_id, seq, None)
                last_id = change_id
