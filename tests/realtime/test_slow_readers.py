"""A reader that stops reading is cut off; it never holds back the others."""

from __future__ import annotations

import time

import pytest

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from tests.realtime.support import SSEClient, wait_for_readers

ENTRIES = 40
BODY = "<p>" + "Water is over the quay wall and still rising. " * 1900 + "</p>"  # ~90 KB


# Forty 90 KB entries are what fills a stalled reader's socket buffers; each is also read by
# the repeat-warning and quote/topic extractors on write (~0.5 s each on a quiet machine), so on
# a loaded CI machine this test needs more than the suite's default two minutes.
@pytest.mark.timeout(360)
def test_a_reader_that_stops_reading_is_dropped_and_does_not_delay_the_others(
    newsroom, stream_serve
):
    server = stream_serve(broker="dbtail", dbtail_interval_ms="20")
    stalled = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events", read_buffer=4096)
    reader = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events")
    wait_for_readers(server, newsroom.blog.slug, 2)

    published_at = []
    received = []
    for n in range(ENTRIES):
        services.publish_entry(
            newsroom.editor, newsroom.blog, EntryFields(headline=f"big {n}", body=BODY)
        )
        published_at.append(time.monotonic())
        received += reader.events(1, timeout=10)
        received[-1].at = time.monotonic()

    stalled_events = stalled.events(ENTRIES, timeout=5)

    assert [e.json()["data"]["entry"]["headline"] for e in received] == [
        f"big {n}" for n in range(ENTRIES)
    ]
    assert stalled.closed, "the stalled reader should have been cut off"
    assert len(stalled_events) < ENTRIES
    delays = [event.at - sent for event, sent in zip(received, published_at, strict=True)]
    print(f"other reader's delay with a stalled reader present: max {max(delays) * 1000:.0f} ms")
