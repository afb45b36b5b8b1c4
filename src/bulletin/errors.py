"""The one error hierarchy of Bulletin.

Services raise these; every JSON answer renders them in one shape, built by :func:`error_body`
(``{"error": {"code", "message", "fields"}}``; :mod:`bulletin.error_responses` sends it from
Django and from the realtime edge) and the CLI prints the message on one line. Messages say
what was expected and what came.

    BulletinError                 500 (never raised directly)
    ├── ValidationFailed          400 validation_error
    ├── NotAuthenticated          401 not_authenticated
    ├── PermissionDenied          403 permission_denied
    ├── NotFound                  404 not_found
    ├── Conflict                  409 conflict        (stale revision, duplicate slug)
    ├── InvalidState              409 invalid_state   (e.g. pinning a draft)
    ├── PreconditionRequired      428 precondition_required
    ├── PayloadTooLarge           413 payload_too_large
    ├── UnsupportedMediaType      415 unsupported_media_type (a JSON body not sent as JSON)
    ├── RateLimited               429 rate_limited    (too many requests; Retry-After)
    └── ServiceUnavailable        503 service_unavailable (the database is away; Retry-After)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def error_body(
    code: str,
    message: str,
    *,
    fields: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The one JSON error shape: ``fields`` (field → what is wrong) only when there are some;
    ``extra`` beside them (e.g. ``current_revision`` of a conflict)."""
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = dict(fields)
    if extra:
        body.update(extra)
    return {"error": body}


class BulletinError(Exception):
    status = 500
    code = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        return error_body(self.code, self.message, fields=self.fields, extra=self.extra)

    @property
    def headers(self) -> dict[str, str]:
        """Headers every answer carrying this error must have."""
        return {}


class ValidationFailed(BulletinError):
    status = 400
    code = "validation_error"

    @classmethod
    def on(cls, field: str, message: str) -> ValidationFailed:
        """One field is wrong: the message names the field."""
        return cls(f"{field}: {message}", fields={field: message})


class NotAuthenticated(BulletinError):
    status = 401
    code = "not_authenticated"


class PermissionDenied(BulletinError):
    status = 403
    code = "permission_denied"


class NotFound(BulletinError):
    status = 404
    code = "not_found"


class Conflict(BulletinError):
    status = 409
    code = "conflict"


class InvalidState(BulletinError):
    status = 409
    code = "invalid_state"


class PayloadTooLarge(BulletinError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(BulletinError):
    status = 415
    code = "unsupported_media_type"


class PreconditionRequired(BulletinError):
    status = 428
    code = "precondition_required"


class RateLimited(BulletinError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    @classmethod
    def after(cls, seconds: float, what: str) -> RateLimited:
        """Too many ``what`` (a phrase with the limit); the wait rounded up to whole seconds."""
        wait = max(1, math.ceil(seconds))
        return cls(f"{what}; try again in {wait} s", retry_after=wait)

    @property
    def headers(self) -> dict[str, str]:
        """When to try again, in whole seconds."""
        return {"Retry-After": str(self.retry_after)}


class ServiceUnavailable(BulletinError):
    status = 503
    code = "service_unavailable"
