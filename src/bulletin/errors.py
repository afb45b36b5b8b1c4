"""The one error hierarchy of Bulletin.

Services raise these; the API renders every one of them in one JSON shape
(``{"error": {"code", "message", "fields"}}``) and the CLI prints the message on one line.
Messages say what was expected and what came.

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
from typing import Any


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
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        body.update(self.extra)
        return {"error": body}


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


def retry_after(error: RateLimited) -> dict[str, str]:
    """The header that goes with a 429: when to try again, in whole seconds."""
    return {"Retry-After": str(error.retry_after)}


class ServiceUnavailable(BulletinError):
    status = 503
    code = "service_unavailable"
