"""Per-client caps under a real `bulletin serve`: open streams per address, and connections
that never finish their request head."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from tests.realtime.support import SSEClient

# Bounds for waiting on the server: generous, never asserted as times.
WAIT_SECONDS = 15


def closed_by_server(sock: socket.socket, trickle: bytes = b"") -> bool:
    """Wait (bounded) for the server to close ``sock``, sending ``trickle`` a byte at a time."""
    deadline = time.monotonic() + WAIT_SECONDS
    sock.settimeout(0.3)
    while time.monotonic() < deadline:
        if trickle:
            try:
                sock.sendall(trickle[:1])
            except OSError:
                return True
            trickle = trickle[1:]
        try:
            if sock.recv(4096) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:
            return True
    return False


def test_one_address_holds_at_most_its_cap_of_live_streams(newsroom, stream_serve):
    server = stream_serve(streams_per_client="3", rate_limit_stream="off")
    path = f"/live/{newsroom.blog.slug}/events"
    streams = [SSEClient(server.port, path) for _ in range(3)]
    assert [stream.status for stream in streams] == [200, 200, 200]

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(server.base + path, timeout=WAIT_SECONDS)
    assert refused.value.code == 429
    assert int(refused.value.headers["Retry-After"]) >= 1
    error = json.loads(refused.value.read())["error"]
    assert error["code"] == "rate_limited"
    assert "at most 3" in error["message"]

    # A stream that ends gives its place back.
    streams[0].close()
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        again = SSEClient(server.port, path)
        if again.status == 200:
            break
        again.close()
        time.sleep(0.2)
    assert again.status == 200


def test_a_connection_that_sends_half_a_request_line_is_closed(newsroom, serve):
    server = serve(header_timeout_seconds="1")
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"GET /live/" + newsroom.blog.slug.encode())
        assert closed_by_server(sock)


def test_a_connection_that_trickles_its_headers_is_closed(newsroom, serve):
    server = serve(header_timeout_seconds="1")
    head = (
        f"GET /live/{newsroom.blog.slug}/changes HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "X: y\r\n" * 40
    )
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        assert closed_by_server(sock, trickle=head.encode())


def test_a_kept_alive_connection_stalling_in_its_next_request_is_closed(newsroom, serve):
    server = serve(header_timeout_seconds="1")
    request = f"GET /live/{newsroom.blog.slug}/changes HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(request.encode())
        sock.settimeout(WAIT_SECONDS)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /live/")  # the next request, never finished
        assert closed_by_server(sock)


def test_a_whole_request_is_answered_and_a_live_stream_outlives_the_header_timeout(
    newsroom, stream_serve
):
    server = stream_serve(header_timeout_seconds="1", sse_keepalive_seconds="1")
    stream = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events")
    assert stream.status == 200
    time.sleep(2.5)  # past the head's deadline: the stream is the application's business
    stream.events(1, timeout=3)
    assert stream.comments  # keepalives still arriving
    assert not stream.closed
