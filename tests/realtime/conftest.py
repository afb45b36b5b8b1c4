"""Fixtures for realtime tests: a live blog, an API token, servers and publishers."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bulletin.accounts.models import User
from bulletin.blogs.models import LiveBlog
from tests.factories import Factory
from tests.realtime.support import Server, SSEClient


@dataclass
class Newsroom:
    blog: LiveBlog
    editor: User
    token: str


@pytest.fixture
def newsroom(transactional_db: None) -> Newsroom:
    make = Factory()
    blog = make.blog(title="Harbour storm Live Updates")
    editor = make.owner_of(blog)
    return Newsroom(blog, editor, make.token(editor))


@pytest.fixture
def serve(transactional_db: None) -> Iterator[Callable[..., Server]]:
    """Start `bulletin serve` subprocesses; every one is stopped after the test."""
    started: list[Server] = []

    def start(workers: int = 1, **env: str) -> Server:
        server = Server(
            env={f"BULLETIN_{k.upper()}": v for k, v in env.items()}, workers=workers
        ).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(params=["lean", "asgi"])
def stream_serve(
    request: pytest.FixtureRequest, serve: Callable[..., Server]
) -> Callable[..., Server]:
    """`serve`, once per way `bulletin serve` can hold a live stream: its lean stream protocol
    (bulletin.realtime.leanstream) and the portable ASGI edge every ASGI server runs."""
    lean = "on" if request.param == "lean" else "off"

    def start(workers: int = 1, **env: str) -> Server:
        return serve(workers, lean_streams=lean, **env)

    return start


def api_publish(server: Server, newsroom: Newsroom, headline: str, **fields: Any) -> int:
    """Publish an entry through the server's API (the change happens in the server process)."""
    body = json.dumps({"headline": headline, **fields}).encode()
    request = urllib.request.Request(
        f"{server.base}/api/v1/blogs/{newsroom.blog.slug}/entries",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {newsroom.token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(json.loads(response.read())["id"])


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while SSEClient.opened:
        SSEClient.opened.pop().close()
