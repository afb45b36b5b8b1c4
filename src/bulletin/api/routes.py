"""API v1: one NinjaAPI with the one error shape; OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext

from bulletin.api import blogs, changes, entries, errors


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
)
errors.install(api)
api.add_router("", blogs.router)
api.add_router("", entries.router)
api.add_router("", changes.router)
