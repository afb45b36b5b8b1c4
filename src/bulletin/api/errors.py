"""Every exception the API can meet, answered in the one error shape
(``{"error": {"code", "message", "fields"}}``, drawn by :mod:`bulletin.error_responses`).

Pydantic's messages are rewritten to say what was expected and what came
("headline: must be at most 300 characters, got 412"; :mod:`bulletin.validation_messages`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import (
    AuthenticationError,
    AuthorizationError,
    HttpError,
    ValidationError,
    ValidationErrorContext,
)

from bulletin import outage
from bulletin.error_responses import error_response, json_error
from bulletin.errors import (
    BulletinError,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    ValidationFailed,
)
from bulletin.validation_messages import pydantic_message

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("bulletin.api")


def _field_name(loc: tuple[Any, ...]) -> str:
    # loc starts with the source ("body", "query", "path") and, for bodies, the param name.
    parts = [str(part) for part in loc[1:]]
    if loc and loc[0] == "body":
        parts = parts[1:]  # the view's parameter name means nothing to the caller
    name = ""
    for part in parts:
        name += f"[{part}]" if part.isdigit() else (f".{part}" if name else part)
    return name or str(loc[0] if loc else "body")


def validation_failure(contexts: list[ValidationErrorContext[Any]]) -> ValidationError:
    """Turn pydantic errors into field → message pairs (keeping the input only to measure it)."""
    errors = []
    for context in contexts:
        model = context.model
        for error in context.pydantic_validation_error.errors(include_url=False):
            inner = model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"])
            loc = (model.__ninja_param_source__, *inner)
            errors.append({"field": _field_name(loc), "message": pydantic_message(dict(error))})
    return ValidationError(errors)


def install(api: NinjaAPI) -> None:
    """Register the one error shape for every exception the API can meet."""

    def on_bulletin_error(request: HttpRequest, exc: BulletinError) -> HttpResponse:
        return error_response(exc)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = {e.get("field", "body"): e.get("message", "is not valid") for e in exc.errors}
        summary = "; ".join(f"{name}: {text}" for name, text in fields.items())
        return error_response(ValidationFailed(summary, fields=fields))

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            NotAuthenticated("sign in, or send an API token as 'Authorization: Bearer <token>'")
        )

    def on_authorization(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return error_response(PermissionDenied(exc.message))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, BulletinError):
            # Ninja wraps whatever the body parser raised; ours says what was wrong.
            return error_response(exc.__cause__)
        if exc.status_code == 400 and exc.__cause__ is not None:
            return json_error(
                400,
                "malformed_json",
                f"request body must be JSON, got invalid JSON: {exc.__cause__}",
            )
        code = {
            401: "not_authenticated",
            403: "permission_denied",
            404: "not_found",
            405: "method_not_allowed",
            429: "rate_limited",
        }.get(exc.status_code, "bad_request")
        return json_error(exc.status_code, code, str(exc))

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(NotFound(str(exc) or "no such resource"))

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        size = request.META.get("CONTENT_LENGTH", "more")
        return error_response(
            PayloadTooLarge(f"request body must be at most {limit} bytes, got {size}")
        )

    def on_database_down(request: HttpRequest, exc: Exception) -> HttpResponse:
        outage.log(f"{request.method} {request.path[:200]}", exc)
        return error_response(outage.error(), headers=outage.HEADERS)

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(
            BulletinError("something went wrong on our side; nothing was changed")
        )

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (BulletinError, on_bulletin_error),
        (ValidationError, on_validation),
        (AuthenticationError, on_authentication),
        (AuthorizationError, on_authorization),
        (HttpError, on_http_error),
        (Http404, on_not_found),
        (RequestDataTooBig, on_too_big),
        *((error, on_database_down) for error in outage.DATABASE_ERRORS),
        (Exception, on_unexpected),
    ]
    for exception_class, handler in handlers:
        api.add_exception_handler(exception_class, handler)
