"""The hub in-process, under a real uvicorn, without a database: both ways it writes to readers
(straight to uvicorn's httptools transport, and the portable ``send()`` any ASGI server has),
catching up from below the ring's floor, and the reset for a reader too far behind.

The direct path leans on uvicorn's private httptools cycle: if an upgrade of uvicorn changes
it, the first test here fails at once instead of readers quietly falling back.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn

from bulletin.blogs.events import ChangeEvent
from bulletin.realtime import hub as hub_module
from bulletin.realtime import protocol, store
from bulletin.realtime.hub import Hub
from bulletin.realtime.store import BlogState
from tests.realtime.support import SSEClient, free_port

STATE = BlogState(id=3, slug="harbour", seq=0, status="live")


def _change(seq: int) -> ChangeEvent:
    return ChangeEvent(
        blog_id=STATE.id,
        slug=STATE.slug,
        seq=seq,
        kind="entry",
        public=True,
        entry_id=100 + seq,  # a new entry each time: nothing supersedes anything
        payload={"headline": f"update {seq}", "seq": seq},
    )


@dataclass
class FakeLog:
    """The change log the hub reads on catch-up, kept in memory."""

    changes: list[ChangeEvent] = field(default_factory=list)

    async def blog_state(self, slug: str) -> BlogState:
        return BlogState(STATE.id, slug, len(self.changes), "live")

    async def public_changes(
        self, blog_id: int, slug: str, after: int, upto: int | None, limit: int
    ) -> list[ChangeEvent]:
        top = upto if upto is not None else len(self.changes)
        return [c for c in self.changes if after < c.seq <= top][:limit]


@dataclass
class Running:
    hub: Hub
    log: FakeLog
    port: int
    loop: asyncio.AbstractEventLoop

    def publish(self, seq: int) -> None:
        change = _change(seq)
        self.log.changes.append(change)
        self.hub.notify_threadsafe(STATE.id, seq, change)

    def readers(self) -> list[hub_module.Reader]:
        channel = self.hub.channels.get(STATE.id)
        return list(channel.readers) if channel else []


def _app(hub: Hub) -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                if message["type"] == "lifespan.startup":
                    hub.loop = asyncio.get_running_loop()
                    await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        query = scope["query_string"].decode()
        since = int(query.removeprefix("since=")) if query.startswith("since=") else None
        headers = [(b"content-type", b"text/event-stream")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": protocol.STREAM_START, "more_body": True})
        reader = await hub.attach(STATE, since, send)
        if reader is None:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        try:
            while (await receive())["type"] != "http.disconnect":
                pass
        except asyncio.CancelledError:
            pass
        finally:
            hub.detach(reader, STATE.id)

    return app


@pytest.fixture
def running(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    http, ring_size, max_catchup = request.param
    log = FakeLog()
    monkeypatch.setattr(store, "blog_state", log.blog_state)
    monkeypatch.setattr(store, "public_changes", log.public_changes)
    hub = Hub(ring_size=ring_size, max_catchup=max_catchup)
    port = free_port()
    config = uvicorn.Config(
        _app(hub),
        host="127.0.0.1",
        port=port,
        http=http,
        loop="asyncio",
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    assert hub.loop is not None
    yield Running(hub, log, port, hub.loop)
    while SSEClient.opened:
        SSEClient.opened.pop().close()
    server.should_exit = True
    thread.join(timeout=10)


def _wait_for_readers(running: Running, count: int) -> list[hub_module.Reader]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        readers = [r for r in running.readers() if r.live]
        if len(readers) >= count:
            return readers
        time.sleep(0.01)
    raise AssertionError(f"{count} live readers did not attach")


@pytest.mark.parametrize(
    ("running", "direct"),
    [(("httptools", 512, 2000), True), (("h11", 512, 2000), False)],
    indirect=["running"],
    ids=["httptools transport", "portable send"],
)
def test_each_write_path_delivers_every_change_once_in_order(running: Running, direct: bool):
    clients = [SSEClient(running.port, "/events") for _ in range(3)]
    readers = _wait_for_readers(running, 3)
    # httptools: the hub writes to uvicorn's transport; h11: it drives send() by hand.
    assert all((reader.cycle is not None) is direct for reader in readers)

    for seq in range(1, 6):
        running.publish(seq)

    for client in clients:
        events = client.events(5, timeout=5)
        assert [event.id for event in events] == [1, 2, 3, 4, 5]
        assert events[-1].json()["data"]["headline"] == "update 5"
        client.close()


@pytest.mark.parametrize("running", [("httptools", 3, 2000)], indirect=True)
def test_a_reader_below_the_rings_floor_catches_up_from_the_log(running: Running):
    keeper = SSEClient(running.port, "/events")  # keeps the channel (and its ring) alive
    _wait_for_readers(running, 1)
    for seq in range(1, 7):
        running.publish(seq)
    assert [e.id for e in keeper.events(6, timeout=5)] == [1, 2, 3, 4, 5, 6]
    channel = running.hub.channels[STATE.id]
    assert [seq for seq, _subject, _data in channel.ring] == [4, 5, 6]
    assert channel.floor == 3

    late = SSEClient(running.port, "/events?since=1")  # below the floor: read from the log
    events = late.events(5, timeout=5)
    running.publish(7)
    events += late.events(1, timeout=5)

    assert [event.id for event in events] == [2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize("running", [("httptools", 512, 3)], indirect=True)
def test_a_reader_too_far_behind_is_told_to_reload(running: Running):
    keeper = SSEClient(running.port, "/events")
    _wait_for_readers(running, 1)
    for seq in range(1, 6):
        running.publish(seq)
    keeper.events(5, timeout=5)

    behind = SSEClient(running.port, "/events?since=1")
    events = behind.events(1, timeout=5)

    assert [(event.kind, event.id) for event in events] == [("reset", 5)]
    assert events[0].json()["reason"] == "too far behind"
    assert behind.wait_closed(timeout=5)
