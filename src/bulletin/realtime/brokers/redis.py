"""Redis pub/sub: whole changes travel between workers on one channel."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import redis
import redis.asyncio as aioredis

from bulletin.blogs.events import ChangeEvent
from bulletin.realtime.brokers.base import ListeningBroker

logger = logging.getLogger("bulletin.realtime.broker")

CHANNEL_PREFIX = "bulletin:changes:"
PING_SECONDS = 1.0


def channel_for(database: dict[str, Any]) -> str:
    """The channel of the site whose change log lives in ``database``.

    Blog ids are only unique within one database: two sites (or two test runs) sharing a Redis
    must never hear each other's changes, so the channel names the database.
    """
    identity = "|".join(
        str(database.get(key, "")) for key in ("ENGINE", "HOST", "PORT", "NAME")
    ).encode()
    return CHANNEL_PREFIX + hashlib.sha256(identity).hexdigest()[:16]


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

    def __init__(self, url: str, channel: str) -> None:
        super().__init__()
        if not url:
            raise ValueError("the redis broker needs BULLETIN_REDIS_URL, got nothing")
        self.url = url
        self.channel = channel
        self._publisher: redis.Redis | None = None

    def publish(self, event: ChangeEvent) -> None:
        try:
            if self._publisher is None:
                self._publisher = redis.Redis.from_url(
                    self.url, socket_timeout=2, socket_connect_timeout=2
                )
            self._publisher.publish(self.channel, encode(event))
        except redis.RedisError:
            # The change is committed; hubs will backfill it when Redis answers again (or on
            # their periodic resync). Delivering it here at least serves this worker now.
            logger.warning("could not publish change %s#%s to Redis", event.slug, event.seq)
            self.deliver_locally(event)

    async def ping(self) -> None:
        client = aioredis.Redis.from_url(
            self.url, socket_connect_timeout=PING_SECONDS, socket_timeout=PING_SECONDS
        )
        try:
            await client.ping()
        finally:
            await client.aclose()

    async def listen(self, on_ready: Callable[[], Awaitable[None]]) -> None:
        client = aioredis.Redis.from_url(self.url, socket_connect_timeout=2)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(self.channel)
                await on_ready()
                async for message in pubsub.listen():
                    if message.get("type") != "message" or self.hub is None:
                        continue
                    event = decode(message["data"])
                    self.hub.notify(event.blog_id, event.seq, event)
        finally:
            await client.aclose()
