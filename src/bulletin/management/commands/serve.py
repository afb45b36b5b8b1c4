"""``bulletin serve``: run the ASGI app under uvicorn, plus the scheduled-entry publisher."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import close_old_connections
from uvicorn.config import LOGGING_CONFIG

from bulletin import metrics, outage
from bulletin.blogs.services import publish_due
from bulletin.management.base import BulletinCommand
from bulletin.realtime import runtime

logger = logging.getLogger("bulletin.scheduler")

SCHEDULER_INTERVAL_SECONDS = 1.0
SHUTDOWN_GRACE_SECONDS = 1


def run_scheduler(stop: threading.Event, interval: float = SCHEDULER_INTERVAL_SECONDS) -> None:
    """Publish due scheduled entries every ``interval`` seconds until ``stop`` is set."""
    while not stop.wait(interval):
        try:
            for entry in publish_due():
                logger.info("published scheduled entry %s of blog %s", entry.pk, entry.blog_id)
        except outage.DATABASE_ERRORS as exc:
            outage.log("publishing scheduled entries; retrying", exc)
        except Exception:
            # A database hiccup must not kill the scheduler; the next tick tries again.
            logger.exception("publishing scheduled entries failed; retrying")
        finally:
            close_old_connections()


@contextlib.contextmanager
def shared_metrics(workers: int) -> Iterator[str | None]:
    """Let any worker's /metrics answer for all of them (prometheus_client multiprocess mode).

    Their values meet in files in one folder, exported as PROMETHEUS_MULTIPROC_DIR before any
    worker starts. An operator's own folder is emptied of an earlier run's files; otherwise a
    fresh temporary folder is made and removed afterwards. One worker keeps values in memory.
    """
    given = metrics.multiprocess_dir()
    if given is not None:
        metrics.prepare_multiprocess_dir(given)
        yield given
        return
    if workers <= 1:
        yield None
        return
    path = tempfile.mkdtemp(prefix="bulletin-metrics-")
    os.environ[metrics.MULTIPROCESS_ENV] = path
    try:
        yield path
    finally:
        os.environ.pop(metrics.MULTIPROCESS_ENV, None)
        shutil.rmtree(path, ignore_errors=True)


class Command(BulletinCommand):
    help = "Serve Bulletin over HTTP with uvicorn (uvloop + httptools)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1)."
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="Port to listen on (default 8000)."
        )
        parser.add_argument("--workers", type=int, default=1, help="Worker processes (default 1).")
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Do not publish scheduled entries from this process.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError(f"--workers must be at least 1, got {options['workers']}")
        # Workers are new processes that read settings from the environment: tell them how
        # many they are, so that the broker choice (auto) is the same everywhere.
        os.environ["BULLETIN_WORKERS"] = str(options["workers"])
        settings.BULLETIN["WORKERS"] = options["workers"]
        broker = runtime.broker_name()
        os.environ["BULLETIN_BROKER"] = broker
        settings.BULLETIN["BROKER"] = broker
        with shared_metrics(options["workers"]):
            self._serve(options, broker)

    def _serve(self, options: dict[str, Any], broker: str) -> None:
        stop = threading.Event()
        if not options["no_scheduler"]:
            threading.Thread(
                target=run_scheduler, args=(stop,), name="scheduler", daemon=True
            ).start()
        self.stdout.write(
            f"Bulletin is serving on http://{options['host']}:{options['port']}/ "
            f"({options['workers']} worker(s), database "
            f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, broker {broker})"
        )
        try:
            uvicorn.run(
                "bulletin.asgi:application",
                host=options["host"],
                port=options["port"],
                workers=options["workers"],
                loop="uvloop",
                # httptools, closing connections whose request head never arrives in full
                # (BULLETIN_HEADER_TIMEOUT_SECONDS; see bulletin.httpserver).
                http="bulletin.httpserver:HeaderTimeoutProtocol",
                lifespan="on",
                interface="asgi3",
                # uvicorn would believe X-Forwarded-For from any loopback peer (a forged
                # header then escapes every per-address limit): the client address comes from
                # BULLETIN_TRUSTED_PROXY_COUNT alone (ratelimit.client_address), and https
                # from SECURE_PROXY_SSL_HEADER.
                proxy_headers=False,
                # One log line per request costs more than serving an event to a reader.
                # Live streams never finish by themselves: on shutdown, give them a moment,
                # then end them (readers reconnect to another worker and resume).
                timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
                access_log=settings.BULLETIN["LOG_LEVEL"] == "DEBUG",
                log_level=settings.BULLETIN["LOG_LEVEL"].lower(),
                # JSON: uvicorn's own lines go through Django's handler too (settings.LOGGING).
                log_config=None if settings.BULLETIN["LOG_FORMAT"] == "json" else LOGGING_CONFIG,
            )
        finally:
            stop.set()
