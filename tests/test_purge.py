"""The CDN purge hook: after every removal each BULLETIN_CDN_PURGE_URLS gets one POST with the
keys, in the background, and a slow or absent CDN never holds or fails the change.

The CDN is a small HTTP server on 127.0.0.1 in a thread of the test.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from bulletin import config, purge
from bulletin.blogs import services
from bulletin.blogs.models import Entry
from tests.factories import Factory

QUIET_SECONDS = 0.3  # long enough for a purge that should not come to arrive anyway


@dataclass
class Purge:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeCdn:
    """Records every POST; ``hang`` keeps answers waiting, ``status`` is what it answers."""

    server: ThreadingHTTPServer
    received: list[Purge] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    hang: threading.Event | None = None
    status: int = 200
    location: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/purge"

    def wait(self, count: int = 1, timeout: float = 5) -> list[Purge]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            self.arrived.wait(0.05)
        time.sleep(QUIET_SECONDS)  # and no more than that
        return self.received


@pytest.fixture
def cdn() -> Iterator[Callable[..., FakeCdn]]:
    started: list[FakeCdn] = []

    def start(**options: Any) -> FakeCdn:
        holder: list[FakeCdn] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake = holder[0]
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"null")
                fake.received.append(Purge(self.path, dict(self.headers.items()), body))
                fake.arrived.set()
                if fake.hang is not None:
                    fake.hang.wait(10)
                self.send_response(fake.status)
                if fake.location:
                    self.send_header("Location", fake.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        fake = FakeCdn(server, **options)
        holder.append(fake)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        if fake.hang is not None:
            fake.hang.set()
        fake.server.shutdown()
        fake.server.server_close()


@pytest.fixture
def purge_to(settings: Any) -> Callable[..., None]:
    def configure(*urls: str) -> None:
        settings.BULLETIN = {**settings.BULLETIN, "CDN_PURGE_URLS": list(urls)}

    return configure


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    def run(service: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return service(*args, **kwargs)

    return run


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_takedown_calls_each_purge_url_once_with_the_blog_and_entry_keys(
    make: Factory, cdn, purge_to, committed
) -> None:
    first, second = cdn(), cdn()
    purge_to(first.url, second.url)
    blog = make.blog()
    entry = make.entry(blog)

    committed(services.takedown_entry, make.owner_of(blog), entry, reason="Court order")

    expected = [f"blog-{blog.pk}", f"entry-{entry.pk}"]
    for fake in (first, second):
        [call] = fake.wait()
        assert call.path == "/purge"
        assert call.body == {"keys": expected}
        assert call.headers["Surrogate-Key"] == " ".join(expected)
        assert call.headers["Cache-Tag"] == ",".join(expected)
        assert call.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("removal", ["delete_entry", "unpublish_entry"])
def test_a_deletion_and_an_unpublishing_purge_too(
    make: Factory, cdn, purge_to, committed, removal: str
) -> None:
    fake = cdn()
    purge_to(fake.url)
    blog = make.blog()
    entry = make.entry(blog)

    committed(getattr(services, removal), make.owner_of(blog), entry)

    assert [call.body for call in fake.wait()] == [
        {"keys": [f"blog-{blog.pk}", f"entry-{entry.pk}"]}
    ]


def test_publishing_and_editing_purge_nothing(make: Factory, cdn, purge_to, committed) -> None:
    fake = cdn()
    purge_to(fake.url)
    blog = make.blog()

    committed(make.entry, blog)

    assert fake.wait(timeout=0) == []


def test_purging_is_off_by_default(make: Factory, cdn, committed) -> None:
    fake = cdn()
    assert config.BY_NAME["CDN_PURGE_URLS"].default == []
    assert config.load({})["CDN_PURGE_URLS"] == []
    blog = make.blog()

    committed(services.takedown_entry, make.owner_of(blog), make.entry(blog), reason="Order")

    assert fake.wait(timeout=0) == []


def test_a_cdn_that_hangs_neither_delays_nor_fails_the_takedown(
    make: Factory, cdn, purge_to, committed
) -> None:
    stuck = cdn(hang=threading.Event())
    purge_to(stuck.url)
    blog = make.blog()
    entry = make.entry(blog)

    started = time.monotonic()
    committed(services.takedown_entry, make.owner_of(blog), entry, reason="Court order")
    took = time.monotonic() - started

    assert stuck.arrived.wait(5)  # the purge was sent, and is still waiting for an answer
    assert took < purge.TIMEOUT_SECONDS
    assert Entry.objects.get(pk=entry.pk).taken_down_at is not None


def test_a_refused_connection_neither_delays_nor_fails_the_takedown_and_is_logged(
    make: Factory, purge_to, committed, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/purge"
    purge_to(url)
    blog = make.blog()
    entry = make.entry(blog)

    with caplog.at_level(logging.WARNING, logger="bulletin.purge"):
        committed(services.takedown_entry, make.owner_of(blog), entry, reason="Court order")
        deadline = time.monotonic() + 5
        while not caplog.records and time.monotonic() < deadline:
            time.sleep(0.02)

    assert Entry.objects.get(pk=entry.pk).taken_down_at is not None
    [record] = caplog.records
    assert f"blog-{blog.pk} entry-{entry.pk}" in record.getMessage()
    assert "failed" in record.getMessage()


def test_an_error_answer_is_logged_and_not_raised(cdn, caplog: pytest.LogCaptureFixture) -> None:
    failing = cdn(status=503)

    with caplog.at_level(logging.WARNING, logger="bulletin.purge"):
        assert purge.purge(failing.url, ["blog-1"]) is False

    assert "answered 503" in caplog.text
    assert failing.url not in caplog.text  # the host only: a URL may carry a token
    assert "127.0.0.1" in caplog.text


def test_a_redirect_is_not_followed(cdn) -> None:
    elsewhere = cdn()
    redirecting = cdn(status=307, location=elsewhere.url)

    assert purge.purge(redirecting.url, ["blog-1"]) is False

    assert len(redirecting.wait()) == 1
    assert elsewhere.wait(timeout=0) == []


@pytest.mark.parametrize(
    "raw", ["ftp://cdn.example/purge", "file:///etc/passwd", "https:///purge", "cdn.example"]
)
def test_a_purge_url_that_is_not_http_is_refused_at_start_up(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="BULLETIN_CDN_PURGE_URLS"):
        config.load({"BULLETIN_CDN_PURGE_URLS": f"https://cdn.example/purge,{raw}"})


def test_purge_urls_are_a_comma_separated_list() -> None:
    loaded = config.load({"BULLETIN_CDN_PURGE_URLS": " https://a.example/p , http://b.example "})
    assert loaded["CDN_PURGE_URLS"] == ["https://a.example/p", "http://b.example"]
