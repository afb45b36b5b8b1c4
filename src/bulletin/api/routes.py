"""API v1: one NinjaAPI with the one error shape; OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

import json
from typing import Any, cast

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.parser import Parser

from bulletin.api import assist, blogs, changes, contributors, entries, errors, extract, media
from bulletin.errors import UnsupportedMediaType
from bulletin.text import check_tree


def _not_a_number(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class JsonBodies(Parser):
    """Bodies must be UTF-8 JSON sent as JSON (RFC 8259): not text/plain, not NaN or Infinity.

    Python's json module would take all of these; a body sent as a plain form type would also
    spare a cross-site page the preflight that JSON needs.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        kind = (request.content_type or "").lower()
        if kind != "application/json" and not (
            kind.startswith("application/") and kind.endswith("+json")
        ):
            raise UnsupportedMediaType(
                f"request body must be sent as Content-Type: application/json, got {kind or 'none'}"
            )
        text = request.body.decode("utf-8")
        parsed = json.loads(text, parse_constant=_not_a_number)
        # JSON escapes can spell NUL and lone surrogates, which no database stores: refused
        # here for every field at once, naming it (bulletin.text).
        check_tree(parsed)
        return cast(dict[str, Any], parsed)


class BulletinAPI(NinjaAPI):
    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        return errors.validation_failure(error_contexts)


api = BulletinAPI(
    title="Bulletin API",
    version="1",
    description="Live blogs for newsrooms. Errors always have the shape "
    '{"error": {"code", "message", "fields"}}.',
    urls_namespace="api-v1",
    parser=JsonBodies(),
)
errors.install(api)
api.add_router("", blogs.router)
api.add_router("", entries.router)
api.add_router("", changes.router)
api.add_router("", media.router)
api.add_router("", contributors.router)
api.add_router("", assist.router)
api.add_router("", extract.router)
