"""The nodes of the namespace cluster: a data node, app nodes, and nginx on the front.

- **data**: a PostgreSQL cluster of the run's own (Debian's ``initdb``/``pg_ctl``, a data
  folder under the run's temporary folder, listening on the data node's address only) and a
  private ``redis-server``.
- **appN**: ``bulletin serve --workers 2`` in production mode on the node's address, port
  8000, with the Redis broker; it reaches Redis through ``bench/delayrelay.py`` on its own
  127.0.0.1:6379 (the relay adds latency on demand) and PostgreSQL directly.
- **front**: Debian's nginx running ``deploy/nginx/bulletin.conf`` with only its addresses,
  ports, certificate and paths replaced, and the per-address stream limits raised (every
  simulated reader comes from one address), balancing readers over the app nodes.

Every process runs in its node's namespace (``ip netns exec``) in a process group of its own,
and :meth:`Processes.stop_all` ends them.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import IO

from bulletin_target import SETUP_SNIPPET, USERNAME, VENV_BIN, _base_env
from clusternet import ClusterNet, require_own_namespace, wait_listening

ROOT = Path(__file__).resolve().parents[1]
DEPLOY_CONFIG = ROOT / "deploy" / "nginx" / "bulletin.conf"
APP_PORT = 8000
FRONT_PORT = 8080  # plain HTTP, the readers' way in (TLS would load the 2 shared cores)
FRONT_TLS_PORT = 8443
REDIS_PORT = 6379
POSTGRES_PORT = 5432
HOST_NAME = "news.example"


class NodeError(Exception):
    """A node's service did not start."""


