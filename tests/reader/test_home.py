"""The home page: the newsroom's index of live blogs, then recent ended ones; cached like
the live pages. And the site's icon."""

from __future__ import annotations

import re

import pytest

from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields
from bulletin.reader import home


@pytest.fixture(autouse=True)
def _fresh_fingerprint() -> None:
    # A test's writes are rolled back, never committed: the signal that makes a process look
    # again after a change does not come, so each test starts without a remembered one.
    home.forget()


def _titles(html: str, section: str) -> list[str]:
    part = html.split(f'id="home-{section}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="blog-card__link" href="[^"]+">([^<]+)</a>', part)


def test_live_blogs_come_first_then_recent_ended_ones_and_drafts_not_at_all(make, client):
    ended = make.blog(title="Election night")
    services.end_coverage(make.owner_of(ended), ended)
    older = make.blog(title="Harbour storm", description="Gales along the coast.")
    newer = make.blog(title="Budget day")
    make.entry(newer, headline="Chancellor stands up")
    make.blog(title="Not yet public", live=False)

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert _titles(html, "live") == [newer.title, older.title]
    assert _titles(html, "recent") == [ended.title]
    assert "Not yet public" not in html
    assert "Gales along the coast." in html
    assert html.count("liveblog__status--live") == 2
    assert f'href="/live/{older.slug}"' in html


def test_each_card_says_when_the_blog_was_last_updated_in_its_own_conventions(make, client):
    blog = make.blog(title="Storm", language="en-gb", timezone="Europe/London")
    make.entry(blog)
    blog.refresh_from_db()

    html = client.get("/").content.decode()

    assert f'<time datetime="{blog.updated_at.isoformat()}">' in html
    assert re.search(r"Latest update <time [^>]+>\d{1,2} \w+, \d\d:\d\d (GMT|BST)</time>", html)
    assert '<li class="blog-card blog-card--live" lang="en-gb">' in html


def test_the_home_page_is_cached_until_a_blog_changes(
    make, client, django_capture_on_commit_callbacks
):
    blog = make.blog(title="Storm")
    first = client.get("/")

    again = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    with django_capture_on_commit_callbacks(execute=True):  # as if committed: the signal comes
        services.update_blog(make.owner_of(blog), blog, BlogFields(title="Storm and floods"))
    after = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Cache-Control"].startswith("public")
    assert again.status_code == 304
    assert after.status_code == 200
    assert "Storm and floods" in after.content.decode()


def test_an_empty_newsroom_says_so(db, client):
    assert "No live coverage yet." in client.get("/").content.decode()


def test_every_reader_page_names_the_icon_and_favicon_ico_leads_to_it(make, client):
    blog = make.blog()

    page = client.get(f"/live/{blog.slug}").content.decode()
    icon = client.get("/favicon.ico")

    assert '<link rel="icon" href="/static/reader/favicon.svg" type="image/svg+xml">' in page
    assert icon.status_code == 301
    assert icon["Location"] == "/static/reader/favicon.svg"
