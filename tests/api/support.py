"""A small JSON client for API v1, and proof that a refused request wrote nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.test import Client

from bulletin.accounts.models import Membership
from bulletin.blogs.models import Change, Entry, EntryRevision, KeyPoint, LiveBlog

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

BASE = "/api/v1"
_NO_BODY = object()


class Api:
    """Calls ``/api/v1`` with JSON bodies and, when given one, a bearer token."""

    def __init__(self, client: Client, token: str | None = None) -> None:
        self.client = client
        self.token = token

    def call(
        self,
        method: str,
        path: str,
        body: Any = _NO_BODY,
        *,
        raw: str | bytes | None = None,
        **headers: str,
    ) -> Response:
        """Send ``body`` as JSON (or ``raw`` as is); headers go as keywords: ``if_match="1"``."""
        sent = {name.replace("_", "-"): value for name, value in headers.items()}
        if self.token is not None:
            sent["Authorization"] = f"Bearer {self.token}"
        data: str | bytes = raw if raw is not None else ""
        if body is not _NO_BODY:
            data = json.dumps(body)
        return self.client.generic(
            method, BASE + path, data, content_type="application/json", headers=sent
        )

    def get(self, path: str, **headers: str) -> Response:
        return self.call("GET", path, **headers)

    def post(self, path: str, body: Any = _NO_BODY, **headers: str) -> Response:
        return self.call("POST", path, body, **headers)

    def put(self, path: str, body: Any = _NO_BODY, **headers: str) -> Response:
        return self.call("PUT", path, body, **headers)

    def patch(self, path: str, body: Any = _NO_BODY, **headers: str) -> Response:
        return self.call("PATCH", path, body, **headers)

    def delete(self, path: str, **headers: str) -> Response:
        return self.call("DELETE", path, **headers)


def json_of(response: Response, status: int = 200) -> Any:
    """Assert the status (showing the body when it differs) and return the parsed JSON."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    return json.loads(response.content)


def error_of(response: Response, status: int) -> dict[str, Any]:
    """Assert the response is the one error shape with this status; return its body."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    payload = json.loads(response.content)
    assert set(payload) == {"error"}
    error: dict[str, Any] = payload["error"]
    assert isinstance(error["code"], str)
    assert error["code"]
    assert isinstance(error["message"], str)
    assert error["message"]
    return error


def fingerprint() -> dict[str, Any]:
    """Every row a write could touch, in a form two calls can compare."""
    return {
        "blogs": list(LiveBlog.objects.order_by("pk").values()),
        "entries": list(Entry.objects.order_by("pk").values()),
        "revisions": list(EntryRevision.objects.order_by("pk").values_list("pk", "revision")),
        "changes": list(Change.objects.order_by("pk").values_list("pk", "blog_id", "seq")),
        "key_points": list(KeyPoint.objects.order_by("pk").values_list("pk", "text", "entry_id")),
        "members": list(Membership.objects.order_by("pk").values_list("pk", "role")),
    }


@contextmanager
def writes_nothing() -> Iterator[None]:
    """Assert the block leaves every row as it was (use around a refused request)."""
    before = fingerprint()
    counts = Change.objects.count(), Entry.objects.count()
    yield
    assert (Change.objects.count(), Entry.objects.count()) == counts
    assert fingerprint() == before