class Processes:
    """Every long-running process of the run, each in its own process group."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(
        self,
        name: str,
        argv: list[str],
        env: dict[str, str] | None = None,
        stdin: int | None = subprocess.DEVNULL,
    ) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("ab")
        process = subprocess.Popen(
            argv,
            stdin=stdin,
            stdout=subprocess.PIPE if stdin == subprocess.PIPE else log,
            stderr=log,
            env={**_base_env(), **(env or {})},
            start_new_session=True,
        )
        self.running[name] = process
        return process

    def log_tail(self, name: str, lines: int = 12) -> str:
        try:
            text = (self.folder / f"{name}.log").read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.running.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def stop_all(self) -> None:
        for name in list(self.running):
            self.kill(name, signal.SIGTERM)


def postgres_bindir() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found is None and os.access("/usr/sbin/nginx", os.X_OK):
        found = "/usr/sbin/nginx"
    return found


class DataNode:
    """PostgreSQL and Redis of the run's own, inside the data namespace."""

    def __init__(self, net: ClusterNet, processes: Processes, folder: Path) -> None:
        bindir = postgres_bindir()
        if bindir is None:
            raise NodeError("PostgreSQL's server binaries are missing: apt-get install postgresql")
        self.bindir = bindir
        self.net = net
        self.processes = processes
        self.root = folder / "postgres"
        self.root.mkdir()
        self.data = self.root / "data"
        self.address = net.nodes["data"].address
        self.as_postgres = os.geteuid() == 0

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@{self.address}:{POSTGRES_PORT}/bulletin"

    def _postgres(self, *args: str, timeout: float = 90) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(
            [*self.net.exec_prefix("data"), *command],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            raise NodeError(f"{args[0]} failed: {done.stderr.strip()[-600:]}")

    def start(self) -> None:
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._postgres("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-N")
        with (self.data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {self.net.subnet}.0/24 trust\n")
        options = (
            f"-p {POSTGRES_PORT} -c listen_addresses={self.address} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        log = str(self.root / "postgres.log")
        self._postgres("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")
        self._postgres("createdb", "-h", str(self.root), "-p", str(POSTGRES_PORT), "bulletin")
        redis = shutil.which("redis-server")
        if redis is None:
            raise NodeError("redis-server is missing: apt-get install redis-server")
        self.processes.start(
            "redis",
            [
                *self.net.exec_prefix("data"),
                *(redis, "--bind", self.address, "--port", str(REDIS_PORT)),
                *("--save", "", "--appendonly", "no", "--dir", str(self.root)),
                *("--protected-mode", "no"),  # bound to the data node's address only
            ],
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(NodeError, subprocess.SubprocessError):
                self._postgres("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")


class AppNode:
    """``bulletin serve --workers 2`` on one node, with its relay to Redis."""

    def __init__(
        self, name: str, net: ClusterNet, processes: Processes, env: dict[str, str]
    ) -> None:
        self.name = name
        self.net = net
        self.processes = processes
        self.address = net.nodes[name].address
        self.env = env
        self.relay: subprocess.Popen[bytes] | None = None

    def start_relay(self, redis_address: str) -> None:
        self.relay = self.processes.start(
            f"{self.name}-relay",
            [
                *self.net.exec_prefix(self.name),
                *(str(VENV_BIN / "python"), str(Path(__file__).with_name("delayrelay.py"))),
                *("--listen", f"127.0.0.1:{REDIS_PORT}", "--to", f"{redis_address}:{REDIS_PORT}"),
            ],
            stdin=subprocess.PIPE,
        )
        self._relay_line()  # "listening"

    def _relay_line(self) -> str:
        assert self.relay is not None
        assert self.relay.stdout is not None
        line = self.relay.stdout.readline().decode().strip()
        if not line:
            raise NodeError(f"the Redis relay of {self.name} exited: {self._tail('relay')}")
        return line

    def set_redis_delay(self, milliseconds: int) -> None:
        assert self.relay is not None
        assert self.relay.stdin is not None
        stdin: IO[bytes] = self.relay.stdin
        stdin.write(f"delay {milliseconds}\n".encode())
        stdin.flush()
        answer = self._relay_line()
        if answer != f"ok {milliseconds}":
            raise NodeError(f"the Redis relay of {self.name} answered {answer!r}")

    def _tail(self, what: str) -> str:
        return self.processes.log_tail(f"{self.name}-{what}")

    def bulletin(self, *args: str, timeout: float = 180) -> str:
        """A ``bulletin`` command on this node (migrate, token, ...)."""
        return self._run([str(VENV_BIN / "bulletin"), *args], timeout)

    def _run(self, argv: list[str], timeout: float) -> str:
        done = subprocess.run(
            [*self.net.exec_prefix(self.name), *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env={**_base_env(), **self.env},
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            raise NodeError(f"{' '.join(argv[:3])} on {self.name}: {done.stderr[-800:]}")
        return done.stdout

    def set_up_blog(self) -> tuple[int, str]:
        """The live blog ``bench`` and an API token for its editor: (seq, token)."""
        seq = int(self._run([str(VENV_BIN / "python"), "-c", SETUP_SNIPPET], 120).split()[-1])
        token = self.bulletin("token", USERNAME).strip().splitlines()[-1]
        return seq, token

    def serve(self, scheduler: bool) -> None:
        argv = [
            *self.net.exec_prefix(self.name),
            *(str(VENV_BIN / "bulletin"), "serve", "--host", self.address),
            *("--port", str(APP_PORT), "--workers", "2"),
        ]
        if not scheduler:
            argv.append("--no-scheduler")
        self.processes.start(f"{self.name}-serve", argv, env=self.env)

    def kill(self) -> None:
        """SIGKILL the whole node: supervisor and workers at once, as a power cut would."""
        self.processes.kill(f"{self.name}-serve")


def app_env(folder: Path, database_url: str, front_address: str) -> dict[str, str]:
    """What every app node runs with: production mode, one secret, the Redis broker."""
    return {
        "DJANGO_SETTINGS_MODULE": "bulletin.settings",
        "BULLETIN_MODE": "production",
        "BULLETIN_SECRET_KEY": secrets.token_urlsafe(48),
        "BULLETIN_SITE_URL": f"https://{HOST_NAME}",
        "BULLETIN_ALLOWED_HOSTS": f"{HOST_NAME},{front_address}",
        "BULLETIN_DATA_DIR": str(folder),
        "BULLETIN_DATABASE_URL": database_url,
        "BULLETIN_REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "BULLETIN_BROKER": "redis",
        "BULLETIN_TRUSTED_PROXY_COUNT": "1",
        "BULLETIN_LOG_LEVEL": "warning",
        # Every simulated reader and the newsroom come from the front's one address.
        "BULLETIN_RATE_LIMIT_STREAM": "off",
        "BULLETIN_RATE_LIMIT_CHANGES": "off",
        "BULLETIN_RATE_LIMIT_API_WRITE": "off",
        "BULLETIN_RATE_LIMIT_API_READ": "off",
        "BULLETIN_STREAMS_PER_CLIENT": "0",
    }


MAIN_CONFIG = """\
user root root;
worker_processes 1;
worker_rlimit_nofile {nofile};
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections {connections}; multi_accept on; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/bulletin.conf;
}}
"""


def front_site(front: str, apps: list[str], folder: Path) -> str:
    """deploy/nginx/bulletin.conf for the cluster: each replaced line is there exactly once."""
    text = DEPLOY_CONFIG.read_text()
    upstreams = "\n    ".join(f"server {address}:{APP_PORT};" for address in apps)
    replacements = {
        "    listen [::]:80;\n": "",
        "    listen [::]:443 ssl http2;\n": "",
        "listen 80;": f"listen {front}:8081;",
        "listen 443 ssl http2;": f"listen {front}:{FRONT_PORT};\n    "
        f"listen {front}:{FRONT_TLS_PORT} ssl http2;",
        "server 127.0.0.1:8000;": upstreams,
        "/etc/letsencrypt/live/news.example/fullchain.pem": str(folder / "cert.pem"),
        "/etc/letsencrypt/live/news.example/privkey.pem": str(folder / "key.pem"),
        "/var/lib/bulletin/media/": f"{folder}/media/",
        "/var/www/letsencrypt": str(folder / "acme"),
        # All simulated readers share the front's one address, like an office behind NAT:
        # the config's own advice is to raise these for that.
        "zone=bulletin_streams:10m rate=5r/s;": "zone=bulletin_streams:10m rate=10000r/s;",
        "limit_conn bulletin_open_streams 40;": "limit_conn bulletin_open_streams 60000;",
        "zone=bulletin_streams burst=60 nodelay;": "zone=bulletin_streams burst=60000 nodelay;",
    }
    for old, new in replacements.items():
        if text.count(old) != 1:
            raise NodeError(f"deploy/nginx/bulletin.conf no longer has {old!r} once")
        text = text.replace(old, new)
    return text


class Front:
    """nginx on the front node."""

    def __init__(self, net: ClusterNet, processes: Processes, folder: Path) -> None:
        self.net = net
        self.processes = processes
        self.folder = folder / "nginx"
        self.address = net.nodes["front"].address

    def start(self, apps: list[str], readers: int) -> None:
        binary = nginx_binary()
        if binary is None:
            raise NodeError("nginx is missing: apt-get install nginx-light")
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "acme", "media"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", f"/CN={HOST_NAME}"),
                *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
                *("-keyout", str(self.folder / "key.pem"), "-out", str(self.folder / "cert.pem")),
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        (self.folder / "bulletin.conf").write_text(front_site(self.address, apps, self.folder))
        connections = 3 * readers + 1024  # each reader: one in, one out, plus slack
        (self.folder / "nginx.conf").write_text(
            MAIN_CONFIG.format(
                prefix=self.folder, connections=connections, nofile=min(2 * connections, 20000)
            )
        )
        self.processes.start(
            "nginx",
            [
                *self.net.exec_prefix("front"),
                *(binary, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")),
                *("-e", str(self.folder / "error.log")),
            ],
        )
        if (
            not wait_listening(self.address, FRONT_PORT, 15)
            or self.processes.running["nginx"].poll() is not None
        ):
            error_log = self.folder / "error.log"
            raise NodeError(f"nginx did not listen: {error_log.read_text(errors='replace')[-800:]}")


def wait_for_app(address: str, timeout: float = 90) -> bool:
    """Until the node answers ``/live/bench/changes`` (from the front's namespace)."""
    import http.client

    require_own_namespace()
    deadline = time.monotonic() + timeout
    answered = 0
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(address, APP_PORT, timeout=2)
            conn.request("GET", "/live/bench/changes", headers={"Host": HOST_NAME})
            conn.getresponse().read()
            conn.close()
            answered += 1
            if answered >= 4:  # both workers, most likely
                return True
        except OSError:
            time.sleep(0.2)
    return False
