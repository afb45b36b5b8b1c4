"""A fake oEmbed provider on 127.0.0.1 for the card-fetching tests (no third party is called).

Each path answers one way: ``/oembed`` a post as X answers it, ``/slow`` only once the test
is over, ``/big`` more bytes than allowed, ``/redirect-out`` to a host not on the allowlist,
``/redirect-in`` to ``/oembed`` on itself, ``/hostile`` with markup in every field.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

X_ANSWER = {
    "url": "https://x.com/hmcoastguard/status/1751234567890123456",
    "author_name": "HM Coastguard",
    "author_url": "https://twitter.com/hmcoastguard",
    "html": (
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Stay away from the harbour '
        "wall &amp; the promenade.<br>Waves are breaking over it.</p>&mdash; HM Coastguard "
        '(@hmcoastguard) <a href="https://twitter.com/hmcoastguard/status/1751234567890123456">'
        "January 27, 2026</a></blockquote>"
    ),
    "type": "rich",
    "version": "1.0",
    "provider_name": "Twitter",
}
HOSTILE_ANSWER = {
    "author_name": '<img src=x onerror="window.pwned=1">',
    "author_url": "https://x.com/<script>",
    "title": "<script>window.pwned=1</script>",
    "html": "<p><script>window.pwned=1</script>Words <b>and</b> more</p>",
}


@dataclass
class FakeProvider:
    server: ThreadingHTTPServer
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    big_size: int = 5000

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def asked(self, path: str) -> list[str]:
        """The ``url`` parameters sent to ``path``, in order."""
        found = []
        for target, _ in self.requests:
            parts = urlsplit(target)
            if parts.path == path:
                found.append(parse_qs(parts.query).get("url", [""])[0])
        return found


def _handler(fake: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _json(self, answer: object, status: int = 200) -> None:
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            fake.requests.append((self.path, dict(self.headers.items())))
            path = urlsplit(self.path).path
            query = urlsplit(self.path).query
            if path == "/oembed":
                self._json(X_ANSWER)
            elif path == "/hostile":
                self._json(HOSTILE_ANSWER)
            elif path == "/slow":
                fake.release.wait(10)
                with contextlib.suppress(OSError):  # the client gave up long ago, as it should
                    self._json(X_ANSWER)
            elif path == "/big":
                self._json({"html": "<p>" + "x" * fake.big_size + "</p>"})
            elif path == "/big-unsized":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"html": "<p>' + b"x" * fake.big_size + b'</p>"}')
                self.close_connection = True
            elif path == "/redirect-out":
                self.send_response(302)
                self.send_header("Location", f"http://localhost:{fake.port}/oembed?{query}")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/redirect-in":
                self.send_response(302)
                self.send_header("Location", f"/oembed?{query}")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/missing":
                self._json({"error": "no such post"}, status=404)
            else:
                self._json({"error": "unknown"}, status=500)

    return Handler


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    fake = FakeProvider(server)
    server.RequestHandlerClass = _handler(fake)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.release.set()
    server.shutdown()
    server.server_close()
