"""Errors as answers, in the one JSON shape (:func:`bulletin.errors.error_body`).

Two ways out, one body: a Django response (:func:`json_error`, :func:`error_response`) for
views, middleware and the API, and an ASGI one (:func:`send_error`) for the realtime edge,
which answers without Django. An error's own headers (``Retry-After`` of a 429) always go with
it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.http import HttpResponse

from bulletin.errors import BulletinError, error_body

CONTENT_TYPE = "application/json"
_RAW_CONTENT_TYPE = (b"content-type", CONTENT_TYPE.encode())

Send = Callable[[dict[str, Any]], Awaitable[None]]


def json_error(
    status: int,
    code: str,
    message: str,
    *,
    fields: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """A Django response holding one error; for codes outside the error tree (a malformed
    JSON body, a method not allowed) too."""
    body = error_body(code, message, fields=fields, extra=extra)
    return HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE, headers=headers)


def error_response(
    error: BulletinError, *, status: int | None = None, headers: Mapping[str, str] | None = None
) -> HttpResponse:
    """A Django response for ``error``: its own status unless a page answers forms with
    another, its headers and ``headers``."""
    return json_error(
        error.status if status is None else status,
        error.code,
        error.message,
        fields=error.fields,
        extra=error.extra,
        headers={**error.headers, **(headers or {})},
    )


async def send_error(
    send: Send, error: BulletinError, headers: Mapping[str, str] | None = None
) -> None:
    """Answer an ASGI request with ``error`` (the realtime edge: streams, feeds, probes)."""
    body = json.dumps(error.as_dict()).encode()
    named = {**error.headers, **(headers or {})}
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                _RAW_CONTENT_TYPE,
                (b"content-length", str(len(body)).encode()),
                *((name.lower().encode(), value.encode()) for name, value in named.items()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
