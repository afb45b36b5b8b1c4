"""The small interface every broker implements."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bulletin.blogs.events import ChangeEvent
from bulletin.metrics import metrics
from bulletin.realtime.hub import Hub

logger = logging.getLogger("bulletin.realtime.broker")


class Broker:
    """Publishes committed changes (any thread) and feeds them to this process's hub."""

    name = "base"

    def __init__(self) -> None:
        self.hub: Hub | None = None
        self.reconnects = 0

    def publish(self, event: ChangeEvent) -> None:
        """Called after commit, in the writer's thread. Must never raise."""
        self.deliver_locally(event)

    def deliver_locally(self, event: ChangeEvent) -> None:
        if self.hub is not None:
            self.hub.notify_threadsafe(event.blog_id, event.seq, event)

    async def start(self, hub: Hub) -> None:
        """Begin feeding ``hub`` (called in the ASGI lifespan, on the event loop)."""
        self.hub = hub

    async def stop(self) -> None:
        self.hub = None

    async def ping(self) -> None:
        """Raise when this broker cannot carry changes now (for the readiness probe)."""

    def count_reconnect(self) -> None:
        """Note that the link to the broker's service was lost (or a poll of it failed)."""
        self.reconnects += 1
        metrics().broker_reconnects.labels(self.name).inc()


RECONNECT_SECONDS = (0.1, 0.5, 1.0, 2.0)


class ListeningBroker(Broker):
    """A broker whose hubs listen on a connection that may drop: it reconnects with backoff
    and, once back, makes the hub resync so that nothing said meanwhile is missed."""

    def __init__(self) -> None:
        super().__init__()
        self._task: asyncio.Task[None] | None = None

    async def start(self, hub: Hub) -> None:
        await super().start(hub)
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        await super().stop()

    async def listen(self, on_ready: Callable[[], Awaitable[None]]) -> None:
        """Connect, call ``on_ready`` once subscribed, then feed the hub until the link drops."""
        raise NotImplementedError

    async def _run(self) -> None:
        attempt = 0

        async def ready() -> None:
            nonlocal attempt
            if attempt and self.hub is not None:
                await self.hub.resync()  # catch up on what passed while we were away
            attempt = 0

        while True:
            try:
                await self.listen(ready)
            except asyncio.CancelledError:
                raise
            except Exception:
                self.count_reconnect()
                delay = RECONNECT_SECONDS[min(attempt, len(RECONNECT_SECONDS) - 1)]
                attempt += 1
                logger.warning(
                    "%s broker lost its connection; reconnecting in %.1fs", self.name, delay
                )
                await asyncio.sleep(delay)
