"""The client address comes from BULLETIN_TRUSTED_PROXY_COUNT alone, in the edge and in Django.

With no trusted proxy, a forged X-Forwarded-For from a loopback peer must not make each
request look like a new client (uvicorn's proxy_headers would believe it): sign-in and live
streams are throttled after their limit whatever the header says. Real ``bulletin serve``.
"""

from __future__ import annotations

import http.client
import random
import re
import urllib.parse

from tests.realtime.support import Server

ATTEMPTS = 12
LIMIT = 5


def _forged() -> str:
    return ".".join(str(random.randint(1, 254)) for _ in range(4))


def _sign_in_page(server: Server) -> tuple[str, str]:
    """The CSRF cookie and form token a browser would get from the sign-in page."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", "/desk/login/")
        response = connection.getresponse()
        page = response.read().decode()
        cookie = next(
            value.split(";", 1)[0]
            for name, value in response.getheaders()
            if name.lower() == "set-cookie" and value.startswith("csrftoken=")
        )
    finally:
        connection.close()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    return cookie, token.group(1)


def _post_sign_in(server: Server, cookie: str, token: str, forwarded_for: str) -> int:
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            # A new name each time: axes' lockout of one username is not what is tested.
            "username": f"nobody{random.randint(0, 10**9)}",
            "password": "wrong-password",
        }
    )
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(
            "POST",
            "/desk/login/",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "X-Forwarded-For": forwarded_for,
                "Referer": f"{server.base}/desk/login/",
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_sign_in_is_throttled_after_the_limit_whatever_x_forwarded_for_says(serve):
    server = serve(trusted_proxy_count="0", rate_limit_signin=f"{LIMIT}/h")
    cookie, token = _sign_in_page(server)

    statuses = [_post_sign_in(server, cookie, token, _forged()) for _ in range(ATTEMPTS)]

    refused = [status == 429 for status in statuses]
    assert sum(not r for r in refused) <= LIMIT, statuses
    assert refused[-(ATTEMPTS - LIMIT) :] == [True] * (ATTEMPTS - LIMIT), statuses


def test_live_streams_are_limited_per_connection_address_whatever_x_forwarded_for_says(serve):
    server = serve(trusted_proxy_count="0", rate_limit_stream=f"{LIMIT}/h")
    statuses = []

    for _ in range(ATTEMPTS):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            connection.request(
                "GET", "/live/no-such-blog/events", headers={"X-Forwarded-For": _forged()}
            )
            statuses.append(connection.getresponse().status)
        finally:
            connection.close()

    assert statuses == [404] * LIMIT + [429] * (ATTEMPTS - LIMIT)
