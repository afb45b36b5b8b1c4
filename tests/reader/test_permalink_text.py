"""A permalink's title, description and share cards carry an entry's words escaped once."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db


class _Head(HTMLParser):
    """What a browser and a link preview read: the title text and every meta content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.meta: dict[str, str] = {}
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "meta" and (found.get("name") or found.get("property")):
            self.meta[str(found.get("name") or found.get("property"))] = found.get("content") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _head(client, path: str) -> _Head:
    response = client.get(path)
    assert response.status_code == 200
    head = _Head()
    head.feed(response.content.decode())
    return head


def test_an_ampersand_in_a_body_reads_as_one_ampersand_on_the_permalink(make, client):
    blog = make.blog(title="Deals Live")
    entry = make.entry(blog, headline="", body="<p>AT&amp;T buys &lt;Time&gt; Warner</p>")

    head = _head(client, f"/live/{blog.slug}/e/{entry.pk}")

    assert head.title == "AT&T buys <Time> Warner | Deals Live"
    assert head.meta["description"] == "AT&T buys <Time> Warner"
    assert head.meta["og:title"] == "AT&T buys <Time> Warner | Deals Live"
    assert head.meta["og:description"] == "AT&T buys <Time> Warner"
    assert head.meta["twitter:description"] == "AT&T buys <Time> Warner"


def test_an_ampersand_in_a_headline_reads_as_one_ampersand_on_the_permalink(make, client):
    blog = make.blog(title="Deals Live")
    entry = make.entry(blog, headline="AT&T agrees", body="<p>Q&amp;A follows</p>")

    head = _head(client, f"/live/{blog.slug}/e/{entry.pk}")

    assert head.title == "AT&T agrees | Deals Live"
    assert head.meta["og:title"] == "AT&T agrees | Deals Live"
    assert head.meta["description"] == "Q&A follows"
