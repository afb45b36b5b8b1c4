"""Readers replay the present, never the past: what the newsroom removed or corrected is gone
from every public path, including live streams resumed from any seq.

Each story publishes words, then removes or corrects them while a reader is connected. Every
public path is then read through a real `bulletin serve`, and the old words must be in none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields, EntryFields
from bulletin.blogs.models import Change, Entry, EntryStatus, LiveBlog
from tests.blogs.support import seq_of
from tests.factories import Factory
from tests.integrity.support import (
    current_public_changes,
    read_archive_and_public_export,
    read_public_paths,
)
from tests.realtime.conftest import Newsroom
from tests.realtime.support import SSEClient


@dataclass
class Story:
    blog: LiveBlog
    gone: list[str]  # words that must appear on no public path
    kept: list[str]  # words that must still be on the page
    kept_entry: Entry
    removed_entry: Entry | None  # left the stream: its permalink must be gone too
    since: int  # the seq just before the removal or correction
    # An entry newer than the removed or corrected one: the older page before it would list it.
    anchor: Entry


def _publish(room: Newsroom, blog: LiveBlog, headline: str, body: str) -> Entry:
    return services.publish_entry(room.editor, blog, EntryFields(headline=headline, body=body))


def _doomed(room: Newsroom, blog: LiveBlog) -> tuple[Entry, Entry, Entry, int]:
    """A kept entry, a doomed one (pinned, linked from a key point), and a newer one."""
    kept = _publish(room, blog, "Harbour wall holds", "<p>Engineers say the wall holds.</p>")
    doomed = _publish(
        room, blog, "Quokkazanzibar named as suspect", "<p>Police name Quokkazanzibar.</p>"
    )
    newer = _publish(room, blog, "Pier reopens", "<p>The pier is open again.</p>")
    services.pin_entry(room.editor, blog, doomed)
    services.set_key_points(room.editor, blog, [("Suspect named", doomed.pk), "Wall holds"])
    return kept, doomed, newer, seq_of(blog)


def deleted(room: Newsroom) -> Story:
    kept, doomed, newer, since = _doomed(room, room.blog)
    services.delete_entry(room.editor, doomed)
    return Story(room.blog, ["Quokkazanzibar"], ["Harbour wall holds"], kept, doomed, since, newer)


def unpublished(room: Newsroom) -> Story:
    kept, doomed, newer, since = _doomed(room, room.blog)
    services.unpublish_entry(room.editor, doomed)
    return Story(room.blog, ["Quokkazanzibar"], ["Harbour wall holds"], kept, doomed, since, newer)


def corrected(room: Newsroom) -> Story:
    kept = _publish(room, room.blog, "Harbour wall holds", "<p>The wall holds.</p>")
    wrong = _publish(room, room.blog, "Mayor Wrongnamey resigns", "<p>Mayor Wrongnamey quit.</p>")
    newer = _publish(room, room.blog, "Pier reopens", "<p>The pier is open again.</p>")
    services.pin_entry(room.editor, room.blog, wrong)
    since = seq_of(room.blog)
    services.update_entry(
        room.editor,
        wrong,
        EntryFields(headline="Mayor Rightnamey resigns", body="<p>Mayor Rightnamey quit.</p>"),
        correction_note="An earlier version named the wrong person.",
    )
    return Story(
        room.blog, ["Wrongnamey"], ["Rightnamey", "Harbour wall holds"], kept, None, since, newer
    )


def taken_down(room: Newsroom) -> Story:
    kept, doomed, newer, _ = _doomed(room, room.blog)
    services.update_entry(
        room.editor,
        doomed,
        EntryFields(body="<p>Police name Quokkazanzibar, of Pelicanport.</p>"),
        correction_note="Adds the home town of Quokkazanzibar.",
    )
    since = seq_of(room.blog)
    services.takedown_entry(room.editor, doomed, reason="Court order 2026/114")
    return Story(
        room.blog,
        ["Quokkazanzibar", "Pelicanport", "Court order"],
        ["Harbour wall holds"],
        kept,
        doomed,
        since,
        newer,
    )


def prepared_in_draft(room: Newsroom) -> Story:
    """A blog written ahead (an obituary under a placeholder title), then opened."""
    blog = Factory().blog(room.editor, live=False, title="Placeholdertitle Obit Live Updates")
    test_entry = _publish(room, blog, "Testingentry please ignore", "<p>Lorem testipsum.</p>")
    services.pin_entry(room.editor, blog, test_entry)
    services.delete_entry(room.editor, test_entry)
    kept = _publish(room, blog, "Harbour wall holds", "<p>The real first entry.</p>")
    newer = _publish(room, blog, "Pier reopens", "<p>The pier is open again.</p>")
    services.update_blog(room.editor, blog, BlogFields(title="Harbour storm Live Updates"))
    since = seq_of(blog)
    blog = services.go_live(room.editor, blog)
    return Story(
        blog,
        ["Placeholdertitle", "Testingentry", "testipsum"],
        ["Harbour wall holds"],
        kept,
        test_entry,
        since,
        newer,
    )


STORIES: list[Callable[[Newsroom], Story]] = [
    deleted,
    unpublished,
    corrected,
    taken_down,
    prepared_in_draft,
]


@pytest.mark.parametrize("tell", STORIES, ids=lambda tell: tell.__name__)
def test_removed_and_corrected_words_are_on_no_public_path(tell, newsroom, serve, tmp_path):
    # dbtail: changes made here, in the test process, reach the server's hub within 50 ms.
    server = serve(broker="dbtail", dbtail_interval_ms="50")
    start = seq_of(newsroom.blog)
    live_reader = SSEClient(server.port, f"/live/{newsroom.blog.slug}/events?since={start}")

    story = tell(newsroom)

    blog = LiveBlog.objects.get(pk=story.blog.pk)
    removed = [story.removed_entry.pk] if story.removed_entry else []
    fetched = read_public_paths(
        server,
        blog,
        since=story.since,
        entry_ids=[story.kept_entry.pk, *removed],
        before=story.anchor.pk,
    )
    assert not [name for name, status in fetched.status.items() if status >= 500]
    for words in story.gone:
        assert fetched.containing(words) == [], f"{words!r} is still public"
    for words in story.kept:
        assert "page" in fetched.containing(words), f"{words!r} should be on the page"
        assert "older page" in fetched.containing(words), f"{words!r} should be on older pages"
    for entry_id in removed:
        assert fetched.status[f"permalink {entry_id}"] == 404
        assert fetched.status[f"api entry {entry_id}"] == 404
    # A resumed stream replays each changed entry once, as it is now (or a bare tombstone).
    assert fetched.status["stream from 0"] == current_public_changes(blog, 0)
    for entry_id in removed:
        tombstone = f'"kind":"delete","entry_id":{entry_id},"data":{{"id":{entry_id},'
        assert fetched.body["stream from 0"].count(tombstone) == 1
        assert f'"kind":"entry","entry_id":{entry_id},' not in fetched.body["stream from 0"]

    if blog.pk == newsroom.blog.pk:
        _assert_the_connected_reader_lost_nothing(live_reader, blog, start, removed)

    services.end_coverage(newsroom.editor, blog)
    static = read_archive_and_public_export(blog, Path(tmp_path) / "archive")
    for words in story.gone:
        assert static.containing(words) == [], f"{words!r} is in the archive or public export"
    for words in story.kept:
        assert static.containing(words) == ["archive", "public export"]


def _assert_the_connected_reader_lost_nothing(
    reader: SSEClient, blog: LiveBlog, start: int, removed: list[int]
) -> None:
    """A reader connected all along got every change, in order, and ends with the present."""
    expected = list(
        Change.objects.filter(blog=blog, seq__gt=start, public=True)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    events = reader.events(len(expected), timeout=10)
    seqs = [event.id or 0 for event in events]
    assert seqs == sorted(set(seqs)), "nothing twice, in order"
    current = set(
        Change.objects.filter(blog=blog, seq__gt=start, public=True, redacted=False).values_list(
            "seq", flat=True
        )
    )
    assert current <= set(seqs), "every current change reached the connected reader"
    for entry_id in removed:
        last = [e for e in events if e.json()["entry_id"] == entry_id and e.kind != "blog"][-1]
        assert (last.kind, last.json()["data"]) == ("delete", {"id": entry_id, "seq": last.id})
    header = [e for e in events if e.kind == "blog"][-1].json()["data"]["blog"]
    assert header["pinned_entry_id"] not in removed or header["pinned_entry_id"] is None
    assert not {point["entry_id"] for point in header["key_points"]} & set(removed)


def test_a_takedown_leaves_only_a_bare_tombstone_in_the_change_log(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog, headline="Quokkazanzibar named", body="<p>Quokkazanzibar.</p>")
    services.update_entry(owner, entry, EntryFields(body="<p>Quokkazanzibar again.</p>"))

    services.takedown_entry(owner, entry, reason="Court order")

    rows = Change.objects.filter(blog=blog, entry=entry).order_by("seq")
    assert all(row.redacted and row.payload == {} for row in rows[: len(rows) - 1])
    tombstone = rows.last()
    assert tombstone is not None
    assert (tombstone.kind, tombstone.public, tombstone.payload) == (
        "delete",
        True,
        {"id": entry.pk, "seq": tombstone.seq},
    )
    entry.refresh_from_db()
    assert (entry.status, entry.headline, entry.body, entry.html) == (
        EntryStatus.DELETED,
        "",
        "",
        "",
    )
    assert entry.takedown_reason == "Court order"
    assert entry.taken_down_by == owner
    assert all(revision.withheld for revision in entry.revisions.all())
    assert "Quokkazanzibar" not in str(list(Change.objects.filter(blog=blog).values("payload")))
