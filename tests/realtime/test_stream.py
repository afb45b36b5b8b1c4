"""Live streams over real connections to a real `bulletin serve` (memory broker, one worker)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import LiveBlog
from tests.realtime.conftest import api_publish
from tests.realtime.support import SSEClient, wait_for_readers


def _seq(blog: LiveBlog) -> int:
    blog.refresh_from_db()
    return blog.seq


def _headlines(events) -> list[str]:
    return [event.json()["data"]["entry"]["headline"] for event in events]


def test_reader_with_since_gets_exactly_the_changes_after_it_then_live_ones(newsroom, stream_serve):
    for n in range(3):
        services.publish_entry(newsroom.editor, newsroom.blog, EntryFields(headline=f"old {n}"))
    start = _seq(newsroom.blog)
    services.publish_entry(newsroom.editor, newsroom.blog, EntryFields(headline="missed 1"))
    services.publish_entry(newsroom.editor, newsroom.blog, EntryFields(headline="missed 2"))
    server = stream_serve()

    reader = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events?since={start}")
    backlog = reader.events(2)
    api_publish(server, newsroom, "live 1")
    live = reader.events(1)

    assert reader.status == 200
    assert reader.headers["content-type"].startswith("text/event-stream")
    assert reader.headers["cache-control"] == "no-cache"
    assert reader.headers["x-accel-buffering"] == "no"
    assert reader.retry is not None
    assert _headlines(backlog) == ["missed 1", "missed 2"]
    assert [event.id for event in backlog] == [start + 1, start + 2]
    assert _headlines(live) == ["live 1"]
    assert live[0].id == start + 3
    assert reader.events(1, timeout=1) == []  # nothing twice


def test_reader_that_misses_five_changes_gets_exactly_those_five_on_reconnect(
    newsroom, stream_serve
):
    server = stream_serve()
    reader = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events")
    api_publish(server, newsroom, "seen")
    last = reader.events(1)[0].id
    reader.close()
    for n in range(5):
        api_publish(server, newsroom, f"while away {n}")

    again = SSEClient(
        server.port,
        f"/live/{newsroom.blog.slug}/events?since=1",
        headers={"Last-Event-ID": str(last)},
    )
    events = again.events(6, timeout=3)

    assert _headlines(events) == [f"while away {n}" for n in range(5)]
    assert [event.id for event in events] == list(range(last + 1, last + 6))


def test_edits_deletes_key_points_and_pins_reach_the_reader_in_order(newsroom, stream_serve):
    server = stream_serve(broker="dbtail", dbtail_interval_ms="50")
    entry = services.publish_entry(newsroom.editor, newsroom.blog, EntryFields(headline="v1"))
    # Its headers are read: the stream's seq is fixed, later changes will reach it.
    reader = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events")

    # Each step is read before the next: a reader that lags behind would get only the
    # present (a later change of the same entry or header supersedes an earlier one).
    services.update_entry(
        newsroom.editor, entry, EntryFields(headline="v2"), correction_note="Name corrected"
    )
    events = reader.events(1)
    services.set_key_points(newsroom.editor, newsroom.blog, ["Bridge closed"])
    events += reader.events(1)
    services.pin_entry(newsroom.editor, newsroom.blog, entry)
    events += reader.events(1)
    services.delete_entry(newsroom.editor, entry)
    events += reader.events(2)

    assert [event.kind for event in events] == ["entry", "blog", "blog", "delete", "blog"]
    assert events[0].json()["data"]["entry"]["headline"] == "v2"
    assert "Name corrected" in events[0].json()["data"]["html"]
    assert events[1].json()["data"]["blog"]["key_points"][0]["text"] == "Bridge closed"
    assert events[2].json()["data"]["blog"]["pinned_entry_id"] == entry.pk
    assert events[3].json()["data"] == {"id": entry.pk, "seq": events[3].id}
    # The header follows the delete: nothing pinned any more.
    assert events[4].json()["data"]["blog"]["pinned_entry_id"] is None
    assert [event.id for event in events] == sorted(event.id for event in events)


def test_drafts_never_reach_readers_but_do_not_break_the_sequence(newsroom, stream_serve):
    server = stream_serve()
    reader = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events")
    api_publish(server, newsroom, "draft", status="draft")
    api_publish(server, newsroom, "public")

    events = reader.events(2, timeout=3)

    assert _headlines(events) == ["public"]


def test_reader_resumes_after_server_restart_without_losing_entries(newsroom, stream_serve):
    first = stream_serve()
    reader = SSEClient(first.port, f"/live/{newsroom.blog.slug}/events")
    api_publish(first, newsroom, "before restart")
    last = reader.events(1)[0].id
    first.stop()
    assert reader.wait_closed()

    services.publish_entry(newsroom.editor, newsroom.blog, EntryFields(headline="while down"))
    second = stream_serve()
    resumed = SSEClient(
        second.port, f"/live/{newsroom.blog.slug}/events", headers={"Last-Event-ID": str(last)}
    )
    api_publish(second, newsroom, "after restart")

    assert _headlines(resumed.events(2)) == ["while down", "after restart"]


def test_keepalive_comments_arrive_on_an_idle_stream(newsroom, stream_serve):
    server = stream_serve(sse_keepalive_seconds="1")
    reader = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events")
    reader.events(1, timeout=2.5)
    assert "keepalive" in reader.comments


def test_ended_coverage_closes_streams_and_stops_reconnects(newsroom, stream_serve):
    server = stream_serve(broker="dbtail", dbtail_interval_ms="50")
    reader = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events")
    wait_for_readers(server, newsroom.blog.slug, 1)  # an open stream the hub holds
    services.end_coverage(newsroom.editor, newsroom.blog)

    events = reader.events(1)

    assert [event.kind for event in events] == ["end"]
    assert reader.wait_closed()
    again = SSEClient(
        server.port,
        f"/live/{newsroom.blog.slug}/events",
        headers={"Last-Event-ID": str(events[0].id)},
    )
    assert again.status == 204


def test_unknown_and_draft_blogs_answer_404_and_bad_since_400(
    newsroom, stream_serve, django_db_blocker
):
    from tests.factories import Factory

    draft = Factory().blog(live=False)
    server = stream_serve()
    assert SSEClient(server.port, "/live/no-such-blog/events").status == 404
    assert SSEClient(server.port, f"/live/{draft.slug}/events").status == 404
    bad = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events?since=abc")
    assert bad.status == 400


def test_reader_ahead_of_the_server_is_told_to_reset(newsroom, stream_serve):
    server = stream_serve()
    reader = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events?since=999")
    events = reader.events(1)
    assert [event.kind for event in events] == ["reset"]


def test_a_page_newer_than_this_workers_hub_waits_for_it_instead_of_reloading(
    newsroom, stream_serve
):
    # The memory broker never hears of a change made in this process: the hub lags behind
    # the database, as a worker does for the few milliseconds its broker takes.
    server = stream_serve()
    watching = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events")
    wait_for_readers(server, newsroom.blog.slug, 1)  # the blog's channel is open at this seq
    services.publish_entry(newsroom.editor, newsroom.blog, EntryFields(headline="elsewhere"))
    page_seq = _seq(newsroom.blog)  # what a page rendered now says

    arriving = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events?since={page_seq}")
    api_publish(server, newsroom, "next")

    assert [(e.kind, e.id) for e in arriving.events(1)] == [("entry", page_seq + 1)]
    assert _headlines(watching.events(2)) == ["elsewhere", "next"]  # the hub caught up
    assert arriving.events(1, timeout=1) == []


def test_polling_feed_on_the_edge_has_etag_304_and_cdn_headers(newsroom, serve):
    server = serve()
    api_publish(server, newsroom, "polled")
    url = f"{server.base}/live/{newsroom.blog.slug}/changes?since=0"
    with urllib.request.urlopen(url, timeout=5) as response:
        feed = json.loads(response.read())
        etag = response.headers["ETag"]
        cache = response.headers["Cache-Control"]

    request = urllib.request.Request(url, headers={"If-None-Match": etag})
    try:
        urllib.request.urlopen(request, timeout=5)
        status = 200
    except urllib.error.HTTPError as exc:
        status = exc.code

    assert etag == f'"{feed["seq"]}"'
    assert cache == "public, max-age=1, stale-while-revalidate=5"
    assert [c["kind"] for c in feed["changes"]][-1] == "entry"
    assert status == 304


def test_a_restored_pinned_entry_reaches_the_reader_pinned_again(newsroom, stream_serve):
    server = stream_serve(broker="dbtail", dbtail_interval_ms="50")
    entry = services.publish_entry(newsroom.editor, newsroom.blog, EntryFields(headline="Known"))
    services.pin_entry(newsroom.editor, newsroom.blog, entry)
    services.delete_entry(newsroom.editor, entry)
    reader = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events")

    services.restore_entry(newsroom.editor, entry)
    events = reader.events(2)

    assert [event.kind for event in events] == ["entry", "blog"]
    assert events[0].json()["data"]["entry"]["headline"] == "Known"
    header = events[1].json()["data"]["blog"]
    assert header["pinned_entry_id"] == entry.pk
    assert "Known" in header["pinned_entry_html"]
