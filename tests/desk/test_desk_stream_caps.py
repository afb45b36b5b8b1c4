"""The desk's live stream under hostile use: a cap on one person's open streams, and a quiet
stream that waits for the hub instead of reading the change log every few seconds."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from bulletin.accounts.models import User
from bulletin.blogs.models import LiveBlog
from bulletin.desk.views import live
from bulletin.realtime import runtime
from bulletin.realtime.hub import Hub
from tests.desk.test_desk_stream import Browser, Desk
from tests.realtime.support import Server

WAIT = 15  # seconds to wait for something to arrive; never an assertion about speed


@pytest.fixture
def desk(transactional_db: None) -> Desk:
    return Desk()


def test_one_person_holds_at_most_their_cap_of_desk_streams(
    desk: Desk, serve: Callable[..., Server]
) -> None:
    server = serve(desk_streams_per_user="2")
    owner = Browser(server).sign_in(desk.owner)
    streams = [owner.stream(desk.blog.slug) for _ in range(2)]
    assert [stream.status for stream in streams] == [200, 200]

    request = urllib.request.Request(
        f"{server.base}/desk/{desk.blog.slug}/events", headers={"Cookie": owner.cookie_header}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=WAIT)
    assert refused.value.code == 429
    assert int(refused.value.headers["Retry-After"]) >= 1
    assert json.loads(refused.value.read())["error"]["code"] == "rate_limited"
    # A colleague is not held up by it.
    assert Browser(server).sign_in(desk.contributor).stream(desk.blog.slug).status == 200

    streams[0].close()  # a tab closed: its place comes back
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        again = owner.stream(desk.blog.slug)
        if again.status == 200:
            break
        again.close()
        time.sleep(0.2)
    assert again.status == 200


def test_a_quiet_desk_stream_reads_the_change_log_only_when_the_hub_hears_of_a_change(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    reads: list[int] = []
    waiting: list[list[dict[str, Any]]] = []

    def changes_after(viewer: live.Viewer, blog: LiveBlog, after: int) -> list[dict[str, Any]]:
        reads.append(after)
        return waiting.pop() if waiting else []

    monkeypatch.setattr(live, "_changes_after", changes_after)
    monkeypatch.setattr(live, "_still_admitted", lambda viewer, blog: viewer)
    monkeypatch.setattr(live, "_editors", lambda viewer, blog: {})
    monkeypatch.setattr(live, "_drafts_signature", lambda viewer, blog: "")
    # Every wait short: polling would show up as many reads.
    for name in ("POLL_SECONDS", "ACCESS_CHECK_SECONDS", "PRESENCE_POLL_SECONDS"):
        monkeypatch.setattr(live, name, 0.02)
    blog = LiveBlog(pk=7, slug="quiet")
    viewer = live.Viewer(User(pk=3), "session", "owner")
    change = {
        "seq": 6,
        "kind": "entry",
        "action": "entry.published",
        "public": True,
        "entry_id": 1,
        "actor": "Ada",
        "actor_id": 3,
        "shown": True,
    }

    async def scenario() -> tuple[int, list[bytes]]:
        hub = Hub()
        await hub.start()
        runtime.set_hub(hub)
        frames: list[bytes] = []

        async def consume() -> None:
            async for frame in live._stream(blog, 5, viewer):
                frames.append(frame)

        task = asyncio.ensure_future(consume())
        try:
            await asyncio.sleep(0.5)  # quiet: some 25 short waits
            quiet_reads = len(reads)
            waiting.append([change])
            hub.notify(blog.pk, 6)
            for _ in range(WAIT * 10):
                if any(b"event: change" in frame for frame in frames):
                    break
                await asyncio.sleep(0.1)
            return quiet_reads, frames
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            runtime.set_hub(None)
            await hub.stop()

    quiet_reads, frames = asyncio.run(scenario())
    assert quiet_reads == 1  # the first read only
    assert any(b"id: 6\nevent: change" in frame for frame in frames)
    assert reads[:2] == [5, 5]
