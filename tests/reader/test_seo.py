"""LiveBlogPosting JSON-LD read back with extruct, as a crawler would; Open Graph and Twitter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import extruct
import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields, EntryFields
from bulletin.blogs.models import Entry, LiveBlog, Media
from bulletin.blogs.queries import public_blog
from bulletin.reader import seo

SITE = "http://127.0.0.1:8000"
START = datetime(2026, 1, 27, 6, 0, tzinfo=UTC)
MOMENT = datetime(2026, 1, 27, 14, 32, tzinfo=UTC)
BREAKOUT = "</script><script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.BULLETIN = {**settings.BULLETIN, "PUBLISHER_NAME": "The Harbour Herald"}


def image(**fields) -> Media:
    values = {"file": "2026/01/flood.jpg", "alt": "Water over the quay", "width": 1200}
    values.update(fields)
    return Media.objects.create(**values)


def reread(blog: LiveBlog) -> LiveBlog:
    found = public_blog(blog.slug)
    assert found is not None
    return found


def page_url(blog: LiveBlog) -> str:
    return f"{SITE}/live/{blog.slug}"


def extract(script: str) -> list[dict[str, Any]]:
    """Put the script in a small page and read it back as a crawler would."""
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Live</title>'
        f"{script}</head><body><h1>Live</h1><p>After the script.</p></body></html>"
    )
    found: list[dict[str, Any]] = extruct.extract(html, syntaxes=["json-ld"])["json-ld"]
    return found


def posting_of(blog: LiveBlog, entries: list[Entry]) -> dict[str, Any]:
    data = seo.live_blog_posting(blog, entries, page_url=page_url(blog))
    (found,) = extract(seo.json_ld_script(data))
    assert found == data
    return found


def stream(blog: LiveBlog) -> list[Entry]:
    return list(
        Entry.objects.filter(blog=blog, status="published")
        .order_by("-display_at", "-id")
        .select_related("image")
        .prefetch_related("authors")
    )


@pytest.fixture
def storm(make):
    blog = make.blog(
        title="Harbour storm Live Updates",
        description="Ferries stop as the storm reaches the coast.",
        language="en-gb",
        coverage_start=START,
        cover_image_id=image(file="2026/01/cover.jpg").pk,
    )
    owner = make.owner_of(blog)
    owner.display_name = "Ana Costa"
    owner.save()
    second = make.member(blog, "contributor", display_name="Ben Okafor")
    plain = make.entry(
        blog,
        headline="Sirens sound along the quay",
        body="<p>Police ask people to keep away.</p>",
        display_at=MOMENT,
    )
    key = make.entry(
        blog,
        headline="Ferry service suspended",
        body="<p>All crossings are cancelled.</p><p>Check <em>before</em> you travel.</p>",
        key_event=True,
        image_id=image().pk,
        author_ids=[second.pk, owner.pk],
        display_at=MOMENT + timedelta(minutes=5),
    )
    return reread(blog), plain, key


def test_live_blog_posting_gives_every_field_search_engines_read(storm):
    blog, plain, key = storm

    found = posting_of(blog, stream(blog))

    updates = found.pop("liveBlogUpdate")
    assert found == {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": page_url(blog),
        "headline": "Harbour storm Live Updates",
        "description": "Ferries stop as the storm reaches the coast.",
        "url": page_url(blog),
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url(blog)},
        "image": f"{SITE}/media/2026/01/cover.jpg",
        "datePublished": "2026-01-27T06:00:00Z",
        "dateModified": blog.updated_at.isoformat().replace("+00:00", "Z"),
        "coverageStartTime": "2026-01-27T06:00:00Z",
        "inLanguage": "en-gb",
        "publisher": {"@type": "Organization", "name": "The Harbour Herald", "url": f"{SITE}/"},
        "author": [
            {"@type": "Person", "name": "Ana Costa"},
            {"@type": "Person", "name": "Ben Okafor"},
        ],
    }
    assert updates == [
        {
            "@type": "BlogPosting",
            "headline": "Ferry service suspended",
            "url": f"{page_url(blog)}#entry-{key.pk}",
            "datePublished": "2026-01-27T14:37:00Z",
            "dateModified": "2026-01-27T14:37:00Z",
            "author": [
                {"@type": "Person", "name": "Ana Costa"},
                {"@type": "Person", "name": "Ben Okafor"},
            ],
            "articleBody": "All crossings are cancelled. Check before you travel.",
            "image": f"{SITE}/media/2026/01/flood.jpg",
        },
        {
            "@type": "BlogPosting",
            "headline": "Sirens sound along the quay",
            "url": f"{page_url(blog)}#entry-{plain.pk}",
            "datePublished": "2026-01-27T14:32:00Z",
            "dateModified": "2026-01-27T14:32:00Z",
            "author": [{"@type": "Person", "name": "Ana Costa"}],
            "articleBody": "Police ask people to keep away.",
        },
    ]


def test_updates_follow_the_entries_given_and_their_anchors_are_on_the_live_page(storm):
    blog, plain, _key = storm
    permalink = f"{SITE}/live/{blog.slug}/e/{plain.pk}"

    data = seo.live_blog_posting(blog, [plain], page_url=permalink, live_url=page_url(blog))

    assert data["url"] == permalink
    assert [update["url"] for update in data["liveBlogUpdate"]] == [
        f"{page_url(blog)}#entry-{plain.pk}"
    ]


def test_date_published_stays_while_date_modified_moves_with_each_change(storm, make):
    blog, plain, _key = storm
    before = posting_of(blog, stream(blog))

    services.update_entry(make.owner_of(blog), plain, EntryFields(body="<p>Keep away.</p>"))
    blog = reread(blog)
    plain.refresh_from_db()
    after = posting_of(blog, stream(blog))

    assert after["datePublished"] == before["datePublished"] == "2026-01-27T06:00:00Z"
    assert after["dateModified"] > before["dateModified"]
    assert after["dateModified"] == blog.updated_at.isoformat().replace("+00:00", "Z")
    edited = after["liveBlogUpdate"][1]
    assert edited["datePublished"] == "2026-01-27T14:32:00Z"
    assert edited["dateModified"] == plain.edited_at.isoformat().replace("+00:00", "Z")
    assert edited["articleBody"] == "Keep away."


def test_coverage_end_time_appears_only_once_coverage_has_ended(make):
    blog = make.blog(coverage_start=START)
    owner = make.owner_of(blog)
    assert "coverageEndTime" not in posting_of(reread(blog), [])

    services.end_coverage(owner, blog)
    ended = reread(blog)
    assert ended.coverage_end is not None
    end = ended.coverage_end.isoformat().replace("+00:00", "Z")
    assert posting_of(ended, [])["coverageEndTime"] == end

    services.archive_blog(owner, ended)
    archived = reread(blog)
    assert posting_of(archived, [])["coverageEndTime"] == end
    assert posting_of(archived, [])["coverageStartTime"] == "2026-01-27T06:00:00Z"


def test_a_blog_without_coverage_start_or_cover_uses_its_creation_and_has_no_image(make):
    blog = make.blog(live=False)
    blog = LiveBlog.objects.get(pk=blog.pk)

    data = seo.live_blog_posting(blog, [], page_url=page_url(blog))

    created = blog.created_at.isoformat().replace("+00:00", "Z")
    assert data["datePublished"] == data["coverageStartTime"] == created
    assert "image" not in data
    assert "description" not in data
    assert data["author"] == {"@type": "Organization", "name": "The Harbour Herald"}
    assert data["liveBlogUpdate"] == []


def test_article_body_is_plain_text_capped_near_a_thousand_characters_on_a_word_boundary(make):
    blog = make.blog()
    paragraphs = "".join(
        f"<p>Paragraph {n} says <strong>something</strong>.</p>" for n in range(80)
    )
    make.entry(blog, headline="Long read", body=paragraphs)
    blog = reread(blog)

    body = posting_of(blog, stream(blog))["liveBlogUpdate"][0]["articleBody"]

    whole = " ".join(f"Paragraph {n} says something." for n in range(80))
    assert body.endswith("…")
    assert 900 < len(body) <= seo.ARTICLE_BODY_CHARS
    kept = body.removesuffix("…")
    assert whole.startswith(kept)
    assert whole[len(kept)] in " ."  # cut between words, never inside one
    assert "<" not in body


def test_an_update_without_headline_or_authors_is_named_by_its_words_and_the_publisher(make):
    blog = make.blog()
    make.entry(blog, headline="", body="<p>Ferries are running again.</p>", author_ids=[])
    make.entry(blog, headline="", body='<p><img src="/media/only.jpg" alt="x"></p>')
    blog = reread(blog)

    image_only, words = posting_of(blog, stream(blog))["liveBlogUpdate"]

    assert words["headline"] == "Ferries are running again."
    assert words["author"] == {"@type": "Organization", "name": "The Harbour Herald"}
    # Search engines want both on every update: an update without words is named by its time.
    assert image_only["headline"] == image_only["articleBody"]
    assert image_only["headline"].endswith(" UTC")


def test_a_headline_cannot_break_out_of_the_json_ld_script(make):
    blog = make.blog(title=f"Storm {BREAKOUT}", description="<!-- <script> & \u2028 -->")
    owner = make.owner_of(blog)
    owner.display_name = BREAKOUT
    owner.save()
    make.entry(blog, headline=BREAKOUT, body="<p>&lt;/script&gt;&lt;script&gt;x()</p>")
    blog = reread(blog)
    data = seo.live_blog_posting(blog, stream(blog), page_url=page_url(blog))

    script = seo.json_ld_script(data)

    assert script.startswith('<script type="application/ld+json">')
    assert script.endswith("</script>")
    inner = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    for character in "<>&\u2028":
        assert character not in inner
    assert count_scripts(f"<html><head>{script}</head><body></body></html>") == 1
    (found,) = extract(script)
    assert found["headline"] == f"Storm {BREAKOUT}"
    assert found["description"] == "<!-- <script> & \u2028 -->"
    assert found["liveBlogUpdate"][0]["headline"] == BREAKOUT
    assert found["liveBlogUpdate"][0]["articleBody"] == "</script><script>x()"
    assert found["author"] == [{"@type": "Person", "name": BREAKOUT}]


def count_scripts(html: str) -> int:
    class Scripts(HTMLParser):
        count = 0

        def handle_starttag(self, tag, attrs):
            self.count += tag == "script"

    parser = Scripts()
    parser.feed(html)
    return parser.count


def test_json_ld_script_is_a_safe_string_a_template_writes_as_it_is(storm):
    blog, _plain, _key = storm
    script = seo.json_ld_script(seo.live_blog_posting(blog, [], page_url=page_url(blog)))

    html = Template("<head>{{ ld }}</head>").render(Context({"ld": script}))

    assert isinstance(script, SafeString)
    assert html == f"<head>{script}</head>"


def test_open_graph_describes_a_page_with_an_image_as_a_large_card(storm):
    blog, _plain, _key = storm

    tags = seo.open_graph(
        blog,
        url=f"/live/{blog.slug}",
        title="Harbour storm Live Updates",
        description="Ferries stop.",
        image_url="/media/2026/01/cover.jpg",
    )

    assert tags == [
        ("og:type", "article"),
        ("og:site_name", "The Harbour Herald"),
        ("og:title", "Harbour storm Live Updates"),
        ("og:url", page_url(blog)),
        ("og:locale", "en_GB"),
        ("og:description", "Ferries stop."),
        ("og:image", f"{SITE}/media/2026/01/cover.jpg"),
        ("article:published_time", "2026-01-27T06:00:00Z"),
        ("article:modified_time", blog.updated_at.isoformat().replace("+00:00", "Z")),
        ("twitter:card", "summary_large_image"),
        ("twitter:title", "Harbour storm Live Updates"),
        ("twitter:description", "Ferries stop."),
        ("twitter:image", f"{SITE}/media/2026/01/cover.jpg"),
    ]


def test_open_graph_without_an_image_is_a_summary_card_without_image_tags(make):
    blog = make.blog(language="de", coverage_start=START)
    services.update_blog(make.owner_of(blog), blog, BlogFields(description="Kurz."))
    blog = reread(blog)

    tags = dict(
        seo.open_graph(
            blog,
            url="https://cdn.example/live/x",
            title=BREAKOUT,
            description="",
            image_url=None,
        )
    )

    assert tags["twitter:card"] == "summary"
    assert tags["og:url"] == "https://cdn.example/live/x"
    assert tags["og:title"] == tags["twitter:title"] == BREAKOUT  # raw: the template escapes
    assert tags["og:locale"] == "de"
    assert not {"og:image", "twitter:image", "og:description", "twitter:description"} & set(tags)
