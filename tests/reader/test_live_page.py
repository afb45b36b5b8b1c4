"""The public live page: cached per change, paged by an anchor, permalinks, no JS needed."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.reader import stream
from bulletin.reader.cache import pages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache = pages()
    cache._pages.clear()
    cache._heads.clear()


def _ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="entry[^"]*" id="entry-(\d+)"', html)]


def test_a_second_request_is_served_from_memory_without_touching_the_database(make, client):
    blog = make.blog()
    make.entry(blog, headline="Quay closed")
    client.get(f"/live/{blog.slug}")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/live/{blog.slug}")

    assert response.status_code == 200
    assert "Quay closed" in response.content.decode()
    assert len(queries) == 0


def test_a_change_made_here_is_on_the_next_page_at_once(
    make, client, django_capture_on_commit_callbacks
):
    blog = make.blog()
    client.get(f"/live/{blog.slug}")
    with django_capture_on_commit_callbacks(execute=True):
        make.entry(blog, headline="Ferry back in service")
    assert "Ferry back in service" in client.get(f"/live/{blog.slug}").content.decode()


def test_the_etag_is_the_blog_seq_and_if_none_match_gets_304(make, client):
    blog = make.blog()
    make.entry(blog)
    first = client.get(f"/live/{blog.slug}")
    again = client.get(f"/live/{blog.slug}", HTTP_IF_NONE_MATCH=first["ETag"])

    blog.refresh_from_db()
    assert first["ETag"] == f'"{blog.seq}"'
    assert first["Cache-Control"].startswith("public, max-age=1")
    assert again.status_code == 304
    assert again.content == b""


def test_older_updates_are_pages_anchored_at_an_entry_and_each_entry_shows_once(make, client):
    blog = make.blog()
    made = [make.entry(blog, headline=f"Update {n}") for n in range(stream.PAGE_SIZE * 2 + 5)]
    seen: list[int] = []
    url = f"/live/{blog.slug}"
    for _ in range(5):
        html = client.get(url).content.decode()
        seen += _ids(html)
        more = re.search(r'id="load-older" href="([^"]+)"', html)
        if not more:
            break
        url = more.group(1).replace("&amp;", "&")

    assert seen == [entry.pk for entry in reversed(made)]


def test_an_older_page_stays_the_same_when_new_entries_arrive(make, client):
    blog = make.blog()
    entries = [make.entry(blog, headline=f"Update {n}") for n in range(stream.PAGE_SIZE + 3)]
    url = f"/live/{blog.slug}?before={entries[5].pk}"
    before = _ids(client.get(url).content.decode())
    make.entry(blog, headline="Much later")
    assert _ids(client.get(url).content.decode()) == before


def test_bad_or_unknown_cursors_are_refused_clearly(make, client):
    blog = make.blog()
    assert client.get(f"/live/{blog.slug}?before=abc").status_code == 400
    assert client.get(f"/live/{blog.slug}?before=99999").status_code == 404


def test_an_entry_permalink_shows_it_first_with_its_own_title_and_description(make, client):
    blog = make.blog(title="Harbour storm Live Updates")
    make.entry(blog, headline="Earlier")
    target = make.entry(blog, headline="Lifeboat launched", body="<p>Crew of six.</p>")
    make.entry(blog, headline="Later")

    html = client.get(f"/live/{blog.slug}/e/{target.pk}").content.decode()

    assert _ids(html)[0] == target.pk
    assert "<title>Lifeboat launched | Harbour storm Live Updates</title>" in html
    assert '<meta name="description" content="Crew of six.">' in html
    assert (
        f'<link rel="canonical" href="http://127.0.0.1:8000/live/{blog.slug}/e/{target.pk}">'
        in html
    )


def test_a_deleted_entry_has_no_permalink(make, client):
    blog = make.blog()
    entry = make.entry(blog)
    services.delete_entry(make.owner_of(blog), entry)
    assert client.get(f"/live/{blog.slug}/e/{entry.pk}").status_code == 404


def test_entries_are_grouped_under_day_dividers_in_the_blog_time_zone(make, client):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    blog = make.blog(timezone="Asia/Tokyo", language="en-gb")
    tokyo = ZoneInfo("Asia/Tokyo")
    owner = make.owner_of(blog)
    for day, hour in ((26, 23), (27, 1)):
        services.publish_entry(
            owner,
            blog,
            EntryFields(
                headline=f"day {day}", display_at=datetime(2026, 1, day, hour, 30, tzinfo=tokyo)
            ),
        )

    html = client.get(f"/live/{blog.slug}").content.decode()

    assert re.findall(r'data-day="([\d-]+)"', html) == ["2026-01-27", "2026-01-26"]
    assert "Tuesday 27 January" in html  # British order (bulletin.blogs.dates)


def test_the_page_carries_what_the_live_script_needs(make, client):
    blog = make.blog()
    html = client.get(f"/live/{blog.slug}").content.decode()
    blog.refresh_from_db()
    assert f'data-events-url="/live/{blog.slug}/events?since={blog.seq}"' in html
    assert 'src="/static/reader/live.js" type="module"' in html
    assert "<script>" not in html  # no inline script: a strict CSP can forbid them


def test_the_embed_page_may_be_framed_by_the_allowed_origins_only(make, client, settings):
    settings.BULLETIN = {**settings.BULLETIN, "EMBED_ORIGINS": ["https://news.example"]}
    blog = make.blog()
    make.entry(blog, headline="Embedded update")

    embed = client.get(f"/live/{blog.slug}/embed")
    page = client.get(f"/live/{blog.slug}")

    assert embed.status_code == 200
    assert "Embedded update" in embed.content.decode()
    assert "data-embedded" in embed.content.decode()
    assert "frame-ancestors https://news.example;" in embed["Content-Security-Policy"] + ";"
    assert "script-src 'self'" in embed["Content-Security-Policy"]
    assert not embed.has_header("X-Frame-Options")
    assert page["X-Frame-Options"] == "DENY"


def test_the_page_offers_an_embed_snippet_pointing_at_the_embed_page(make, client):
    blog = make.blog()
    html = client.get(f"/live/{blog.slug}").content.decode()
    # Shown as text to copy, so escaped:
    assert f"data-bulletin-embed=&quot;http://127.0.0.1:8000/live/{blog.slug}/embed&quot;" in html
    assert "/static/reader/embed.js" in html


def test_uploaded_images_are_served_from_the_media_folder(make, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    response = client.get("/media/photo.jpg")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff"
    response.close()
    assert client.get("/media/../settings.py").status_code in {400, 404}
