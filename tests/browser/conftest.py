"""Browser tests: Debian's Chromium, driven by Playwright, reading pages from real servers.

The servers and the newsroom come from the realtime tests (``bulletin serve`` subprocesses
against the test database). Every page a test opens is watched: a console error, an uncaught
exception or a request to a host other than this machine fails the test.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Response,
    Route,
    sync_playwright,
)

from bulletin.blogs.models import LiveBlog
from tests.conftest import require_service
from tests.realtime.conftest import Newsroom, newsroom, serve  # noqa: F401
from tests.realtime.support import Server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 360, "height": 740}
# The phone width the reader and desk reviews were made at.
PHONE = {"width": 390, "height": 844}
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def artifacts_dir() -> Path:
    """Where screenshots go: $BULLETIN_TEST_ARTIFACTS, else tests/browser/artifacts."""
    folder = Path(os.environ.get("BULLETIN_TEST_ARTIFACTS") or Path(__file__).parent / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    # Playwright's sync API marks its own event loop as running in this thread, and Django
    # then refuses ORM calls as if they came from async code. They do not: the tests' ORM
    # calls are plain synchronous calls that never run on that loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    """One headless Chromium per test module (started after the test database exists)."""
    require_service(
        "Chromium",
        lambda: Path(CHROMIUM).exists(),
        f"install Debian's chromium package (apt-get install chromium) for {CHROMIUM}",
    )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """What the pages of one browser context did wrong, or sent off this machine."""

    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    # Set by a test that cuts the server off: Chromium then logs the failed connections.
    network_may_fail: bool = False

    def page(self, page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type != "error":
                return
            if self.network_may_fail and message.text.startswith("Failed to load resource: net::"):
                return
            self.errors.append(f"console error on {page.url}: {message.text}")

        def on_error(error: Error) -> None:
            self.errors.append(f"page error on {page.url}: {error}")

        page.on("console", on_console)
        page.on("pageerror", on_error)


@dataclass
class Reader:
    """A browser context opened on a server, with the watch over its pages."""

    server: Server
    context: BrowserContext
    watch: Watch

    def open(self, path: str, **goto: Any) -> Page:
        """A new page on ``path`` of the server, loaded."""
        page = self.context.new_page()
        page.goto(self.server.base + path, **goto)
        return page

    def open_following(self, path: str, **goto: Any) -> Page:
        """A new page on ``path`` whose live stream has answered: from then on the stream is
        fixed at the page's seq, and every later change reaches the page."""
        page = self.context.new_page()
        with page.expect_response(_is_stream):
            page.goto(self.server.base + path, **goto)
        return page


def _is_stream(response: Response) -> bool:
    return urlsplit(response.url).path.endswith("/events")


def _off_machine(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in LOOPBACK


def _stop_off_machine(watch: Watch, allow: set[str]) -> Callable[[Route], None]:
    """Record every request that would leave this machine, and never let it leave."""

    def handle(route: Route) -> None:
        url = route.request.url
        watch.external.append(url)
        if urlsplit(url).hostname in allow:  # stands in for a third party out of reach
            route.fulfill(status=200, content_type="text/html", body="<!doctype html><p>frame")
        else:
            route.abort()

    return handle


@pytest.fixture
def reader_factory(browser: Browser) -> Iterator[Any]:
    """Open browser contexts; after the test, fail if any page logged an error."""
    opened: list[Reader] = []

    def make(
        server: Server,
        *,
        allow_hosts: set[str] | None = None,
        **options: Any,
    ) -> Reader:
        watch = Watch()
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**options)
        context.route(_off_machine, _stop_off_machine(watch, allow_hosts or set()))
        context.on("page", watch.page)
        reader = Reader(server, context, watch)
        opened.append(reader)
        return reader

    yield make
    problems = [problem for reader in opened for problem in reader.watch.errors]
    for reader in opened:
        reader.context.close()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


class Newsdesk(Protocol):
    """What calling the API needs: the blog, and an editor's token for it."""

    @property
    def blog(self) -> LiveBlog: ...

    @property
    def token(self) -> str: ...


def api(
    server: Server,
    room: Newsdesk,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """Call the server's JSON API as the newsroom's editor; the parsed answer, or None."""
    request = urllib.request.Request(
        f"{server.base}/api/v1/blogs/{room.blog.slug}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={
            "Authorization": f"Bearer {room.token}",
            "Content-Type": "application/json",
            **(headers or {}),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


class Stopwatch:
    """How long something took: printed as a figure, never asserted."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.started = time.monotonic()

    def stop(self) -> float:
        seconds = time.monotonic() - self.started
        print(f"\n{self.what}: {seconds * 1000:.0f} ms")
        return seconds
