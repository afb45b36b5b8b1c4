"""``bulletin serve``: run the ASGI app under uvicorn, plus the scheduled-entry publisher."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import close_old_connections
from uvicorn.config import LOGGING_CONFIG
from uvicorn.supervisors import Multiprocess

from bulletin import config, metrics, outage
from bulletin.blogs.services import publish_due
from bulletin.management.base import BulletinCommand
from bulletin.realtime import runtime

logger = logging.getLogger("bulletin.scheduler")

SCHEDULER_INTERVAL_SECONDS = 1.0
SHUTDOWN_GRACE_SECONDS = 1
# uvicorn's exit status when the application did not start.
STARTUP_FAILURE = 3


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` and listening, or a CommandError saying in one line why not.

    `bulletin serve` binds before it starts anything or announces an address, so a taken port
    is reported plainly (uvicorn would log it after the announcement). From the ``listen`` call
    on, connections wait in the socket's queue until the application is ready to answer them.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # As uvicorn does: a restart need not wait for the last run's closed connections to expire.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen()
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            other = port + 1 if port < 65535 else port - 1
            raise CommandError(
                f"port {port} on {host} is already in use: stop what holds it or choose another "
                f"port (bulletin serve --port {other}, make serve PORT={other})"
            ) from None
        raise CommandError(f"cannot listen on {host} port {port}: {exc.strerror}") from None
    return sock


def address(sock: socket.socket) -> str:
    """The http:// address a bound socket answers on (its real port when 0 was asked for)."""
    host, port = sock.getsockname()[:2]
    return (
        f"http://[{host}]:{port}/" if sock.family == socket.AF_INET6 else f"http://{host}:{port}/"
    )


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
        if not 0 <= options["port"] <= 65535:
            raise CommandError(f"--port must be between 0 and 65535, got {options['port']}")
        with contextlib.closing(listen(options["host"], options["port"])) as sock:
            # Workers are new processes that read settings from the environment: tell them how
            # many they are, so that the broker choice (auto) is the same everywhere.
            os.environ["BULLETIN_WORKERS"] = str(options["workers"])
            settings.BULLETIN = {**settings.BULLETIN, "WORKERS": options["workers"]}
            broker = runtime.broker_name()
            os.environ["BULLETIN_BROKER"] = broker
            settings.BULLETIN = {**settings.BULLETIN, "BROKER": broker}
            with shared_metrics(options["workers"]):
                self._serve(sock, options, broker)

    def _serve(self, sock: socket.socket, options: dict[str, Any], broker: str) -> None:
        stop = threading.Event()
        if not options["no_scheduler"]:
            threading.Thread(
                target=run_scheduler, args=(stop,), name="scheduler", daemon=True
            ).start()
        self.stdout.write(
            f"Bulletin is serving on {address(sock)} "
            f"({options['workers']} worker(s), database "
            f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, broker {broker})"
        )
        # Whoever reads this line through a pipe (a test, a supervisor) gets it now.
        self.stdout.flush()
        server_config = uvicorn.Config(
            "bulletin.asgi:application",
            host=options["host"],
            port=sock.getsockname()[1],
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
            access_log=config.current.LOG_LEVEL == "DEBUG",
            log_level=config.current.LOG_LEVEL.lower(),
            # JSON: uvicorn's own lines go through Django's handler too (settings.LOGGING).
            log_config=None if config.current.LOG_FORMAT == "json" else LOGGING_CONFIG,
        )
        server = uvicorn.Server(server_config)
        try:
            # What uvicorn.run does, with the socket bound above rather than one of its own.
            if options["workers"] > 1:
                Multiprocess(server_config, sockets=[sock]).run()
            else:
                server.run(sockets=[sock])
        except KeyboardInterrupt:
            pass  # Ctrl+C: uvicorn has already shut down in order.
        finally:
            stop.set()
        if options["workers"] == 1 and not server.started:
            raise CommandError(
                "Bulletin did not start: see the log above", returncode=STARTUP_FAILURE
            )
