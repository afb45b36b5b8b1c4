"""Real servers and real SSE connections for the realtime tests (no mocks)."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from bulletin.metrics import OPEN_READERS

START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url() -> str:
    """The URL of the test database this pytest process uses, for a server subprocess."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = settings["USER"] or "postgres"
    host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    return f"postgres://{user}@{host}/{settings['NAME']}"


@functools.cache
def own_data_dir() -> str:
    """A data folder for this pytest process's servers: var/ is shared by every worker."""
    folder = tempfile.mkdtemp(prefix=f"bulletin-test-data-{os.getpid()}-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@dataclass
class Server:
    """`bulletin serve` in a subprocess, against the test database."""

    env: dict[str, str] = field(default_factory=dict)
    workers: int = 1
    port: int = field(default_factory=free_port)
    # Off by default: the tests publish scheduled entries themselves, when they choose.
    scheduler: bool = False
    process: subprocess.Popen[str] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
        env.update(
            {
                "BULLETIN_DATABASE_URL": database_url(),
                "BULLETIN_DATA_DIR": own_data_dir(),
                "BULLETIN_LOG_LEVEL": "warning",
            }
        )
        env.update(self.env)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bulletin.cli",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                *([] if self.scheduler else ["--no-scheduler"]),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bulletin serve exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(f"{self.base}/live/no-such-blog/changes", timeout=2)
            except urllib.error.HTTPError:
                return self  # answering (404): up
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("bulletin serve did not answer in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_for_readers(server: Server, slug: str, count: int, timeout: float = 10) -> None:
    """Wait until the server's hubs hold ``count`` readers of the blog (its /metrics says so).

    A stream's headers come before its reader joins the hub: a test about what the hub does
    with readers it already holds waits for this, instead of sleeping.
    """

    def held() -> float:
        with urllib.request.urlopen(f"{server.base}/metrics", timeout=5) as response:
            text = response.read().decode()
        return sum(
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == OPEN_READERS and sample.labels.get("blog") == slug
        )

    deadline = time.monotonic() + timeout
    while held() != count:
        if time.monotonic() > deadline:
            raise AssertionError(f"the server never held {count} readers of {slug}")
        time.sleep(0.02)


@dataclass
class Event:
    id: int | None
    kind: str
    data: str

    def json(self) -> Any:
        import json

        return json.loads(self.data)


class SSEClient:
    """A raw socket EventSource: sends the GET, parses events and comments as they arrive."""

    # Every client opened, so that a fixture can close them all after each test.
    opened: list[SSEClient] = []

    def __init__(
        self,
        port: int,
        path: str,
        headers: dict[str, str] | None = None,
        read_buffer: int | None = None,
    ) -> None:
        self.sock = socket.socket()
        SSEClient.opened.append(self)
        if read_buffer is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, read_buffer)
        self.sock.connect(("127.0.0.1", port))
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept: text/event-stream"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        self.status = 0
        self.headers: dict[str, str] = {}
        self.comments: list[str] = []
        self.retry: int | None = None
        self.closed = False
        self._read_head()

    def _fill(self, timeout: float) -> bool:
        self.sock.settimeout(timeout)
        try:
            chunk = self.sock.recv(65536)
        except TimeoutError:
            return False
        if not chunk:
            self.closed = True
            return False
        self.buffer += chunk
        return True

    def _read_head(self) -> None:
        deadline = time.monotonic() + 10
        while b"\r\n\r\n" not in self.buffer and time.monotonic() < deadline:
            if not self._fill(1) and self.closed:
                break
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        first, *rest = head.decode("latin-1").split("\r\n")
        self.status = int(first.split()[1])
        self.headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in rest)}
        self._body = b""

    def _dechunk(self) -> None:
        # Responses are chunked: move complete chunks from buffer into the body.
        while True:
            size_line, sep, rest = self.buffer.partition(b"\r\n")
            if not sep:
                return
            size = int(size_line, 16)
            if len(rest) < size + 2:
                return
            if size == 0:
                self.closed = True
            self._body += rest[:size]
            self.buffer = rest[size + 2 :]

    def events(self, count: int, timeout: float = 10) -> list[Event]:
        """Read until ``count`` events arrived, the stream closed, or ``timeout`` passed."""
        found: list[Event] = []
        deadline = time.monotonic() + timeout
        while len(found) < count:
            self._dechunk()
            while b"\n\n" in self._body and len(found) < count:
                block, _, self._body = self._body.partition(b"\n\n")
                event = self._parse(block.decode())
                if event is not None:
                    found.append(event)
            if len(found) >= count or self.closed:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._fill(min(remaining, 1))
        return found

    def _parse(self, block: str) -> Event | None:
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                self.comments.append(line[1:].strip())
            elif line:
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")
        if "retry" in fields:
            self.retry = int(fields["retry"])
        if "data" not in fields:
            return None
        return Event(
            int(fields["id"]) if "id" in fields else None,
            fields.get("event", "message"),
            fields["data"],
        )

    def wait_closed(self, timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        while not self.closed and time.monotonic() < deadline:
            self._dechunk()
            if not self._fill(min(1, deadline - time.monotonic())) and self.closed:
                break
            self._dechunk()
        return self.closed

    def close(self) -> None:
        self.sock.close()
