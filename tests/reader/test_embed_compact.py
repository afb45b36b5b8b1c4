"""The compact embed (/live/{slug}/embed?limit=N): the latest N entries, a link to the live
page, key points on request, and a snippet that takes the same option."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from bulletin.blogs import services
from bulletin.reader import embedding

START = datetime(2026, 1, 27, 9, 0, tzinfo=UTC)


class Articles(HTMLParser):
    """Each entry of the stream: (entry id, hidden?)."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.found: list[tuple[int, bool]] = []
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "article" and "entry" in (values.get("class") or "").split():
            self.found.append((int(values["data-entry-id"] or 0), "hidden" in values))


def _stream(html: str) -> str:
    return html.split('id="stream"', 1)[1].split('class="embed-more"', 1)[0]


def _entries(make, blog, count: int):
    return [
        make.entry(blog, headline=f"Update {n}", display_at=START + timedelta(minutes=n))
        for n in range(count)
    ]


@pytest.mark.parametrize("order", ["newest_first", "oldest_first"])
def test_limit_shows_the_latest_entries_and_keeps_a_few_older_ones_hidden(make, client, order):
    blog = make.blog(order=order)
    entries = _entries(make, blog, 12)

    html = client.get(f"/live/{blog.slug}/embed?limit=3").content.decode()

    shown = Articles(_stream(html)).found
    visible = {pk for pk, hidden in shown if not hidden}
    held_back = {pk for pk, hidden in shown if hidden}
    assert visible == {e.pk for e in entries[-3:]}
    assert held_back == {e.pk for e in entries[-3 - embedding.RESERVE : -3]}
    assert 'data-embed-limit="3"' in html
    assert f'data-embed-reserve="{embedding.RESERVE}"' in html
    assert "/static/reader/embed-limit.js" in html
    assert "Load older updates" not in html


def test_the_compact_embed_links_to_the_live_page_and_leaves_out_the_extras(make, client):
    blog = make.blog()
    first, _second = _entries(make, blog, 2)
    services.set_key_points(make.owner_of(blog), blog, ["Bridge closed"])
    services.pin_entry(make.owner_of(blog), blog, first)

    html = client.get(f"/live/{blog.slug}/embed?limit=3").content.decode()

    assert re.search(rf'<a href="/live/{blog.slug}" target="_top">More on the live page', html)
    assert 'id="pinned"' not in html
    assert "Bridge closed" not in html


def test_key_points_are_added_on_request(make, client):
    blog = make.blog()
    _entries(make, blog, 2)
    services.set_key_points(make.owner_of(blog), blog, ["Bridge closed"])

    with_points = client.get(f"/live/{blog.slug}/embed?limit=2&key_points=1").content.decode()
    whole = client.get(f"/live/{blog.slug}/embed").content.decode()

    assert "Bridge closed" in with_points
    assert "Bridge closed" in whole
    assert "embed-more" not in whole
    assert "data-embed-limit" not in whole


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=0", "limit must be a number of entries from 1 to 20, got '0'"),
        ("limit=21", "limit must be a number of entries from 1 to 20, got '21'"),
        ("limit=three", "limit must be a number of entries from 1 to 20, got 'three'"),
        ("limit=3&key_points=maybe", "key_points must be 1 or 0, got 'maybe'"),
    ],
)
def test_a_bad_limit_is_refused_with_what_was_expected(make, client, query, message):
    blog = make.blog()

    response = client.get(f"/live/{blog.slug}/embed?{query}")

    assert response.status_code == 400
    assert response.content.decode() == message


def test_each_limit_is_its_own_cached_page_with_its_own_etag(make, client):
    blog = make.blog()
    _entries(make, blog, 6)

    three = client.get(f"/live/{blog.slug}/embed?limit=3")
    five = client.get(f"/live/{blog.slug}/embed?limit=5")
    whole = client.get(f"/live/{blog.slug}/embed")
    again = client.get(f"/live/{blog.slug}/embed?limit=3", HTTP_IF_NONE_MATCH=three["ETag"])

    assert len({three["ETag"], five["ETag"], whole["ETag"]}) == 3
    assert again.status_code == 304
    assert len(Articles(_stream(five.content.decode())).found) == 6


def test_the_live_page_offers_the_compact_snippet_too(make, client):
    blog = make.blog()

    html = client.get(f"/live/{blog.slug}").content.decode()

    assert (
        f"data-bulletin-embed=&quot;http://127.0.0.1:8000/live/{blog.slug}/embed&quot; "
        f"data-bulletin-limit=&quot;{embedding.SUGGESTED_LIMIT}&quot;"
    ) in html
