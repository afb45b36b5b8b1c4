"""An entry whose only content is a photo (with its caption and credit): readers see the
picture, and every place that needs a title names the entry by the photo's caption, else its
alt text, else "Photo": feed items, the permalink's title, search engines' headline, the pinned
box and the share button."""

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
from bulletin.blogs.models import Change, Entry, LiveBlog, Media

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
MOMENT = datetime(2026, 1, 27, 14, 32, tzinfo=UTC)
CAPTIONED = {"alt": "Water over the quay", "caption": "The harbour at noon"}
ALT_ONLY = {"alt": "Water over the quay", "caption": ""}
WORDLESS = {"alt": "", "caption": ""}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def _only(make, words: dict[str, str], **blog: Any) -> tuple[LiveBlog, Entry]:
    live: LiveBlog = make.blog(slug="storm-live", **blog)
    photo = Media.objects.create(
        file="2026/01/quay.jpg",
        credit="Ana Costa",
        width=1200,
        height=800,
        uploaded_by=make.owner_of(live),
        **words,
    )
    entry = make.entry(live, headline="", body="", image_id=photo.pk, display_at=MOMENT)
    return live, Entry.objects.get(pk=entry.pk)


def _get(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def _article(page: str, entry: Entry) -> str:
    article = page[page.index(f'id="entry-{entry.pk}"') :]
    return article[: article.index("</article>")]


def test_the_live_page_shows_the_photo_and_no_empty_headline(make):
    _blog, entry = _only(make, CAPTIONED)

    article = _article(_get("/live/storm-live"), entry)

    assert "entry__headline" not in article
    assert "2026/01/quay.jpg" in article
    assert "The harbour at noon" in article


@pytest.mark.parametrize(
    ("words", "title"),
    [(CAPTIONED, "The harbour at noon"), (ALT_ONLY, "Water over the quay"), (WORDLESS, "Photo")],
)
def test_feed_items_are_titled_by_the_photo(make, words, title):
    _only(make, words)

    for kind in ("atom", "rss"):
        parsed = feedparser.parse(_get(f"/live/storm-live/feed.{kind}"))
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert [item.title for item in parsed.entries] == [title], kind
    items = json.loads(_get("/live/storm-live/feed.json"))["items"]
    assert [item["title"] for item in items] == [title]


def test_the_permalink_title_names_the_photo(make):
    _blog, entry = _only(make, CAPTIONED)

    page = _get(f"/live/storm-live/e/{entry.pk}")

    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None
    assert title.group(1).strip().startswith("The harbour at noon | ")


@pytest.mark.parametrize(
    ("words", "headline"), [(CAPTIONED, "The harbour at noon"), (WORDLESS, "Photo")]
)
def test_search_engines_get_the_photo_as_headline(make, words, headline):
    _only(make, words)

    found = extruct.extract(_get("/live/storm-live"), syntaxes=["json-ld"])["json-ld"]

    (posting,) = [item for item in found if item.get("@type") == "LiveBlogPosting"]
    (update,) = posting["liveBlogUpdate"]
    assert update["headline"] == headline
    assert update["image"] == f"{SITE}/media/2026/01/quay.jpg"


def test_the_share_button_is_titled_on_the_page_and_in_the_live_stream(make):
    _blog, entry = _only(make, CAPTIONED)

    article = _article(_get("/live/storm-live"), entry)
    change = Change.objects.filter(entry=entry).order_by("-seq").first()

    assert 'data-share-title="The harbour at noon"' in article
    assert change is not None
    assert 'data-share-title="The harbour at noon"' in change.payload["html"]


def test_the_share_button_of_an_entry_with_text_but_no_headline_names_its_first_words(make):
    blog = make.blog(slug="storm-live")
    body = "<p>The ferry to the island is cancelled for the rest of the day, the operator says.</p>"
    entry = make.entry(blog, headline="", body=body)

    article = _article(_get("/live/storm-live"), entry)

    assert 'data-share-title="The ferry to the island is cancelled for the rest of the…"' in article


def test_the_pinned_box_names_an_entry_that_is_only_a_photo(make):
    blog, entry = _only(make, ALT_ONLY)
    services.pin_entry(make.owner_of(blog), blog, entry)

    page = _get("/live/storm-live")

    box = page[page.index('id="pinned-entry"') :]
    box = box[: box.index("</article>")]
    assert '<p class="pinned__opening">Water over the quay</p>' in box


def test_a_german_blog_calls_a_wordless_photo_foto(make):
    _blog, entry = _only(make, WORDLESS, language="de", timezone="Europe/Berlin")

    items = json.loads(_get("/live/storm-live/feed.json"))["items"]

    assert [item["title"] for item in items] == ["Foto"]
    assert 'data-share-title="Foto"' in entry.html
