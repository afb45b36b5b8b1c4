"""One error shape, whether Django or the realtime edge answers."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bulletin.error_responses import error_response, json_error, send_error
from bulletin.errors import Conflict, RateLimited, ValidationFailed


def test_django_and_the_edge_send_the_same_body_and_headers():
    error = RateLimited.after(2.5, "too many polls")
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(send_error(send, error, {"Cache-Control": "no-store"}))
    django = error_response(error, headers={"Cache-Control": "no-store"})

    start, body = sent
    edge_headers = dict(start["headers"])
    assert start["status"] == django.status_code == 429
    assert body["body"] == django.content
    assert json.loads(django.content) == {
        "error": {"code": "rate_limited", "message": "too many polls; try again in 3 s"}
    }
    assert edge_headers[b"retry-after"] == django["Retry-After"].encode() == b"3"
    assert edge_headers[b"cache-control"] == b"no-store"
    assert edge_headers[b"content-type"] == django["Content-Type"].encode()
    assert edge_headers[b"content-length"] == str(len(django.content)).encode()


def test_fields_and_extras_stand_beside_code_and_message():
    refused = error_response(ValidationFailed.on("headline", "is required"))
    assert json.loads(refused.content) == {
        "error": {
            "code": "validation_error",
            "message": "headline: is required",
            "fields": {"headline": "is required"},
        }
    }
    stale = error_response(Conflict("stale revision", extra={"current_revision": 4}))
    assert json.loads(stale.content)["error"]["current_revision"] == 4


def test_a_page_may_answer_a_form_with_its_own_status():
    assert error_response(Conflict("taken"), status=400).status_code == 400


def test_codes_outside_the_error_tree_have_the_same_shape():
    answer = json_error(405, "method_not_allowed", "PUT is not allowed", headers={"Allow": "GET"})
    assert (answer.status_code, answer["Allow"]) == (405, "GET")
    assert json.loads(answer.content) == {
        "error": {"code": "method_not_allowed", "message": "PUT is not allowed"}
    }
