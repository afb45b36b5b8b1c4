"""Bulletin as a fan-out benchmark target: ``bulletin serve`` on a fresh database.

Set-up follows the contract of the live stream: migrate, create a staff user and a live blog
``bench``, issue an API token; readers stream ``/live/bench/events?since=<seq>`` and the
publisher POSTs entries to ``/api/v1/blogs/bench/entries``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from targets import BENCH_DIR, Target, TargetError, body_html, http_request

VENV_BIN = BENCH_DIR.parent / ".venv" / "bin"
SLUG = "bench"
USERNAME = "bench"

# Run with the venv's python and DJANGO_SETTINGS_MODULE=bulletin.settings; prints the blog's seq.
# Idempotent, so a PostgreSQL database kept between runs can be reused.
SETUP_SNIPPET = f"""
import django
django.setup()
from bulletin.accounts.models import User
from bulletin.blogs import services
from bulletin.blogs.models import BlogStatus, LiveBlog
from bulletin.blogs.fields import BlogFields
user, _ = User.objects.get_or_create(username={USERNAME!r}, defaults={{"is_staff": True}})
if not user.is_staff:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
blog = LiveBlog.objects.filter(slug={SLUG!r}).first()
if blog is None:
    blog = services.create_blog(user, BlogFields(slug={SLUG!r}, title="Bench Live Updates"))
if blog.status != BlogStatus.LIVE:
    blog = services.go_live(user, blog)
blog.refresh_from_db()
print(blog.seq)
"""


class BulletinTarget(Target):
    name = "bulletin"

    def __init__(self, mode: str, workers: int, database_url: str | None, redis_url: str) -> None:
        if mode == "memory" and workers > 1:
            raise TargetError(
                "--mode memory reaches one process only: use --workers 1, "
                f"or --mode redis, got --workers {workers}"
            )
        super().__init__()
        self.mode = mode
        self.workers = workers
        self.database_url = database_url or f"sqlite:///{self.workdir}/bench.sqlite3"
        self.env = {
            "DJANGO_SETTINGS_MODULE": "bulletin.settings",
            "BULLETIN_DATA_DIR": str(self.workdir),
            "BULLETIN_DATABASE_URL": self.database_url,
            "BULLETIN_LOG_LEVEL": "warning",
            "BULLETIN_BROKER": mode,
            # Every simulated reader connects from this machine's one address: the per-address
            # limits (meant for reconnect storms) would refuse all but the first few.
            "BULLETIN_RATE_LIMIT_STREAM": "off",
            "BULLETIN_RATE_LIMIT_CHANGES": "off",
            "BULLETIN_STREAMS_PER_CLIENT": "0",
            # Ten thousand readers connecting at once on a busy machine may wait more than the
            # default 10 s for their request head to be read; nchan has no such deadline.
            "BULLETIN_HEADER_TIMEOUT_SECONDS": "60",
            # As deployed: production mode (no DEBUG, whose cursor wrapper logs every query of
            # the publish request). TLS would end at a proxy; the site URL only has to say so.
            "BULLETIN_MODE": "production",
            "BULLETIN_SECRET_KEY": secrets.token_urlsafe(48),
            "BULLETIN_SITE_URL": "https://bench.invalid",
        }
        if mode == "redis":
            self.env["BULLETIN_REDIS_URL"] = redis_url
        self.redis_url = redis_url
        self.redis: subprocess.Popen[bytes] | None = None
        self.seq = 0
        self.token = ""

    @property
    def stream_path(self) -> str:
        return f"/live/{SLUG}/events?since={self.seq}"

    def describe(self) -> str:
        database = self.database_url.split(":", 1)[0]
        return f"{self.name} ({self.workers} worker(s), broker {self.mode}, {database})"

    def _run(self, argv: list[str], timeout: float = 120.0) -> str:
        with self.log_path.open("ab") as log:
            done = subprocess.run(
                argv,
                stdout=subprocess.PIPE,
                stderr=log,
                stdin=subprocess.DEVNULL,
                env={**_base_env(), **self.env},
                timeout=timeout,
                check=False,
            )
        if done.returncode != 0:
            raise TargetError(f"{' '.join(argv[:3])} failed ({done.returncode}): {self.log_tail()}")
        return done.stdout.decode()

    def start(self) -> None:
        bulletin = str(VENV_BIN / "bulletin")
        if not Path(bulletin).exists():
            raise TargetError(f"{bulletin} is missing: run `make .venv/.runtime` first")
        if self.mode == "redis":
            self._ensure_redis()
        self._run([bulletin, "migrate", "--no-input", "-v", "0"])
        self.seq = self._set_up_blog()
        self.token = self._run([bulletin, "token", USERNAME]).strip().splitlines()[-1]
        self._spawn(
            [
                bulletin,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
            ],
            env=self.env,
        )
        # Workers share the listening socket: a few answered requests suggest all are up.
        self._wait_http(f"/live/{SLUG}/changes", timeout=60.0, attempts=2 * self.workers)

    def _ensure_redis(self) -> None:
        """Use the Redis at ``redis_url``; start one there if nothing answers (loopback only)."""
        url = urlsplit(self.redis_url)
        host, port = url.hostname or "127.0.0.1", url.port or 6379
        if host not in ("127.0.0.1", "localhost"):
            raise TargetError(f"--redis-url must be on 127.0.0.1, got {host!r}")
        if _answers(host, port):
            return
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            raise TargetError("nothing answers at --redis-url and redis-server is not installed")
        self.redis = subprocess.Popen(
            [
                redis_server,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        for _ in range(50):
            if _answers(host, port):
                return
            time.sleep(0.1)
        raise TargetError(f"redis-server did not start on {host}:{port}")

    def stop(self) -> None:
        super().stop()  # the server first, so it does not see Redis go away
        redis, self.redis = self.redis, None
        if redis is not None:
            redis.terminate()
            try:
                redis.wait(timeout=5)
            except subprocess.TimeoutExpired:
                redis.kill()
                redis.wait(timeout=5)

    def _set_up_blog(self) -> int:
        return int(self._run([str(VENV_BIN / "python"), "-c", SETUP_SNIPPET]).split()[-1])

    def warm_up(self, count: int) -> None:
        super().warm_up(count)
        self.seq = self._set_up_blog()  # readers start after the warm-up entries

    def publish(self, marker: str, number: int) -> None:
        payload = {"headline": f"bench {marker}", "body": body_html()}
        status, body = http_request(
            self.port,
            "POST",
            f"/api/v1/blogs/{SLUG}/entries",
            json.dumps(payload).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        if status != 201:
            raise TargetError(f"bulletin publish: expected 201, got {status} {body[:300]!r}")


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.pop("VIRTUAL_ENV", None)
    return env


if __name__ == "__main__":  # pragma: no cover - manual smoke test of the set-up
    with BulletinTarget("memory", 1, None, "") as target:
        target.start()
        print(target.describe(), target.port, target.stream_path, file=sys.stderr)
