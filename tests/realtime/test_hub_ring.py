"""The hub's ring of recent events holds the present: a later change of the same entry or of
the blog's header replaces the earlier one, so readers catching up never get the past."""

from __future__ import annotations

from bulletin.blogs.events import ChangeEvent
from bulletin.realtime.hub import Channel, Hub
from bulletin.realtime.store import BlogState

STATE = BlogState(id=7, slug="harbour", seq=0, status="live")


def _event(seq: int, kind: str, entry_id: int | None, words: str) -> ChangeEvent:
    return ChangeEvent(
        blog_id=STATE.id,
        slug=STATE.slug,
        seq=seq,
        kind=kind,
        public=kind != "desk",
        entry_id=entry_id,
        payload={"words": words, "seq": seq},
    )


def _hub_with_channel() -> tuple[Hub, Channel]:
    hub = Hub()
    channel = Channel(state=STATE, last_seq=0, syncing=False)
    hub.channels[STATE.id] = channel
    return hub, channel


def _ring_words(channel: Channel) -> str:
    return b"".join(data for _seq, _subject, data in channel.ring).decode()


def test_a_later_change_of_an_entry_replaces_its_earlier_events_in_the_ring():
    hub, channel = _hub_with_channel()
    changes = [
        _event(1, "entry", 10, "Mayor Wrongnamey resigns"),
        _event(2, "entry", 11, "Harbour wall holds"),
        _event(3, "blog", None, "header pinning Wrongnamey"),
        _event(4, "entry", 10, "Mayor Rightnamey resigns"),
        _event(5, "desk", 12, "a draft"),
        _event(6, "blog", None, "header pinning Rightnamey"),
    ]
    for change in changes:
        hub.notify(STATE.id, change.seq, change)

    assert [seq for seq, _subject, _data in channel.ring] == [2, 4, 6]
    assert "Wrongnamey" not in _ring_words(channel)
    assert "a draft" not in _ring_words(channel)
    assert channel.last_seq == 6


def test_a_tombstone_leaves_only_itself_for_the_deleted_entry():
    hub, channel = _hub_with_channel()
    hub.notify(STATE.id, 1, _event(1, "entry", 10, "Quokkazanzibar named"))
    hub.notify(STATE.id, 2, _event(2, "entry", 10, "Quokkazanzibar named again"))
    hub.notify(STATE.id, 3, _event(3, "delete", 10, ""))

    assert [(seq, subject) for seq, subject, _data in channel.ring] == [(3, "entry:10")]
    assert "Quokkazanzibar" not in _ring_words(channel)
