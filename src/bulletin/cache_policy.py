"""Which answers a browser cache or a CDN may keep: one rule for every page and API route.

Public answers (the reader's pages, public API reads) are made to be cached by a CDN. Anything
answered *for someone* must never be: a CDN that kept a draft blog's change feed asked with a
token would hand it to the next anonymous reader. So every answer Django gives

- to a request that carried an ``Authorization`` header, or was answered for a signed-in
  person (a session or an API token looked at and found valid), or under ``/desk/``, is
  ``Cache-Control: private, no-store``, whatever the view said;
- on the API otherwise (public answers) carries ``Vary: Authorization, Cookie``, since the same
  URL answers a member differently (drafts, another status list).

Nothing in Django compresses answers (whitenoise sets its own ``Vary: Accept-Encoding`` on
static files), and the realtime edge answers only anonymous readers, so it needs neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.functional import LazyObject, empty

PRIVATE = "private, no-store"
API_PREFIX = "/api/"
DESK_PREFIX = "/desk/"


def answered_for_someone(request: HttpRequest) -> bool:
    """Whether the answer may depend on who asked: credentials were sent or used."""
    if "Authorization" in request.headers or request.path.startswith(DESK_PREFIX):
        return True
    # A view that never asked who is signed in answered the same for everyone: the lazy user
    # is left unevaluated, so that a reader's page is not tied to their session cookie.
    user: Any = request.__dict__.get("user")
    if user is None:
        return False
    if isinstance(user, LazyObject) and getattr(user, "_wrapped", empty) is empty:
        return False
    return bool(user.is_authenticated)


class CachePolicyMiddleware:
    """Mark personal answers ``private, no-store`` and public API answers ``Vary``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if answered_for_someone(request):
            response["Cache-Control"] = PRIVATE
            if response.has_header("Expires"):
                del response["Expires"]
        if request.path.startswith(API_PREFIX):
            patch_vary_headers(response, ("Authorization", "Cookie"))
        return response
