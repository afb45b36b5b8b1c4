"""The one place API errors become responses: ``{"error": {"code", "message", "fields"}}``.

Pydantic's messages are rewritten to say what was expected and what came
("headline: must be at most 300 characters, got 412").
"""

from __future__ import annotations

import json
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
from bulletin.errors import BulletinError, NotAuthenticated, PermissionDenied, RateLimited

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("bulletin.api")

_JSON_TYPES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def describe(value: Any) -> str:
    """Name the JSON type of a value, for 'got …' in messages."""
    for kind, name in _JSON_TYPES.items():
        if type(value) is kind:
            return name
    return type(value).__name__


def shown(value: Any) -> str:
    """A value as the caller wrote it in JSON (null, true, "text"), cut short."""
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _field_name(loc: tuple[Any, ...]) -> str:
    # loc starts with the source ("body", "query", "path") and, for bodies, the param name.
    parts = [str(part) for part in loc[1:]]
    if loc and loc[0] == "body":
        parts = parts[1:]  # the view's parameter name means nothing to the caller
    name = ""
    for part in parts:
        name += f"[{part}]" if part.isdigit() else (f".{part}" if name else part)
    return name or str(loc[0] if loc else "body")


_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "datetime_type": "a date-time such as 2026-01-27T14:32:00Z",
    "datetime_parsing": "a date-time such as 2026-01-27T14:32:00Z",
    "datetime_from_date_parsing": "a date-time such as 2026-01-27T14:32:00Z",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_unicode": "text of whole Unicode characters (a lone surrogate is not one)",
}


def pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    got = describe(value)
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters, got {len(value or '')}"
    if kind == "string_too_short":
        return f"must be at least {ctx.get('min_length')} characters, got {len(value or '')}"
    if kind == "too_long":
        return f"must hold at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        bound = next(iter(ctx.items()), ("", ""))
        words = {"ge": "at least", "gt": "more than", "le": "at most", "lt": "less than"}
        return f"must be {words.get(bound[0], bound[0])} {bound[1]}, got {shown(value)}"
    if kind in {"literal_error", "enum"}:
        return f"must be one of {ctx.get('expected')}, got {shown(value)}"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx.get('pattern')}, got {shown(value)}"
    if kind in _EXPECTED:
        what = shown(value) if isinstance(value, str | int | float) else got
        return f"must be {_EXPECTED[kind]}, got {what}"
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "is not valid")))
    return f"{error.get('msg', 'is not valid')}, got {got}"


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


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return api.create_response(request, {"error": body}, status=status)


def install(api: NinjaAPI) -> None:
    """Register the one error shape for every exception the API can meet."""

    def on_bulletin_error(request: HttpRequest, exc: BulletinError) -> HttpResponse:
        response = _respond(
            api, request, exc.status, exc.code, exc.message, exc.fields, **exc.extra
        )
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = {e.get("field", "body"): e.get("message", "is not valid") for e in exc.errors}
        summary = "; ".join(f"{name}: {text}" for name, text in fields.items())
        return _respond(api, request, 400, "validation_error", summary, fields)

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return on_bulletin_error(
            request,
            NotAuthenticated("sign in, or send an API token as 'Authorization: Bearer <token>'"),
        )

    def on_authorization(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return on_bulletin_error(request, PermissionDenied(exc.message))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, BulletinError):
            # Ninja wraps whatever the body parser raised; ours says what was wrong.
            return on_bulletin_error(request, exc.__cause__)
        if exc.status_code == 400 and exc.__cause__ is not None:
            return _respond(
                api,
                request,
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
        return _respond(api, request, exc.status_code, code, str(exc))

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _respond(api, request, 404, "not_found", str(exc) or "no such resource")

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        size = request.META.get("CONTENT_LENGTH", "more")
        return _respond(
            api,
            request,
            413,
            "payload_too_large",
            f"request body must be at most {limit} bytes, got {size}",
        )

    def on_database_down(request: HttpRequest, exc: Exception) -> HttpResponse:
        outage.log(f"{request.method} {request.path[:200]}", exc)
        response = on_bulletin_error(request, outage.error())
        for name, value in outage.HEADERS.items():
            response[name] = value
        return response

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unexpected error on %s %s", request.method, request.path)
        return _respond(
            api,
            request,
            500,
            "internal_error",
            "something went wrong on our side; nothing was changed",
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
