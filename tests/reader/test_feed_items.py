"""Feed items are the entries as every view renders them (blogs/rendering.py): embeds as
links, the "Full story" link, the correction note, and the whole byline (reader item 8).

Read through the real feed URLs, the way feed readers read them (feedparser, json)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import feedparser
import pytest
from django.test import Client

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Contributor, LiveBlog

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
MOMENT = datetime(2026, 1, 27, 14, 32, tzinfo=UTC)
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
STORY = "https://news.example/2026/01/27/storm-explained"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def blog(make) -> LiveBlog:
    blog: LiveBlog = make.blog(slug="storm-live", language="en-gb", timezone="Europe/London")
    owner = make.owner_of(blog)
    stringer = Contributor.objects.create(blog=blog, name="Ana Costa", role="Stringer")
    entry = make.entry(
        blog,
        headline="Ferries stop",
        body="<p>All crossings are cancelled.</p>",
        embed_url=VIDEO,
        related_url=STORY,
        related_title="The storm explained",
        contributor_ids=[stringer.pk],
        guest_byline="Reuters",
        display_at=MOMENT,
    )
    services.update_entry(
        owner,
        entry,
        EntryFields(),
        correction_note="An earlier version gave the wrong port.",
    )
    return blog


def _get(path: str) -> bytes:
    response = Client().get(path)
    assert response.status_code == 200
    return response.content


def _parsed(kind: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(_get(f"/live/storm-live/feed.{kind}"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _json() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_get("/live/storm-live/feed.json"))
    return data


def _contents() -> dict[str, tuple[str, list[str]]]:
    """Each feed's one item: its HTML content and its authors' names."""
    found = {}
    for kind in ("atom", "rss"):
        (item,) = _parsed(kind).entries
        found[kind] = (item.content[0].value, [author.name for author in item.authors])
    (item,) = _json()["items"]
    found["json"] = (item["content_html"], [author["name"] for author in item["authors"]])
    return found


@pytest.mark.parametrize("kind", ["atom", "rss", "json"])
def test_a_feed_item_carries_the_embed_as_a_link(blog, kind):
    html, _authors = _contents()[kind]

    assert f'href="{VIDEO}"' in html
    assert "View on YouTube" in html
    assert "<iframe" not in html  # the provider's player stays a reader's click


@pytest.mark.parametrize("kind", ["atom", "rss", "json"])
def test_a_feed_item_carries_the_full_story_link_and_the_correction(blog, kind):
    html, _authors = _contents()[kind]

    assert f'href="{STORY}"' in html
    assert "Full story" in html
    assert "The storm explained" in html
    assert "Correction:" in html
    assert "An earlier version gave the wrong port." in html


@pytest.mark.parametrize("kind", ["atom", "rss", "json"])
def test_a_feed_item_credits_profiles_and_the_guest_byline(blog, kind):
    _html, authors = _contents()[kind]

    assert authors == ["Ana Costa", "Reuters"]


def test_feed_items_hold_no_page_controls_and_only_absolute_addresses(blog):
    for html, _authors in _contents().values():
        assert "entry__share" not in html
        assert 'href="/' not in html
        assert 'src="/' not in html
