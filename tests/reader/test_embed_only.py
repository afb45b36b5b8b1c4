"""An entry whose only content is an embed (a quoted post, a video): readers see the card, and
every place that needs a title names the entry by it ("HM Coastguard on X"): feed items, the
permalink's title, search engines' headline, the pinned box."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import extruct
import feedparser
import pytest
from django.test import Client

from bulletin.blogs import services
from bulletin.blogs.models import Entry, LiveBlog

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
MOMENT = datetime(2026, 1, 27, 14, 32, tzinfo=UTC)
POST = {
    "url": "https://x.com/hmcoastguard/status/1751234567890123456",
    "author": "HM Coastguard",
    "handle": "@hmcoastguard",
}
QUOTED = {**POST, "description": "Stay away from the harbour wall."}
VIDEO = {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def _only(make, embed: dict[str, str], **blog: Any) -> tuple[LiveBlog, Entry]:
    live: LiveBlog = make.blog(slug="storm-live", **blog)
    entry = make.entry(live, headline="", body="", embeds=[embed], display_at=MOMENT)
    return live, Entry.objects.get(pk=entry.pk)


def _get(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_the_live_page_shows_the_card_and_no_empty_headline(make):
    _blog, entry = _only(make, QUOTED)

    page = _get("/live/storm-live")

    article = page[page.index(f'id="entry-{entry.pk}"') :]
    article = article[: article.index("</article>")]
    assert "entry__headline" not in article
    assert 'data-provider="x"' in article
    assert "Stay away from the harbour wall." in article


@pytest.mark.parametrize(
    ("embed", "title"),
    [
        (POST, "HM Coastguard on X"),
        ({"url": POST["url"], "handle": "@hmcoastguard"}, "@hmcoastguard on X"),
        ({"url": POST["url"]}, "Post on X"),
        (VIDEO, "Video on YouTube"),
        ({**VIDEO, "title": "The surge at the quay"}, "The surge at the quay"),
        ({"url": "https://www.harbour.example/cams/quay"}, "harbour.example"),
    ],
)
def test_feed_items_are_titled_by_the_embed(make, embed, title):
    _only(make, embed)

    for kind in ("atom", "rss"):
        parsed = feedparser.parse(_get(f"/live/storm-live/feed.{kind}"))
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert [item.title for item in parsed.entries] == [title], kind
    items = json.loads(_get("/live/storm-live/feed.json"))["items"]
    assert [item["title"] for item in items] == [title]


def test_the_permalink_title_names_the_post(make):
    _blog, entry = _only(make, POST)

    page = _get(f"/live/storm-live/e/{entry.pk}")

    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None
    assert title.group(1).strip().startswith("HM Coastguard on X | ")


def test_search_engines_get_a_headline_and_a_body(make):
    _only(make, POST)

    found = extruct.extract(_get("/live/storm-live"), syntaxes=["json-ld"])["json-ld"]

    (posting,) = [item for item in found if item.get("@type") == "LiveBlogPosting"]
    (update,) = posting["liveBlogUpdate"]
    assert update["headline"] == "HM Coastguard on X"
    assert update["articleBody"] == "HM Coastguard on X"


def test_search_engines_read_the_quoted_words_as_the_body(make):
    _only(make, QUOTED)

    found = extruct.extract(_get("/live/storm-live"), syntaxes=["json-ld"])["json-ld"]

    (posting,) = [item for item in found if item.get("@type") == "LiveBlogPosting"]
    (update,) = posting["liveBlogUpdate"]
    assert update["articleBody"] == "Stay away from the harbour wall."


def test_the_pinned_box_names_an_entry_that_is_only_a_post(make):
    blog, entry = _only(make, POST)
    services.pin_entry(make.owner_of(blog), blog, entry)

    page = _get("/live/storm-live")

    box = page[page.index('id="pinned-entry"') :]
    box = box[: box.index("</article>")]
    assert '<p class="pinned__opening">HM Coastguard on X</p>' in box


def test_a_german_blog_names_the_post_in_german(make):
    _only(make, POST, language="de", timezone="Europe/Berlin")

    items = json.loads(_get("/live/storm-live/feed.json"))["items"]

    assert [item["title"] for item in items] == ["HM Coastguard auf X"]
