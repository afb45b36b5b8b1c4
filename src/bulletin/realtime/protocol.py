"""The wire format of live streams (docs/realtime.md): SSE events whose ids are the blog's seq.

Everything here is computed once per change and shared by every reader. The desk's stream
(:mod:`bulletin.desk.views.live`) is framed here too: one framer for every event stream.
"""

from __future__ import annotations

import json
from typing import Any

from bulletin.blogs.events import ChangeEvent

# Readers' EventSource waits this long before reconnecting after a drop.
RETRY_MS = 2000
STREAM_START = f"retry: {RETRY_MS}\n\n".encode()
KEEPALIVE = b": keepalive\n\n"
# Kinds readers receive; desk changes only advance the seq.
PUBLIC_KINDS = frozenset({"entry", "delete", "blog", "end"})

SSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def change_json(event: ChangeEvent) -> str:
    """One change as a JSON line: the same object the polling feed lists."""
    return dumps(event.as_dict())


def sse(kind: str, data: str, event_id: int | None = None) -> bytes:
    """One Server-Sent Event of one line of data (JSON has no raw newlines). With an id, a
    reconnecting EventSource sends it back as Last-Event-ID and resumes after it."""
    if event_id is None:
        return f"event: {kind}\ndata: {data}\n\n".encode()
    return f"id: {event_id}\nevent: {kind}\ndata: {data}\n\n".encode()


def event_bytes(event: ChangeEvent) -> bytes:
    return sse(event.kind, change_json(event), event.seq)


def reset_bytes(seq: int, reason: str) -> bytes:
    """Tell the reader to reload the page: it is too far behind, or ahead of the server."""
    return sse("reset", dumps({"seq": seq, "reason": reason}), seq)
