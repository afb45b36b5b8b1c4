"""`make serve`'s path for real: migrate, seed the demo, serve over HTTP, read the page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bulletin.blogs.demo_content import DEMO_BLOG

STARTUP_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bulletin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bulletin.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode())


def test_serve_shows_the_seeded_demo_blog_over_http_and_keeps_data_on_restart(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
    env.update(
        BULLETIN_DATA_DIR=str(tmp_path),
        BULLETIN_DATABASE_URL=f"sqlite:///{tmp_path}/bulletin.sqlite3",
    )
    _bulletin(env, "migrate", "--no-input", "-v", "0")
    first = _bulletin(env, "demo").stdout
    assert "Created the demo live blog" in first
    assert "Desk: sign in at http://127.0.0.1:8000/desk/ as 'admin' with password" in first
    again = _bulletin(env, "demo").stdout
    assert "Found the demo live blog" in again

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bulletin.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        page = ""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                page = _get(f"http://127.0.0.1:{port}/live/{DEMO_BLOG.slug}")
                break
            except OSError:
                time.sleep(0.2)
        assert DEMO_BLOG.title in page
        assert DEMO_BLOG.key_points[0] in page
        assert DEMO_BLOG.entries[-1].headline in page
    finally:
        server.terminate()
        server.wait(timeout=15)
    assert _journal_mode(tmp_path) == "wal"


def _journal_mode(folder: Path) -> str:
    import sqlite3

    with sqlite3.connect(folder / "bulletin.sqlite3") as connection:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])
