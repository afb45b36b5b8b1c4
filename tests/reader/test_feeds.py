"""Atom, RSS and JSON Feed, read back the way feed readers read them (feedparser, json)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser
import pytest

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Entry, LiveBlog, Media
from bulletin.blogs.queries import public_blog
from bulletin.reader import feeds

SITE = "http://127.0.0.1:8000"
MOMENT = datetime(2026, 1, 27, 14, 32, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE
    settings.BULLETIN = {**settings.BULLETIN, "PUBLISHER_NAME": "The Harbour Herald"}


def image(**fields) -> Media:
    values = {
        "file": "2026/01/flood.jpg",
        "alt": "Water over the quay",
        "caption": "The harbour at noon",
        "credit": "Ana Costa",
        "width": 1200,
        "height": 800,
    }
    values.update(fields)
    return Media.objects.create(**values)


def reread(blog: LiveBlog) -> LiveBlog:
    found = public_blog(blog.slug)
    assert found is not None
    return found


def parse_atom(blog: LiveBlog, **options) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(feeds.atom(blog, feeds.feed_entries(blog, **options), **options))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def parse_rss(blog: LiveBlog, **options) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(feeds.rss(blog, feeds.feed_entries(blog, **options), **options))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    return parsed


def read_json(blog: LiveBlog, **options) -> dict[str, Any]:
    data = feeds.json_feed(blog, feeds.feed_entries(blog, **options), **options)
    served: dict[str, Any] = json.loads(json.dumps(data))
    return served


def tag_prefix(blog: LiveBlog) -> str:
    return f"tag:127.0.0.1,{blog.created_at.date().isoformat()}:live/{blog.pk}"


@pytest.fixture
def storm(make):
    """A blog with a cover, a plain entry and a newer key event with an image."""
    blog = make.blog(
        title="Harbour storm Live Updates",
        description="Ferries stop as the storm reaches the coast.",
        language="en-gb",
        cover_image_id=image(file="2026/01/cover.jpg").pk,
    )
    owner = make.owner_of(blog)
    owner.display_name = "Ana Costa"
    owner.save()
    second = make.member(blog, "contributor", display_name="Ben Okafor")
    plain = make.entry(
        blog,
        headline="Sirens sound along the quay",
        body="<p>Police ask people to keep away.</p>",
        display_at=MOMENT,
    )
    key = make.entry(
        blog,
        headline="Ferry service suspended",
        body="<p>All crossings are cancelled.</p><p>Check before you travel.</p>",
        key_event=True,
        image_id=image().pk,
        author_ids=[owner.pk, second.pk],
        display_at=MOMENT + timedelta(minutes=5),
    )
    return reread(blog), plain, key


def test_atom_feed_gives_the_blog_and_its_entries_newest_first_field_by_field(storm):
    blog, plain, key = storm

    parsed = parse_atom(blog)

    feed = parsed.feed
    assert feed.id == tag_prefix(blog)
    assert feed.title == "Harbour storm Live Updates"
    assert feed.subtitle == "Ferries stop as the storm reaches the coast."
    assert feed.link == f"{SITE}/live/{blog.slug}"
    assert {link.rel: link.href for link in feed.links}["self"] == (
        f"{SITE}/live/{blog.slug}/feed.atom"
    )
    assert feed.language == "en-gb"
    assert feed.author == "The Harbour Herald"
    assert feed.logo == f"{SITE}/media/2026/01/cover.jpg"
    assert datetime.fromisoformat(feed.updated) == blog.updated_at
    assert [entry.id for entry in parsed.entries] == [
        f"{tag_prefix(blog)}/e/{key.pk}",
        f"{tag_prefix(blog)}/e/{plain.pk}",
    ]
    first, second = parsed.entries
    assert first.title == "Ferry service suspended"
    assert first.link == f"{SITE}/live/{blog.slug}/e/{key.pk}"
    assert [author.name for author in first.authors] == ["Ana Costa", "Ben Okafor"]
    assert datetime.fromisoformat(first.published) == MOMENT + timedelta(minutes=5)
    assert datetime.fromisoformat(first.updated) == MOMENT + timedelta(minutes=5)
    assert [tag.term for tag in first.tags] == ["key event"]
    assert first.summary == "All crossings are cancelled. Check before you travel."
    content = first.content[0]
    assert content.type == "text/html"
    # The entry as blogs/rendering.py renders it for every view, addresses made absolute.
    assert "<p>All crossings are cancelled.</p><p>Check before you travel.</p>" in content.value
    assert f'src="{SITE}/media/2026/01/flood.jpg"' in content.value
    assert 'alt="Water over the quay"' in content.value
    assert (
        '<figcaption>The harbour at noon <span class="entry__credit">Ana Costa</span>'
        "</figcaption>" in content.value
    )
    assert "<article" not in content.value  # the feed gives time, title and authors itself
    assert "Ferry service suspended" not in content.value
    assert second.title == "Sirens sound along the quay"
    assert "<p>Police ask people to keep away.</p>" in second.content[0].value
    assert "<figure" not in second.content[0].value
    assert "tags" not in second
    assert [author.name for author in second.authors] == ["Ana Costa"]


def test_rss_feed_gives_the_blog_and_its_entries_newest_first_field_by_field(storm):
    blog, plain, key = storm

    parsed = parse_rss(blog)

    feed = parsed.feed
    assert feed.title == "Harbour storm Live Updates"
    assert feed.link == f"{SITE}/live/{blog.slug}"
    assert feed.description == "Ferries stop as the storm reaches the coast."
    assert feed.language == "en-gb"
    assert feed.image.href == f"{SITE}/media/2026/01/cover.jpg"
    assert parsedate_to_datetime(feed.updated) == blog.updated_at.replace(microsecond=0)
    assert [item.id for item in parsed.entries] == [
        f"{tag_prefix(blog)}/e/{key.pk}",
        f"{tag_prefix(blog)}/e/{plain.pk}",
    ]
    first, second = parsed.entries
    assert first.guidislink is False
    assert first.title == "Ferry service suspended"
    assert first.link == f"{SITE}/live/{blog.slug}/e/{key.pk}"
    assert first.summary == "All crossings are cancelled. Check before you travel."
    assert "<p>All crossings are cancelled.</p><p>Check before you travel.</p>" in (
        first.content[0].value
    )
    assert f'src="{SITE}/media/2026/01/flood.jpg"' in first.content[0].value
    assert [author.name for author in first.authors] == ["Ana Costa", "Ben Okafor"]
    assert parsedate_to_datetime(first.published) == MOMENT + timedelta(minutes=5)
    assert [tag.term for tag in first.tags] == ["key event"]
    assert second.title == "Sirens sound along the quay"
    assert parsedate_to_datetime(second.published) == MOMENT
    assert "tags" not in second


def test_json_feed_follows_json_feed_1_1_field_by_field(storm):
    blog, plain, key = storm

    data = read_json(blog)

    items = data.pop("items")
    assert data == {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Harbour storm Live Updates",
        "home_page_url": f"{SITE}/live/{blog.slug}",
        "feed_url": f"{SITE}/live/{blog.slug}/feed.json",
        "description": "Ferries stop as the storm reaches the coast.",
        "language": "en-gb",
        "authors": [{"name": "The Harbour Herald"}],
        "_bulletin": {
            "updated": blog.updated_at.isoformat().replace("+00:00", "Z"),
            "seq": blog.seq,
        },
    }
    content = items[0].pop("content_html")
    assert "<p>All crossings are cancelled.</p><p>Check before you travel.</p>" in content
    assert f'<img src="{SITE}/media/2026/01/flood.jpg"' in content
    assert 'alt="Water over the quay" width="1200" height="800"' in content
    assert '<span class="entry__credit">Ana Costa</span></figcaption>' in content
    assert "<p>Police ask people to keep away.</p>" in items[1].pop("content_html")
    assert items[0] == {
        "id": f"{tag_prefix(blog)}/e/{key.pk}",
        "url": f"{SITE}/live/{blog.slug}/e/{key.pk}",
        "title": "Ferry service suspended",
        "summary": "All crossings are cancelled. Check before you travel.",
        "date_published": "2026-01-27T14:37:00Z",
        "date_modified": "2026-01-27T14:37:00Z",
        "authors": [{"name": "Ana Costa"}, {"name": "Ben Okafor"}],
        "image": f"{SITE}/media/2026/01/flood.jpg",
        "tags": ["key event"],
    }
    assert items[1] == {
        "id": f"{tag_prefix(blog)}/e/{plain.pk}",
        "url": f"{SITE}/live/{blog.slug}/e/{plain.pk}",
        "title": "Sirens sound along the quay",
        "summary": "Police ask people to keep away.",
        "date_published": "2026-01-27T14:32:00Z",
        "date_modified": "2026-01-27T14:32:00Z",
        "authors": [{"name": "Ana Costa"}],
    }


def test_an_entry_without_headline_is_titled_with_the_opening_of_its_body(make):
    blog = make.blog()
    words = " ".join(["Flooding"] * 30)
    make.entry(blog, headline="", body=f"<p><strong>{words}</strong> downstream.</p>")
    blog = reread(blog)

    title = read_json(blog)["items"][0]["title"]

    assert title.endswith("…")
    assert len(title) <= feeds.TITLE_CHARS
    assert title.removesuffix("…").split(" ") == ["Flooding"] * (len(title) // 9)
    assert parse_atom(blog).entries[0].title == title
    assert parse_rss(blog).entries[0].title == title


def test_key_events_feeds_hold_only_key_events_and_name_themselves_apart(storm):
    blog, _plain, key = storm
    key_ids = [f"{tag_prefix(blog)}/e/{key.pk}"]

    atom = parse_atom(blog, key_events_only=True)
    rss = parse_rss(blog, key_events_only=True)
    data = read_json(blog, key_events_only=True)

    assert [entry.id for entry in atom.entries] == key_ids
    assert [item.id for item in rss.entries] == key_ids
    assert [item["id"] for item in data["items"]] == key_ids
    assert atom.feed.id == f"{tag_prefix(blog)}/key-events"
    assert atom.feed.title == rss.feed.title == data["title"]
    assert data["title"] == "Harbour storm Live Updates: key events"
    self_links = {link.rel: link.href for link in atom.feed.links}
    assert self_links["self"] == f"{SITE}/live/{blog.slug}/feed.atom?key_events=1"
    assert data["feed_url"] == f"{SITE}/live/{blog.slug}/feed.json?key_events=1"


def test_the_key_events_flag_filters_whatever_list_the_caller_passes(storm):
    blog, plain, key = storm
    everything = feeds.feed_entries(blog)

    data = feeds.json_feed(blog, everything, key_events_only=True)

    assert [item["url"].rsplit("/", 1)[1] for item in data["items"]] == [str(key.pk)]
    assert plain in everything


def test_an_edit_moves_updated_of_the_feed_and_of_the_entry_but_not_published(storm, make):
    blog, plain, _key = storm
    before = parse_atom(blog)

    services.update_entry(
        make.owner_of(blog), plain, EntryFields(headline="Sirens sound along the whole quay")
    )
    blog = reread(blog)
    after = parse_atom(blog)
    data = read_json(blog)

    assert after.feed.updated > before.feed.updated
    assert datetime.fromisoformat(after.feed.updated) == blog.updated_at
    edited = next(entry for entry in after.entries if entry.id.endswith(f"/e/{plain.pk}"))
    old = next(entry for entry in before.entries if entry.id.endswith(f"/e/{plain.pk}"))
    assert edited.title == "Sirens sound along the whole quay"
    assert edited.published == old.published
    plain.refresh_from_db()
    assert plain.edited_at is not None
    assert datetime.fromisoformat(edited.updated) == plain.edited_at
    item = next(item for item in data["items"] if item["url"].endswith(f"/e/{plain.pk}"))
    assert item["date_modified"] == plain.edited_at.isoformat().replace("+00:00", "Z")
    assert item["date_published"] == "2026-01-27T14:32:00Z"
    assert parsedate_to_datetime(parse_rss(blog).feed.updated) == blog.updated_at.replace(
        microsecond=0
    )


def test_deleted_unpublished_and_draft_entries_are_absent_from_every_feed(storm, make):
    blog, plain, key = storm
    owner = make.owner_of(blog)
    services.delete_entry(owner, key)
    make.entry(blog, headline="Unchecked rumour", status="draft")
    taken_back = make.entry(blog, headline="Premature report")
    services.unpublish_entry(owner, taken_back)
    make.entry(make.blog(), headline="Another story entirely")
    blog = reread(blog)
    key.refresh_from_db()

    only = [f"{tag_prefix(blog)}/e/{plain.pk}"]
    assert [entry.id for entry in parse_atom(blog).entries] == only
    assert [item.id for item in parse_rss(blog).entries] == only
    assert [item["id"] for item in read_json(blog)["items"]] == only
    assert parse_atom(blog, key_events_only=True).entries == []
    # Even when a caller hands over a tombstone, it does not come back.
    tombstone_feed = feeds.atom(blog, [key, plain])
    assert b"Ferry service suspended" not in tombstone_feed
    assert feeds.json_feed(blog, [key])["items"] == []


def test_feeds_hold_the_fifty_newest_entries(make):
    blog = make.blog()
    for minute in range(feeds.FEED_ENTRIES + 2):
        make.entry(blog, headline=f"Update {minute}", display_at=MOMENT + timedelta(minutes=minute))
    blog = reread(blog)

    titles = [entry.title for entry in parse_atom(blog).entries]

    newest = [f"Update {minute}" for minute in range(feeds.FEED_ENTRIES + 1, 1, -1)]
    assert titles == newest
    assert [item.title for item in parse_rss(blog).entries] == newest
    everything = list(Entry.objects.filter(blog=blog))
    assert [item["title"] for item in feeds.json_feed(blog, everything)["items"]] == newest


def test_rendering_a_feed_queries_nothing_after_feed_entries(storm, django_assert_num_queries):
    blog, _plain, _key = storm
    # The entries with their blog and images, then their authors, then contributor profiles.
    with django_assert_num_queries(3):
        entries = feeds.feed_entries(blog)
    with django_assert_num_queries(0):
        feeds.atom(blog, entries)
        feeds.rss(blog, entries)
        feeds.json_feed(blog, entries)


def test_hostile_strings_are_escaped_in_every_feed_and_read_back_as_text(make):
    blog = make.blog(title=f"</title>{HOSTILE}", description=f"]]>{HOSTILE}")
    owner = make.owner_of(blog)
    owner.display_name = '<img src=x onerror="alert(2)">'
    owner.save()
    headline = f"{HOSTILE} & <b>bold</b> claim"
    make.entry(
        blog,
        headline=headline,
        body=f'<p onclick="alert(3)">Calm</p>{HOSTILE}<img src="x" onerror="alert(4)">',
        image_id=image(caption=HOSTILE, credit="<i>x</i>", alt='" onload="alert(5)').pk,
    )
    blog = reread(blog)
    entries = feeds.feed_entries(blog)

    for raw in (feeds.atom(blog, entries), feeds.rss(blog, entries)):
        assert b"<script" not in raw
        assert b"<img" not in raw  # markup inside text is always entity-encoded
        assert b"<b>" not in raw
    for parsed in (parse_atom(blog), parse_rss(blog)):
        assert parsed.feed.title == f"</title>{HOSTILE}"
        item = parsed.entries[0]
        assert item.title == f"{HOSTILE} & <b>bold</b> claim"
        assert item.author == '<img src=x onerror="alert(2)">'
        html = item.content[0].value
        assert "<script" not in html
        assert "onerror" not in html
        assert "onclick" not in html
        assert 'alt="&quot; onload=&quot;alert(5)"' in html  # stays inside the attribute
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the caption, as text
        assert '<span class="entry__credit">&lt;i&gt;x&lt;/i&gt;</span>' in html
    item = read_json(blog)["items"][0]
    assert item["title"] == headline  # a text field: readers escape it, as for any title
    assert item["authors"] == [{"name": '<img src=x onerror="alert(2)">'}]
    assert "<script" not in item["content_html"]
    assert "onerror" not in item["content_html"]
    assert 'alt="&quot; onload=&quot;alert(5)"' in item["content_html"]
