"""Keep the one error shape on API paths Django or Ninja answer themselves (404, 405)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from bulletin.error_responses import json_error

API_PREFIX = "/api/v1/"
_MESSAGES = {
    404: ("not_found", "no such API route: {method} {path}"),
    405: ("method_not_allowed", "{method} is not allowed on {path}; allowed: {allow}"),
}


class ApiErrorShape:
    """Rewrite non-JSON 404 and 405 answers under /api/v1/ into the API's error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code in _MESSAGES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, template = _MESSAGES[response.status_code]
            message = template.format(
                method=request.method, path=request.path[:200], allow=response.get("Allow", "none")
            )
            allow = {"Allow": response["Allow"]} if response.has_header("Allow") else None
            return json_error(response.status_code, code, message, headers=allow)
        return response
