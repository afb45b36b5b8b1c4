"""The small interface every broker implements."""

from __future__ import annotations

import logging

from bulletin.blogs.events import ChangeEvent
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
