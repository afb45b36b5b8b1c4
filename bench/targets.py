"""Servers the fan-out benchmark can measure: a small interface and the two references.

A :class:`Target` starts its server on 127.0.0.1, says which path readers stream from, and
publishes one message carrying a ``bench-ts:<time_ns>`` marker. ``bench/bulletin_target.py``
holds Bulletin's.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from abc import ABC, abstractmethod
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
BODY_FILLER = "Readers everywhere see each new update within a fraction of a second. " * 5


class TargetError(Exception):
    """A server did not start, or refused a publish."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def body_html(size: int = 400) -> str:
    """An entry body of about ``size`` bytes."""
    return f"<p>{BODY_FILLER[: size - 7]}</p>"


def reference_data(marker: str, number: int) -> str:
    """One JSON line of about 500 bytes, shaped like a Bulletin entry event."""
    return json.dumps(
        {"seq": number, "kind": "entry", "headline": f"bench {marker}", "html": body_html()},
        separators=(",", ":"),
    )


def http_request(
    port: int,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Target(ABC):
    """One server under test. Use as a context manager: the server is stopped on exit."""

    name: str

    def __init__(self) -> None:
        self.port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix=f"fanout-{self.name}-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = self.workdir / "server.log"

    @property
    @abstractmethod
    def stream_path(self) -> str:
        """Path (with query) that readers GET for the event stream."""

    @abstractmethod
    def start(self) -> None:
        """Start the server and return once it answers HTTP."""

    @abstractmethod
    def publish(self, marker: str, number: int) -> None:
        """Publish message ``number`` with ``marker`` in its data line; raise on refusal."""

    def warm_up(self, count: int) -> None:
        """Publish ``count`` unmeasured messages so first-request costs are not counted.

        Their marker (``bench-warmup:``) is not one readers look for, so a replay is harmless.
        """
        for number in range(count):
            self.publish(f"bench-warmup:{number}", 0)

    @property
    def pid(self) -> int:
        """The server's top process: its descendants count as its workers."""
        assert self.process is not None, "server not started"
        return self.process.pid

    def describe(self) -> str:
        return self.name

    def _spawn(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **(env or {})},
                start_new_session=True,  # its own process group: we stop workers with it
            )

    def _wait_http(self, path: str, timeout: float = 30.0, attempts: int = 1) -> None:
        """Wait until ``attempts`` GETs of ``path`` get any HTTP answer in a row."""
        deadline = time.monotonic() + timeout
        answered = 0
        while answered < attempts:
            if self.process is not None and self.process.poll() is not None:
                raise TargetError(
                    f"{self.name} exited with {self.process.returncode}: {self.log_tail()}"
                )
            if time.monotonic() > deadline:
                raise TargetError(
                    f"{self.name} did not answer in {timeout:.0f} s: {self.log_tail()}"
                )
            try:
                http_request(self.port, "GET", path, timeout=2.0)
                answered += 1
            except OSError:
                time.sleep(0.1)

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:]) or "(empty log)"

    def stop(self) -> None:
        """Stop the server's process group: TERM, then KILL after 5 s."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            pgid = proc.pid  # start_new_session made it the group leader
            try:
                os.killpg(pgid, signal.SIGTERM)
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(pgid, signal.SIGKILL)
                proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Target:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class SseStarletteTarget(Target):
    name = "sse-starlette"

    def __init__(self, plain_gc: bool = False) -> None:
        super().__init__()
        self.plain_gc = plain_gc

    @property
    def stream_path(self) -> str:
        return "/events"

    def describe(self) -> str:
        gc = "default" if self.plain_gc else "tuned"
        return f"{self.name} (uvicorn, uvloop+httptools, 1 worker, gc {gc})"

    def start(self) -> None:
        argv = [
            sys.executable,
            str(BENCH_DIR / "sse_starlette_server.py"),
            "--port",
            str(self.port),
        ]
        self._spawn(argv + (["--plain-gc"] if self.plain_gc else []))
        self._wait_http("/health")

    def publish(self, marker: str, number: int) -> None:
        status, body = http_request(
            self.port, "POST", "/publish", reference_data(marker, number).encode()
        )
        if status != 202:
            raise TargetError(f"sse-starlette publish: expected 202, got {status} {body[:200]!r}")


NCHAN_MODULE = Path("/usr/lib/nginx/modules/ngx_nchan_module.so")
NGINX_CONF = """\
load_module {module};
worker_processes {workers};
worker_rlimit_nofile {nofile};
daemon off;
master_process on;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections {connections}; multi_accept on; }}
http {{
    access_log off;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    # The default shared memory stalls nchan for seconds beyond ~8,000 subscribers.
    nchan_shared_memory_size 512m;
    server {{
        listen {host}:{port} backlog=4096;
        location = /pub {{
            nchan_publisher;
            nchan_channel_id bench;
            nchan_message_buffer_length 16;
        }}
        location = /sub {{
            nchan_subscriber eventsource;
            nchan_channel_id bench;
            nchan_subscriber_first_message newest;
        }}
        location = /health {{ return 204; }}
    }}
}}
"""


class NchanTarget(Target):
    name = "nchan"

    def __init__(self, max_readers: int, workers: int = 1) -> None:
        super().__init__()
        self.max_readers = max_readers
        self.workers = workers

    @property
    def stream_path(self) -> str:
        return "/sub"

    def describe(self) -> str:
        return f"{self.name} (nginx, {self.workers} worker(s), 512m shared memory)"

    def start(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists() or not NCHAN_MODULE.exists():
            raise TargetError("nchan needs: apt-get install -y nginx-light libnginx-mod-nchan")
        connections = self.max_readers + 1024
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        nofile = connections * 2 if hard == resource.RLIM_INFINITY else min(connections * 2, hard)
        conf = self.workdir / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                module=NCHAN_MODULE,
                dir=self.workdir,
                host=HOST,
                port=self.port,
                connections=connections,
                nofile=nofile,
                workers=self.workers,
            )
        )
        # -e: the error log before the config is read (else /var/log/nginx/error.log).
        self._spawn(
            [nginx, "-p", str(self.workdir), "-e", str(self.workdir / "error.log"), "-c", str(conf)]
        )
        self._wait_http("/health")

    def publish(self, marker: str, number: int) -> None:
        status, body = http_request(
            self.port,
            "POST",
            "/pub",
            reference_data(marker, number).encode(),
            headers={"Content-Type": "application/json"},
        )
        if status not in (201, 202):
            raise TargetError(f"nchan publish: expected 201 or 202, got {status} {body[:200]!r}")

    def log_tail(self, lines: int = 15) -> str:
        error_log = self.workdir / "error.log"
        tail = super().log_tail(lines)
        if error_log.exists():
            tail += "\n" + "\n".join(error_log.read_text(errors="replace").splitlines()[-lines:])
        return tail
