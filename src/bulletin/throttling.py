"""The rate limits Django enforces: sign-in, feeds and the API (the edge limits live streams).

Every limit answers 429 with a Retry-After header: the API in its one JSON error shape, feeds
as plain text, sign-in as a page. Rates come from the ``BULLETIN_RATE_LIMIT_*`` settings
(``off`` turns one off); docs/security.md describes them.
"""

from __future__ import annotations

import re
import time
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin

from bulletin import config
from bulletin.accounts.models import hash_token
from bulletin.accounts.signin import client_ip, rate_limited_page
from bulletin.config import Values
from bulletin.error_responses import error_response
from bulletin.errors import RateLimited
from bulletin.ratelimit import Limiter, Rate, SharedLimiter, address_key

API_PREFIX = "/api/v1/"
FEED_PATH = re.compile(r"^/live/[a-z0-9]+(?:-[a-z0-9]+)*/feed\.(?:atom|rss|json)$")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_CHARGE = "_bulletin_rate_charge"


def _bearer(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


class RateLimitMiddleware(MiddlewareMixin):
    """Refuse requests over their limit before any view runs.

    API calls with a token are counted per token, once the answer shows the token was good:
    answers of 401 to made-up tokens count against the client's address instead, so that
    inventing tokens neither escapes the limit nor fills the table with keys. A token that
    has not worked lately shares that address's count until it has.
    """

    # Injectable for tests: per-process buckets use the first, the shared windows the second.
    clock = staticmethod(time.monotonic)
    wall_clock = staticmethod(time.time)

    def __init__(self, get_response: Any) -> None:
        super().__init__(get_response)
        self._limiters: dict[tuple[str, Rate], Limiter] = {}
        self._signin_paths: frozenset[str] | None = None

    def _limiter(self, name: str, rate: Rate) -> Limiter:
        limiter = self._limiters.get((name, rate))
        if limiter is None:
            limiter = self._limiters[(name, rate)] = Limiter(rate, clock=self.clock)
        return limiter

    def _signin(self) -> frozenset[str]:
        if self._signin_paths is None:
            names = ("login", "password_reset", "admin:login")
            self._signin_paths = frozenset(reverse(name) for name in names)
        return self._signin_paths

    def process_request(self, request: HttpRequest) -> HttpResponseBase | None:
        path = request.path_info
        if path.startswith(API_PREFIX):
            return self._api(request)
        if request.method == "POST" and path in self._signin():
            return self._sign_in(request)
        if FEED_PATH.match(path):
            return self._feed(request)
        return None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        charge = getattr(request, _CHARGE, None)
        if charge is not None:
            limiter, token_key, failures, address = charge
            if response.status_code == 401:
                failures.hit(address)
            else:
                limiter.hit(token_key)
        return response

    # --- the limits ------------------------------------------------------------------------

    def _api(self, request: HttpRequest) -> HttpResponseBase | None:
        write = request.method not in SAFE_METHODS
        setting = Values.RATE_LIMIT_API_WRITE if write else Values.RATE_LIMIT_API_READ
        name = setting.name
        rate = config.current.get(setting)
        if rate is None:
            return None
        limiter = self._limiter(name, rate)
        address = client_ip(request)
        address_part = address_key(address) if address else "unknown"
        token = _bearer(request)
        what = f"too many API {'writes' if write else 'reads'}"
        if token is not None:
            failures = self._limiter(f"{name}_BAD_TOKEN", rate)
            token_key = hash_token(token)
            wait = limiter.wait(token_key)
            if wait:
                return error_response(
                    RateLimited.after(wait, f"{what} with this token: {rate.describe()}")
                )
            # Not seen working lately: it may be made up, so the address's 401s count.
            wait = 0.0 if token_key in limiter else failures.wait(address_part)
            if wait:
                return error_response(
                    RateLimited.after(
                        wait,
                        f"too many API requests with unknown tokens from this address: "
                        f"{rate.describe()}",
                    )
                )
            setattr(request, _CHARGE, (limiter, token_key, failures, address_part))
            return None
        if write and request.user.is_authenticated:
            key, whose = f"user:{request.user.pk}", "by you"
        else:
            key, whose = f"address:{address_part}", "from this address"
        wait = limiter.hit(key)
        if wait:
            return error_response(RateLimited.after(wait, f"{what} {whose}: {rate.describe()}"))
        return None

    def _feed(self, request: HttpRequest) -> HttpResponseBase | None:
        rate = config.current.RATE_LIMIT_FEEDS
        if rate is None:
            return None
        wait = _wait_by_address(request, self._limiter("RATE_LIMIT_FEEDS", rate))
        if not wait:
            return None
        error = RateLimited.after(
            wait, f"too many feed requests from this address: {rate.describe()}"
        )
        return HttpResponse(
            error.message + "\n",
            status=error.status,
            content_type="text/plain; charset=utf-8",
            headers=error.headers,
        )

    def _sign_in(self, request: HttpRequest) -> HttpResponseBase | None:
        rate = config.current.RATE_LIMIT_SIGNIN
        if rate is None:
            return None
        wait = _wait_by_address(request, SharedLimiter("signin", rate, clock=self.wall_clock))
        if not wait:
            return None
        error = RateLimited.after(wait, "too many sign-in requests from this address")
        return rate_limited_page(request, "registration/rate_limited.html", error, rate)


def _wait_by_address(request: HttpRequest, limiter: Limiter | SharedLimiter) -> float:
    """Count the request against its client's address: the seconds to wait, 0 to go on (and
    always 0 without an address to tell clients apart: a unix socket without a proxy)."""
    address = client_ip(request)
    return limiter.hit(address_key(address)) if address is not None else 0.0
