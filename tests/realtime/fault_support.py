"""Services of a test's own for fault tests, and readers that reconnect like browsers.

The shared PostgreSQL and Redis of this machine serve other test runs at the same time: a test
that stops a service starts its own first (on a free port, in a temporary folder).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from tests.realtime.support import SSEClient, free_port

# --- Redis -------------------------------------------------------------------------------


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")


@dataclass
class RedisServer:
    """``redis-server`` on a free loopback port, without persistence; stop and start at will."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = redis_server_binary()
        assert binary is not None
        listen = ("--bind", "127.0.0.1", "--port", str(self.port))
        self.process = subprocess.Popen(
            [binary, *listen, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, self.process, "redis-server")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _wait_for_port(port: int, process: subprocess.Popen[Any], name: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{name} did not listen on port {port} in time")


# --- PostgreSQL ----------------------------------------------------------------------------


def postgres_bindir() -> Path | None:
    """The newest PostgreSQL server binaries installed (Debian keeps them per version)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


class PostgresCluster:
    """A PostgreSQL cluster of the test's own: initdb in a temporary folder, a free port,
    fsync off. As root, the server runs as the ``postgres`` user (it refuses to run as root)."""

    def __init__(self) -> None:
        bindir = postgres_bindir()
        assert bindir is not None
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="bulletin-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/bulletin"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)

    def init(self) -> PostgresCluster:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self, name: str = "bulletin") -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="bulletin"
        ) as connection:
            return list(connection.execute(sql, params).fetchall())

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


# --- worker processes of `bulletin serve --workers N` ---------------------------------------


def worker_pids(server_pid: int) -> list[int]:
    """uvicorn's worker processes: the server's children started by multiprocessing.spawn."""
    workers = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile
        # The command may hold spaces and parentheses: the fields after its closing ")".
        parent = int(stat.rpartition(")")[2].split()[1])
        if parent == server_pid and b"spawn_main" in cmdline:
            workers.append(int(entry.name))
    return sorted(workers)


def peer_ports(pid: int) -> set[int]:
    """Remote ports of the TCP connections process ``pid`` holds (its clients' local ports)."""
    inodes = set()
    try:
        for fd in (Path("/proc") / str(pid) / "fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return set()
    ports = set()
    for table in ("tcp", "tcp6"):
        path = Path("/proc") / str(pid) / "net" / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[2].rpartition(":")[2], 16))
    return ports


# --- readers and publishers -----------------------------------------------------------------


class Follower(threading.Thread):
    """A live reader that behaves like a browser's EventSource: when its stream drops, it
    reconnects with ``Last-Event-ID`` and resumes."""

    RETRY_SECONDS = 0.2
    # Every reader started, so that a fixture can stop them all after each test.
    started: ClassVar[list[Follower]] = []

    def __init__(self, port: int, slug: str, since: int) -> None:
        super().__init__(daemon=True)
        Follower.started.append(self)
        self.port = port
        self.path = f"/live/{slug}/events"
        self.last = since
        self.seqs: list[int] = []
        self.resets = 0
        self.drops: list[float] = []  # when a stream ended under it
        self.resumed: list[float] = []  # when a new stream opened after a drop
        self.refusals: list[int] = []  # statuses other than 200 on (re)connecting
        self.connected = threading.Event()
        self.client: SSEClient | None = None
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()

    def reconnect(self) -> None:
        """Drop the stream from this side; the reader connects again at once."""
        client = self.client
        if client is not None:
            with contextlib.suppress(OSError):  # already gone
                client.sock.shutdown(socket.SHUT_RDWR)

    def local_port(self) -> int | None:
        client = self.client
        try:
            return int(client.sock.getsockname()[1]) if client is not None else None
        except OSError:
            return None

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                client = SSEClient(self.port, self.path, headers={"Last-Event-ID": str(self.last)})
            except (OSError, ValueError, IndexError):
                time.sleep(self.RETRY_SECONDS)  # no answer at all: try again, as browsers do
                continue
            if client.status != 200:
                self.refusals.append(client.status)
                client.close()
                time.sleep(self.RETRY_SECONDS)
                continue
            if self.drops and len(self.resumed) < len(self.drops):
                self.resumed.append(time.monotonic())
            self.client = client
            self.connected.set()
            self._read(client)
            client.close()
            if not self._halt.is_set():
                self.drops.append(time.monotonic())
                time.sleep(self.RETRY_SECONDS)

    def _read(self, client: SSEClient) -> None:
        while not self._halt.is_set():
            try:
                events = client.events(16, timeout=0.3)
            except OSError:
                return
            for event in events:
                if event.kind == "reset":
                    self.resets += 1
                if event.id is not None:
                    self.seqs.append(event.id)
                    self.last = event.id
            if client.closed:
                return


def wait_until(condition: Any, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    url: str,
    *,
    method: str = "GET",
    body: Any = None,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Answer:
    """One HTTP request; any status is an answer (only a broken connection raises OSError)."""
    sent = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, _lower(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, _lower(error.headers.items()), error.read())


def _lower(headers: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in headers}
