"""The one Server-Sent Events framer, for readers' streams and the desk's alike."""

from __future__ import annotations

import json

from bulletin.desk.views import live
from bulletin.realtime import protocol


def test_an_event_with_an_id_can_be_resumed_after():
    assert protocol.sse("entry", '{"seq":7}', 7) == b'id: 7\nevent: entry\ndata: {"seq":7}\n\n'


def test_an_event_without_an_id_leaves_the_resume_point_alone():
    # EventSource keeps the last id it saw: presence and "closed" must not move it.
    assert protocol.sse("presence", "{}") == b"event: presence\ndata: {}\n\n"


def test_the_desk_frames_its_events_with_the_same_framer():
    change = {"seq": 3, "headline": "Quay café"}
    framed = live._frame("change", change, 3)
    assert framed == protocol.sse("change", protocol.dumps(change), 3)
    head, data = framed.decode().removesuffix("\n\n").rsplit("\ndata: ", 1)
    assert (head, json.loads(data)) == ("id: 3\nevent: change", change)
