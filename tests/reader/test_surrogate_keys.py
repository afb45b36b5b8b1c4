"""Every public answer about a blog carries its CDN purge key, so that a takedown can purge
every copy a CDN keeps: ``blog-<id>`` everywhere, and ``entry-<id>`` on a permalink too, in
``Surrogate-Key`` (space-separated) and ``Cache-Tag`` (comma-separated)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bulletin.blogs.models import Entry, LiveBlog
from bulletin.realtime.edge import Edge
from tests import loops
from tests.factories import Factory


@pytest.fixture
def story(make: Factory) -> tuple[LiveBlog, Entry]:
    blog = make.blog()
    make.entry(blog, headline="Older update")
    return blog, make.entry(blog, headline="Newer update")


BLOG_PATHS = [
    "/live/{slug}",
    "/live/{slug}?before={entry}",
    "/live/{slug}/embed",
    "/live/{slug}/feed.atom",
    "/live/{slug}/feed.rss",
    "/live/{slug}/feed.json",
    "/live/{slug}/feed.atom?key_events=1",
    "/api/v1/blogs/{slug}",
    "/api/v1/blogs/{slug}/key-points",
    "/api/v1/blogs/{slug}/entries",
    "/api/v1/blogs/{slug}/changes?since=0",
]
ENTRY_PATHS = ["/live/{slug}/e/{entry}", "/api/v1/blogs/{slug}/entries/{entry}"]


def _keys(response: Any) -> tuple[str, str]:
    return response["Surrogate-Key"], response["Cache-Tag"]


@pytest.mark.parametrize("path", BLOG_PATHS)
def test_every_public_answer_about_a_blog_carries_the_blogs_key(story, path: str) -> None:
    blog, entry = story
    client = Client()
    url = path.format(slug=blog.slug, entry=entry.pk)

    response = client.get(url)

    assert response.status_code == 200
    assert _keys(response) == (f"blog-{blog.pk}", f"blog-{blog.pk}")
    if response.has_header("ETag"):
        again = client.get(url, headers={"If-None-Match": response["ETag"]})
        assert again.status_code == 304
        assert _keys(again) == _keys(response)  # a CDN revalidating keeps the keys


@pytest.mark.parametrize("path", ENTRY_PATHS)
def test_a_permalink_carries_the_entrys_key_as_well(story, path: str) -> None:
    blog, entry = story

    response = Client().get(path.format(slug=blog.slug, entry=entry.pk))

    assert response.status_code == 200
    assert _keys(response) == (
        f"blog-{blog.pk} entry-{entry.pk}",
        f"blog-{blog.pk},entry-{entry.pk}",
    )


def _edge_get(edge: Edge, path: str) -> tuple[int, dict[str, str]]:
    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 50000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def call() -> None:
        await edge(scope, receive, send)

    loops.run(call)
    return sent[0]["status"], {k.decode(): v.decode() for k, v in sent[0]["headers"]}


async def _no_django(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError(f"{scope['path']} reached Django")


def test_the_edges_cached_page_and_changes_feed_carry_the_blogs_key(
    transactional_db: None, make: Factory
) -> None:
    blog = make.blog()
    make.entry(blog)
    assert Client().get(f"/live/{blog.slug}").status_code == 200  # rendered once, kept
    edge = Edge(_no_django)

    page_status, page = _edge_get(edge, f"/live/{blog.slug}")
    feed_status, feed = _edge_get(edge, f"/live/{blog.slug}/changes")

    assert (page_status, page["x-bulletin-cache"]) == (200, "hit")
    assert feed_status == 200
    for headers in (page, feed):
        assert headers["surrogate-key"] == f"blog-{blog.pk}"
        assert headers["cache-tag"] == f"blog-{blog.pk}"
