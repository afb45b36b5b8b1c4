"""The LiveBlogPosting of the live page and of a permalink, read back from the served page as
a crawler reads it (extruct): what earns the LIVE badge in practice (reader item 9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import extruct
import pytest
from django.test import Client

from bulletin.blogs import services
from bulletin.blogs.models import Entry, LiveBlog

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
START = datetime(2026, 1, 27, 6, 0, tzinfo=UTC)
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture(autouse=True)
def _newsroom(settings):
    settings.SITE_URL = SITE
    settings.BULLETIN = {
        **settings.BULLETIN,
        "PUBLISHER_NAME": "The Harbour Herald",
        "PUBLISHER_URL": "https://herald.example/",
        "PUBLISHER_LOGO_URL": "/static/reader/newsroom-logo.png",
    }


@pytest.fixture
def coverage(make) -> tuple[LiveBlog, Entry, Entry]:
    blog = make.blog(slug="storm-live", coverage_start=START)
    words = make.entry(
        blog, headline="Ferries stop", body="<p>All crossings are cancelled.</p>", display_at=START
    )
    video = make.entry(
        blog,
        headline="Watch: the surge at the quay",
        body="",
        embed_url=VIDEO,
        display_at=START + timedelta(minutes=5),
    )
    return blog, words, video


def posting(path: str) -> dict[str, Any]:
    response = Client().get(path)
    assert response.status_code == 200
    found = extruct.extract(response.content.decode(), syntaxes=["json-ld"])["json-ld"]
    (data,) = [item for item in found if item.get("@type") == "LiveBlogPosting"]
    posting: dict[str, Any] = data
    return posting


def _check_badge_fields(data: dict[str, Any], canonical: str, blog: LiveBlog) -> None:
    assert data["url"] == canonical
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": canonical}
    assert data["datePublished"] == "2026-01-27T06:00:00Z"  # the coverage start, fixed
    assert data["coverageStartTime"] == "2026-01-27T06:00:00Z"
    assert data["dateModified"] == blog.updated_at.isoformat().replace("+00:00", "Z")
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "The Harbour Herald",
        "url": "https://herald.example/",
        "logo": {"@type": "ImageObject", "url": f"{SITE}/static/reader/newsroom-logo.png"},
    }
    for update in data["liveBlogUpdate"]:
        assert {"headline", "articleBody", "datePublished", "url"} <= update.keys(), update


def test_the_live_page_gives_every_field_of_the_live_badge(coverage):
    blog, words, video = coverage
    blog.refresh_from_db()
    live = f"{SITE}/live/storm-live"

    data = posting("/live/storm-live")

    _check_badge_fields(data, live, blog)
    assert "coverageEndTime" not in data
    assert {update["url"] for update in data["liveBlogUpdate"]} == {
        f"{live}#entry-{words.pk}",
        f"{live}#entry-{video.pk}",
    }


def test_a_video_only_update_still_has_a_body(coverage):
    _blog, _words, video = coverage

    data = posting("/live/storm-live")

    (update,) = [u for u in data["liveBlogUpdate"] if u["url"].endswith(f"#entry-{video.pk}")]
    assert update["articleBody"] == "Watch: the surge at the quay"


def test_a_permalink_points_its_updates_at_the_live_page(coverage):
    blog, words, _video = coverage
    blog.refresh_from_db()
    permalink = f"{SITE}/live/storm-live/e/{words.pk}"

    data = posting(f"/live/storm-live/e/{words.pk}")

    _check_badge_fields(data, permalink, blog)
    urls = [update["url"] for update in data["liveBlogUpdate"]]
    assert f"{SITE}/live/storm-live#entry-{words.pk}" in urls
    assert not any("/e/" in url for url in urls)


def test_ended_coverage_says_when_it_ended(coverage, make):
    blog, _words, _video = coverage
    ended = services.end_coverage(make.owner_of(blog), blog)

    data = posting("/live/storm-live")

    assert data["coverageEndTime"] == ended.coverage_end.isoformat().replace("+00:00", "Z")


def test_without_a_logo_setting_the_publisher_has_none(coverage, settings):
    settings.BULLETIN = {**settings.BULLETIN, "PUBLISHER_LOGO_URL": "", "PUBLISHER_URL": ""}

    data = posting("/live/storm-live")

    assert data["publisher"] == {
        "@type": "Organization",
        "name": "The Harbour Herald",
        "url": f"{SITE}/",
    }
