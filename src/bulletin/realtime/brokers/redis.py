"""Redis pub/sub: whole changes travel between workers on one channel."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import redis
import redis.asyncio as aioredis

from bulletin.blogs.events import ChangeEvent
from bulletin.realtime.brokers.base import ListeningBroker

logger = logging.getLogger("bulletin.realtime.broker")

CHANNEL = "bulletin:changes"


def encode(event: ChangeEvent) -> str:
    return json.dumps(
        {
            "blog_id": event.blog_id,
            "slug": event.slug,
            "seq": event.seq,
            "kind": event.kind,
            "public": event.public,
            "entry_id": event.entry_id,
            "payload": event.payload,
        },
        separators=(",", ":"),
    )


def decode(raw: bytes | str) -> ChangeEvent:
    data: dict[str, Any] = json.loads(raw)
    return ChangeEvent(**data)


class RedisBroker(ListeningBroker):
    name = "redis"

    def __init__(self, url: str) -> None:
        super().__init__()
        if not url:
            raise ValueError("the redis broker needs BULLETIN_REDIS_URL, got nothing")
        self.url = url
        self._publisher: redis.Redis | None = None

    def publish(self, event: ChangeEvent) -> None:
        try:
            if self._publisher is None:
                self._publisher = redis.Redis.from_url(
                    self.url, socket_timeout=2, socket_connect_timeout=2
                )
            self._publisher.publish(CHANNEL, encode(event))
        except redis.RedisError:
            # The change is committed; hubs will backfill it when Redis answers again (or on
            # their periodic resync). Delivering it here at least serves this worker now.
            logger.warning("could not publish change %s#%s to Redis", event.slug, event.seq)
            self.deliver_locally(event)

    async def listen(self, on_ready: Callable[[], Awaitable[None]]) -> None:
        client = aioredis.Redis.from_url(self.url, socket_connect_timeout=2)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(CHANNEL)
                await on_ready()
                async for message in pubsub.listen():
                    if message.get("type") != "message" or self.hub is None:
                        continue
                    event = decode(message["data"])
                    self.hub.notify(event.blog_id, event.seq, event)
        finally:
            await client.aclose()
