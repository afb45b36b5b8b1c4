"""Every broker, against its real service, with several worker processes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from django.conf import settings
from django.db import connection

from bulletin.blogs import services
from bulletin.blogs.events import change_committed
from bulletin.blogs.fields import EntryFields
from bulletin.realtime.brokers.base import Broker
from bulletin.realtime.brokers.postgres import PostgresBroker
from bulletin.realtime.brokers.redis import RedisBroker, channel_for
from tests.conftest import require_service
from tests.realtime.conftest import api_publish
from tests.realtime.support import SSEClient, wait_for_readers

REDIS_URL = "redis://127.0.0.1:6379/0"
READERS = 8  # spread over the workers by the kernel


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_url() -> str:
    require_service(
        "Redis",
        _redis_up,
        "start it with: redis-server --daemonize yes "
        "--bind 127.0.0.1 --port 6379 --save '' --appendonly no",
    )
    return REDIS_URL


def _publishing_through(broker: Broker) -> Iterator[None]:
    def forward(sender: object, event: object, **_: object) -> None:
        broker.publish(event)  # type: ignore[arg-type]

    change_committed.connect(forward, dispatch_uid="test-forward")
    try:
        yield
    finally:
        change_committed.disconnect(dispatch_uid="test-forward")


def _readers(server, blog) -> list[SSEClient]:
    """Readers the server's hubs hold: what reaches them now comes through the broker."""
    readers = [SSEClient(server.port, f"/live/{blog.slug}/events") for _ in range(READERS)]
    wait_for_readers(server, blog.slug, READERS)
    return readers


def _all_receive(readers: list[SSEClient], headlines: list[str]) -> None:
    for reader in readers:
        got = [e.json()["data"]["entry"]["headline"] for e in reader.events(len(headlines))]
        assert got == headlines


def test_redis_broker_fans_out_across_two_workers(newsroom, serve, redis_url):
    server = serve(workers=2, redis_url=redis_url)
    readers = _readers(server, newsroom.blog)
    for n in range(3):
        api_publish(server, newsroom, f"via redis {n}")
    _all_receive(readers, [f"via redis {n}" for n in range(3)])


def test_a_change_whose_redis_message_was_lost_is_backfilled(newsroom, serve, redis_url):
    server = serve(workers=2, redis_url=redis_url)
    readers = _readers(server, newsroom.blog)
    # This write's message never reaches Redis (nobody publishes it) ...
    services.publish_entry(newsroom.editor, newsroom.blog, EntryFields(headline="lost"))
    # ... the next one does: hubs see the gap in seq and read the missing change from the log.
    gen = _publishing_through(RedisBroker(redis_url, channel_for(settings.DATABASES["default"])))
    next(gen)
    try:
        services.publish_entry(newsroom.editor, newsroom.blog, EntryFields(headline="found"))
    finally:
        next(gen, None)
    _all_receive(readers, ["lost", "found"])


def test_dbtail_broker_serves_two_workers_on_sqlite_without_any_service(newsroom, serve):
    server = serve(workers=2, broker="dbtail", dbtail_interval_ms="100")
    readers = _readers(server, newsroom.blog)
    for n in range(3):
        services.publish_entry(newsroom.editor, newsroom.blog, EntryFields(headline=f"tail {n}"))
    api_publish(server, newsroom, "tail api")
    _all_receive(readers, [f"tail {n}" for n in range(3)] + ["tail api"])


@pytest.mark.postgres_only
def test_postgres_broker_wakes_two_workers_with_listen_notify(newsroom, serve):
    assert connection.vendor == "postgresql"
    server = serve(workers=2, broker="postgres")
    readers = _readers(server, newsroom.blog)
    gen = _publishing_through(PostgresBroker(connection.settings_dict))
    next(gen)
    try:
        for n in range(3):
            services.publish_entry(
                newsroom.editor, newsroom.blog, EntryFields(headline=f"notified {n}")
            )
    finally:
        next(gen, None)
    api_publish(server, newsroom, "notified api")
    _all_receive(readers, [f"notified {n}" for n in range(3)] + ["notified api"])


def test_auto_broker_choice_follows_settings():
    from bulletin.realtime.brokers import choose

    assert choose("auto", workers=1, redis_url="", database_engine="sqlite3") == "memory"
    assert choose("auto", workers=4, redis_url="redis://x", database_engine="sqlite3") == "redis"
    assert choose("auto", workers=2, redis_url="", database_engine="x.postgresql") == "postgres"
    assert choose("auto", workers=2, redis_url="", database_engine="x.sqlite3") == "dbtail"
    assert choose("dbtail", workers=1, redis_url="", database_engine="x") == "dbtail"


def test_sites_sharing_a_redis_listen_on_channels_of_their_own_database():
    site = {"ENGINE": "django.db.backends.postgresql", "HOST": "db", "PORT": 5432, "NAME": "news"}
    other = {**site, "NAME": "sport"}

    assert channel_for(site) == channel_for(dict(site))
    assert channel_for(site) != channel_for(other)
    assert channel_for(site).startswith("bulletin:changes:")
