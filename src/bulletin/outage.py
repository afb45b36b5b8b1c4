"""A database outage answers 503 with ``Retry-After``, never 500.

A PostgreSQL restart or failover reaches Django as ``OperationalError`` or ``InterfaceError``.
Readers and API clients should simply come back a few seconds later, so every part that meets
one answers the same way: the API in its one error shape (:mod:`bulletin.api.errors`), other
Django pages through :class:`DatabaseOutageMiddleware`, and the realtime edge with the same
JSON. Nothing is half-written meanwhile: every write is one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from bulletin.error_responses import error_response
from bulletin.errors import ServiceUnavailable

logger = logging.getLogger("bulletin.outage")

DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
MESSAGE = f"the database is not answering; try again in {RETRY_AFTER_SECONDS} seconds"
API_PREFIX = "/api/"

# Headers of every outage answer: when to come back, and never keep the answer in a cache.
HEADERS = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}

PAGE = f"""<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{RETRY_AFTER_SECONDS}">
<title>Back in a moment</title>
<h1>Back in a moment</h1>
<p>This page cannot be shown right now. It will try again by itself in a few seconds.</p>
</html>
"""


def error() -> ServiceUnavailable:
    return ServiceUnavailable(MESSAGE)


def log(where: str, exc: BaseException) -> None:
    # One line, not a traceback: an outage repeats it for every request until it ends.
    logger.warning("database unavailable (%s): %s", where, str(exc).strip() or type(exc).__name__)


def response(path: str) -> HttpResponse:
    """503 for ``path``: the API's error shape under /api/, a short page that retries elsewhere."""
    if path.startswith(API_PREFIX):
        return error_response(error(), headers=HEADERS)
    return HttpResponse(PAGE, status=503, content_type="text/html; charset=utf-8", headers=HEADERS)


class DatabaseOutageMiddleware:
    """Turn a database error raised by a view into 503 + Retry-After instead of a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        log(f"{request.method} {request.path[:200]}", exception)
        return response(request.path)
