"""The subtitle, a standfirst under the headline: rendered, fed, described, moved whole."""

from __future__ import annotations

import io
import json
from typing import Any

from bulletin.blogs import services
from bulletin.blogs.models import Entry
from bulletin.blogs.transfer import export_blog, import_blog
from bulletin.reader import feeds, seo


def exported(blog: Any) -> dict[str, Any]:
    out = io.StringIO()
    export_blog(blog, out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def test_the_subtitle_is_printed_under_the_headline(make):
    entry = make.entry(make.blog(), headline="Quay closed", subtitle="Until <noon>")

    headline_at = entry.html.index("entry__headline")
    assert '<p class="entry__subtitle">Until &lt;noon&gt;</p>' in entry.html
    assert entry.html.index("entry__subtitle") > headline_at


def test_feeds_and_json_ld_give_the_subtitle_as_the_entrys_summary(make):
    blog = make.blog()
    entry = make.entry(blog, headline="Quay closed", subtitle="Until noon", body="<p>Long.</p>")

    items = feeds.json_feed(blog, feeds.feed_entries(blog))["items"]
    posting = seo.live_blog_posting(blog, [entry], page_url="https://news.example/live/x")

    assert items[0]["summary"] == "Until noon"
    assert posting["liveBlogUpdate"][0]["description"] == "Until noon"


def test_an_entry_without_a_subtitle_has_no_description(make):
    blog = make.blog()
    entry = make.entry(blog, headline="Quay closed", body="<p>Long.</p>")

    posting = seo.live_blog_posting(blog, [entry], page_url="https://news.example/live/x")

    assert "description" not in posting["liveBlogUpdate"][0]


def test_the_subtitle_is_exported_and_imported(make):
    blog = make.blog()
    make.entry(blog, headline="Quay closed", subtitle="Until noon")

    data = exported(blog)
    assert data["entries"][0]["subtitle"] == "Until noon"

    result = import_blog(data, slug="copy")
    assert Entry.objects.get(blog=result.blog).subtitle == "Until noon"


def test_a_file_written_before_subtitles_imports_without_one(make):
    blog = make.blog()
    make.entry(blog, headline="Quay closed")
    data = exported(blog)
    del data["entries"][0]["subtitle"]

    result = import_blog(data, slug="copy")

    assert Entry.objects.get(blog=result.blog).subtitle == ""


def test_a_takedown_erases_the_subtitle_with_the_other_words(make):
    blog = make.blog()
    entry = make.entry(blog, headline="Named", subtitle="Named again")

    services.takedown_entry(make.owner_of(blog), entry, reason="Court order")

    assert Entry.objects.get(pk=entry.pk).subtitle == ""
