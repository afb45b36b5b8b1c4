"""The embed snippet on another site's page: the live blog shows in an iframe that sizes
itself to its content."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.realtime.conftest import api_publish


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_listening(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def test_the_embed_snippet_shows_the_live_blog_in_an_iframe_that_resizes_itself(
    newsroom, serve, reader_factory, tmp_path: Path
):
    server = serve()
    for n in range(6):
        api_publish(server, newsroom, f"Update {n}", body="<p>" + "Words. " * 60 + "</p>")
    # Another site (another origin: a different port) pastes the snippet into an article.
    (tmp_path / "article.html").write_text(
        "<!doctype html><title>Article</title><h1>Our story</h1>"
        f'<div data-bulletin-embed="{server.base}/live/{newsroom.blog.slug}/embed"></div>'
        f'<script src="{server.base}/static/reader/embed.js" async></script>'
    )
    port = _free_port()
    host = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_listening(port)
        reader = reader_factory(server)
        page = reader.context.new_page()
        page.goto(f"http://127.0.0.1:{port}/article.html")
        frame_element = page.wait_for_selector("iframe", timeout=10_000)
        page.wait_for_function(
            "() => parseInt(document.querySelector('iframe').style.height || '0') > 400",
            timeout=10_000,
        )
        frame = frame_element.content_frame()
        assert frame is not None
        frame.wait_for_selector(".entry")
        inner = frame.evaluate("document.documentElement.scrollHeight")
        outer = int(page.evaluate("parseInt(document.querySelector('iframe').style.height)"))
        assert abs(outer - inner) <= 2
        assert "Update 5" in frame.inner_text("#stream")
    finally:
        host.terminate()
        host.wait(timeout=10)
