"""`make serve`'s path for real: migrate, seed the demo, serve over HTTP, read the page.

Real processes on loopback: `bulletin serve` itself, and `make serve` as a reader types it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bulletin.blogs.demo_content import DEMO_BLOG

STARTUP_SECONDS = 30
REPOSITORY = Path(__file__).resolve().parents[1]
ANNOUNCEMENT = "Bulletin is serving on "


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
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        announced = _announcement(server)
        assert announced.startswith(f"{ANNOUNCEMENT}http://127.0.0.1:{port}/ (1 worker(s)")
        # Announced only once the socket listens: a connection is taken at once (it waits in
        # the queue while the application starts).
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
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
        if server.stdout is not None:
            server.stdout.close()
    assert _journal_mode(tmp_path) == "wal"


def _journal_mode(folder: Path) -> str:
    import sqlite3

    with sqlite3.connect(folder / "bulletin.sqlite3") as connection:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])


def _announcement(server: subprocess.Popen[str]) -> str:
    """The line a server announces its address with (all it printed, if it exits instead)."""
    assert server.stdout is not None
    printed = []
    for line in server.stdout:
        if line.startswith(ANNOUNCEMENT):
            return line.strip()
        printed.append(line)
    raise AssertionError(f"exited with {server.wait()} before announcing: {printed}")


def _stop(server: subprocess.Popen[str]) -> None:
    """End a server started in its own session, and whatever it started (make's children)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)
    if server.stdout is not None:
        server.stdout.close()


@contextlib.contextmanager
def _port_taken() -> Iterator[int]:
    """A loopback port that something else listens on for the duration."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def _data_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
    env.update(
        BULLETIN_DATA_DIR=str(folder),
        BULLETIN_DATABASE_URL=f"sqlite:///{folder}/bulletin.sqlite3",
    )
    return env


def test_serve_on_a_taken_port_says_so_in_one_line_and_exits(tmp_path: Path):
    with _port_taken() as port:
        result = subprocess.run(
            [sys.executable, "-m", "bulletin.cli", "serve", "--port", str(port)],
            env=_data_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"CommandError: port {port} on 127.0.0.1 is already in use: stop what holds it or "
        f"choose another port (bulletin serve --port {port + 1}, make serve PORT={port + 1})"
    ]
    assert ANNOUNCEMENT not in result.stdout


def _make_serve(folder: Path, port: int) -> tuple[list[str], dict[str, str]]:
    """`make serve PORT=port`, run with this interpreter's bulletin and data kept in folder."""
    make = shutil.which("make")
    if make is None:
        pytest.fail("make is not installed: sudo apt-get install make", pytrace=False)
    env = _data_env(folder)
    for inherited in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):  # when the suite runs under make test
        env.pop(inherited, None)
    return [
        make,
        "--no-print-directory",
        "-o",
        ".venv/.runtime",  # the environment this test runs in is the one to use
        "serve",
        f"PORT={port}",
        f"BULLETIN={sys.executable} -m bulletin.cli",
    ], env


def test_make_serve_port_serves_there_and_every_address_it_prints_names_it(tmp_path: Path):
    port = _free_port()
    command, env = _make_serve(tmp_path, port)
    server = subprocess.Popen(
        command,
        cwd=REPOSITORY,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        printed = []
        for line in server.stdout:
            printed.append(line)
            if line.startswith(ANNOUNCEMENT):
                break
        output = "".join(printed)
        assert f"{ANNOUNCEMENT}http://127.0.0.1:{port}/" in output
        assert f"Desk: sign in at http://127.0.0.1:{port}/desk/" in output
        addresses = re.findall(r"https?://[^\s/]+", output)
        assert len(addresses) >= 5  # the demo blog, the desk, the admin, the API docs, the server
        assert set(addresses) == {f"http://127.0.0.1:{port}"}
        page = ""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                page = _get(f"http://127.0.0.1:{port}/live/{DEMO_BLOG.slug}")
                break
            except OSError:
                time.sleep(0.2)
        assert DEMO_BLOG.title in page
    finally:
        _stop(server)


def test_make_serve_on_a_taken_port_fails_with_the_same_one_line(tmp_path: Path):
    with _port_taken() as port:
        command, env = _make_serve(tmp_path, port)
        result = subprocess.run(
            command,
            cwd=REPOSITORY,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode != 0
    assert f"CommandError: port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr
    assert ANNOUNCEMENT not in result.stdout
