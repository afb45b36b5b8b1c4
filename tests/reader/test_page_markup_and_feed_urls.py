"""What the page tells search engines and social sites, and the feeds at their URLs."""

from __future__ import annotations

import json

import extruct
import feedparser
import pytest

from bulletin.blogs import services

pytestmark = pytest.mark.django_db


def test_the_live_page_carries_live_blog_posting_markup_for_its_entries(make, client):
    blog = make.blog(title="Harbour storm Live Updates", description="Rolling coverage.")
    first = make.entry(blog, headline="Sirens on the quay", body="<p>One</p><p>Two</p>")
    make.entry(blog, headline="Ferries stop")

    html = client.get(f"/live/{blog.slug}").content.decode()
    (posting,) = extruct.extract(html, syntaxes=["json-ld"])["json-ld"]

    assert posting["@type"] == "LiveBlogPosting"
    assert posting["headline"] == "Harbour storm Live Updates"
    assert posting["url"] == f"http://127.0.0.1:8000/live/{blog.slug}"
    updates = {update["headline"]: update for update in posting["liveBlogUpdate"]}
    assert set(updates) == {"Sirens on the quay", "Ferries stop"}
    assert updates["Sirens on the quay"]["url"].endswith(f"#entry-{first.pk}")
    assert updates["Sirens on the quay"]["articleBody"] == "One Two"


def test_the_live_page_has_open_graph_and_twitter_cards(make, client):
    blog = make.blog(title="Count night Live Updates", description="Every result.")
    html = client.get(f"/live/{blog.slug}").content.decode()
    assert '<meta property="og:title" content="Count night Live Updates">' in html
    assert '<meta property="og:description" content="Every result.">' in html
    assert '<meta name="twitter:card" content="summary">' in html


@pytest.mark.parametrize(
    ("suffix", "content_type"),
    [
        ("feed.atom", "application/atom+xml"),
        ("feed.rss", "application/rss+xml"),
        ("feed.json", "application/feed+json"),
    ],
)
def test_each_feed_is_served_with_its_type_an_etag_and_the_entries(
    make, client, suffix, content_type
):
    blog = make.blog()
    make.entry(blog, headline="Road reopened")

    response = client.get(f"/live/{blog.slug}/{suffix}")
    again = client.get(f"/live/{blog.slug}/{suffix}", HTTP_IF_NONE_MATCH=response["ETag"])

    assert response["Content-Type"].startswith(content_type)
    if suffix == "feed.json":
        titles = [item["title"] for item in json.loads(response.content)["items"]]
    else:
        titles = [item.title for item in feedparser.parse(response.content).entries]
    assert titles == ["Road reopened"]
    assert again.status_code == 304


def test_the_key_events_feed_holds_key_events_only(make, client):
    blog = make.blog()
    make.entry(blog, headline="Routine update")
    key = make.entry(blog, headline="Sea wall breached")
    services.set_key_event(make.owner_of(blog), key, True)

    parsed = feedparser.parse(client.get(f"/live/{blog.slug}/feed.atom?key_events=1").content)

    assert [item.title for item in parsed.entries] == ["Sea wall breached"]
