"""The deploy config's per-client connection limits hold under a real nginx in front of a real
`bulletin serve` (tests/deploy/test_nginx.py runs the same file)."""

from __future__ import annotations

import http.client
import re
import secrets
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_service
from tests.deploy.test_nginx import CONFIG, HOST, Nginx, Stack, nginx_binary
from tests.realtime.conftest import Newsroom

WAIT_SECONDS = 30  # a bound on waiting for nginx to close a connection, never asserted


def config_limit() -> int:
    found = re.search(r"limit_conn bulletin_open_streams (\d+);", CONFIG.read_text())
    assert found, "deploy/nginx/bulletin.conf has no limit_conn on live streams"
    return int(found.group(1))


@pytest.fixture
def stack(newsroom: Newsroom, serve, tmp_path: Path) -> Iterator[Stack]:
    require_service("nginx", lambda: nginx_binary() is not None, "apt-get install nginx-light")
    data = tmp_path / "data"
    server = serve(
        workers=2,
        mode="production",
        secret_key=secrets.token_urlsafe(48),
        site_url=f"https://{HOST}",
        allowed_hosts=HOST,
        csrf_trusted_origins=f"https://{HOST}",
        trusted_proxy_count="1",
        data_dir=str(data),
        broker="dbtail",
        # Bulletin's own caps out of the way: the limit under test is nginx's.
        streams_per_client="0",
        rate_limit_stream="off",
    )
    nginx = Nginx(tmp_path / "nginx", server.port, data / "media").start()
    try:
        yield Stack(nginx, server, newsroom)
    finally:
        nginx.stop()


def open_stream(stack: Stack) -> tuple[http.client.HTTPSConnection, http.client.HTTPResponse]:
    connection = stack.nginx.connect()
    connection.request(
        "GET",
        f"/live/{stack.newsroom.blog.slug}/events",
        headers={"Host": HOST, "Accept": "text/event-stream"},
    )
    return connection, connection.getresponse()


def test_nginx_refuses_one_address_more_open_live_streams_than_its_limit(stack: Stack):
    limit = config_limit()
    opened = []
    try:
        for _ in range(limit):
            connection, response = open_stream(stack)
            opened.append(connection)
            assert response.status == 200
        connection, refused = open_stream(stack)
        opened.append(connection)
        assert refused.status == 429
        # nginx's own answer, not Bulletin's JSON: the request never reached a worker.
        assert refused.getheader("Content-Type", "").startswith("text/html")

        opened.pop(0).close()  # one reader leaves: its place comes back
        deadline = time.monotonic() + WAIT_SECONDS
        status = 0
        while time.monotonic() < deadline:
            connection, response = open_stream(stack)
            opened.append(connection)
            status = response.status
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200
    finally:
        for connection in opened:
            connection.close()


def test_nginx_drops_a_connection_that_never_finishes_its_request_head(stack: Stack):
    context = ssl.create_default_context(cafile=str(stack.nginx.folder / "cert.pem"))
    context.check_hostname = False
    raw = socket.create_connection(("127.0.0.1", stack.nginx.https_port))
    with context.wrap_socket(raw, server_hostname=HOST) as sock:
        sock.sendall(b"GET /live/")
        sock.settimeout(WAIT_SECONDS)
        try:
            closed = sock.recv(4096) == b""
        except (ConnectionError, ssl.SSLError):
            closed = True
        assert closed
