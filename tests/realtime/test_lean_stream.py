"""`bulletin serve`'s lean stream protocol answers exactly as the ASGI edge does, and lets go
of a reader whose connection ends. The SSE behaviour tests (test_stream.py, test_client_caps.py,
test_slow_readers.py) run on both paths through the ``stream_serve`` fixture."""

from __future__ import annotations

import socket

from tests.realtime.conftest import api_publish
from tests.realtime.support import SSEClient, wait_for_readers

VARYING = {"date"}


def _answer(port: int, path: str) -> tuple[int, dict[str, str]]:
    client = SSEClient(port, path)
    headers = {k: v for k, v in client.headers.items() if k not in VARYING}
    # Each process may list the policy's directives in its own order: compare them as a set.
    if "content-security-policy" in headers:
        directives = (d.strip() for d in headers["content-security-policy"].split(";"))
        headers["content-security-policy"] = "; ".join(sorted(directives))
    return client.status, headers


def test_the_lean_path_and_the_asgi_edge_answer_with_the_same_status_and_headers(newsroom, serve):
    lean = serve(lean_streams="on")
    edge = serve(lean_streams="off")
    slug = newsroom.blog.slug
    for path in (
        f"/live/{slug}/events",
        f"/live/{slug}/events?since=0",
        "/live/no-such-blog/events",
        f"/live/{slug}/events?since=x",
    ):
        lean_status, lean_headers = _answer(lean.port, path)
        edge_status, edge_headers = _answer(edge.port, path)
        assert lean_status == edge_status, path
        if lean_status == 200:
            assert lean_headers == edge_headers, path
        else:
            # The error body is the same; only how its length is told may differ.
            shared = {"content-type", "cache-control", "content-security-policy"}
            assert {k: lean_headers.get(k) for k in shared} == {
                k: edge_headers.get(k) for k in shared
            }, path


def test_a_lean_reader_that_hangs_up_leaves_the_hub_and_the_others_keep_reading(newsroom, serve):
    server = serve(lean_streams="on")
    slug = newsroom.blog.slug
    staying = SSEClient(server.port, f"/live/{slug}/events")
    leaving = SSEClient(server.port, f"/live/{slug}/events")
    wait_for_readers(server, slug, 2)

    leaving.sock.shutdown(socket.SHUT_RDWR)
    leaving.sock.close()
    wait_for_readers(server, slug, 1)
    api_publish(server, newsroom, "after the hang-up")

    events = staying.events(1)
    assert [e.json()["data"]["entry"]["headline"] for e in events] == ["after the hang-up"]


def test_bytes_sent_after_a_lean_streams_request_are_ignored(newsroom, serve):
    server = serve(lean_streams="on")
    slug = newsroom.blog.slug
    reader = SSEClient(server.port, f"/live/{slug}/events")
    reader.sock.sendall(b"GET /live/x/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\ngarbage")
    wait_for_readers(server, slug, 1)
    api_publish(server, newsroom, "still streaming")

    events = reader.events(1)
    assert [e.json()["data"]["entry"]["headline"] for e in events] == ["still streaming"]
    assert not reader.closed
