"""An entry is rendered once at write time, in its blog's language and time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bulletin.blogs import services
from bulletin.blogs.dates import time_label
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Entry, Media
from bulletin.blogs.rendering import entry_json, render_entry, render_entry_html

# 14:32 UTC on a winter day is 09:32 in New York and 15:32 in Berlin.
MOMENT = datetime(2026, 1, 27, 14, 32, tzinfo=UTC)


def stored(entry: Entry) -> Entry:
    return Entry.objects.get(pk=entry.pk)


def image(**fields) -> Media:
    values = {
        "file": "2026/01/flood.jpg",
        "alt": "Water over the quay",
        "width": 1200,
        "height": 800,
    }
    values.update(fields)
    return Media.objects.create(**values)


@pytest.mark.parametrize(
    ("zone", "language", "local"),
    [
        # The blog's language sets the conventions (CLDR): US 12-hour, Britain and Germany 24.
        ("America/New_York", "en-us", "9:32 AM EST"),
        ("America/New_York", "en", "9:32 AM EST"),
        ("Europe/Berlin", "de", "15:32 MEZ"),
        ("Europe/London", "en-gb", "14:32 GMT"),
        ("UTC", "en-gb", "14:32 UTC"),
        ("Asia/Kolkata", "en-gb", "20:02 GMT+5:30"),
    ],
)
def test_the_time_is_shown_in_the_blogs_time_zone(make, zone, language, local):
    blog = make.blog(timezone=zone, language=language)

    html = stored(make.entry(blog, display_at=MOMENT)).html

    assert f'<time datetime="2026-01-27T14:32:00Z">{local}</time>' in html


def test_the_article_carries_its_anchor_id_and_revision(make):
    entry = make.entry(make.blog())

    html = stored(entry).html

    assert html.startswith("<article")
    assert f'id="entry-{entry.pk}"' in html
    assert f'data-entry-id="{entry.pk}" data-revision="1"' in html


def test_the_headline_is_escaped_text_not_markup(make):
    html = stored(make.entry(make.blog(), headline="<b>Mayor</b> & <script>x</script>")).html

    assert (
        '<h2 class="entry__headline">&lt;b&gt;Mayor&lt;/b&gt; &amp; '
        "&lt;script&gt;x&lt;/script&gt;</h2>" in html
    )
    assert "<b>" not in html
    assert "<script>" not in html


def test_the_sanitised_body_is_written_as_html(make):
    html = stored(make.entry(make.blog(), body="<p>Roads <strong>closed</strong></p>")).html

    assert '<div class="entry__body"><p>Roads <strong>closed</strong></p></div>' in html


def test_authors_are_listed_by_their_byline(make):
    blog = make.blog()
    first = make.member(blog, "contributor", display_name="Ana Reporter")
    second = make.member(blog, "contributor", first_name="Ben", last_name="Writer")

    html = stored(make.entry(blog, author_ids=[first.pk, second.pk])).html

    assert (
        '<span class="entry__author">Ana Reporter</span> and '
        '<span class="entry__author">Ben Writer</span>' in html
    )


def test_an_attached_image_is_a_figure_with_alt_caption_and_credit(make):
    photo = image(
        caption="The quay at noon",
        credit="Jo Lens / Agency",
        variants={"480": "2026/01/flood-480.webp", "960": "2026/01/flood-960.webp"},
    )

    html = stored(make.entry(make.blog(), image_id=photo.pk)).html

    assert '<figure class="entry__image">' in html
    assert '<img src="/media/2026/01/flood.jpg"' in html
    assert 'srcset="/media/2026/01/flood-480.webp 480w, /media/2026/01/flood-960.webp 960w"' in html
    assert 'alt="Water over the quay"' in html
    assert 'width="1200" height="800"' in html
    assert (
        "<figcaption>The quay at noon "
        '<span class="entry__credit">Jo Lens / Agency</span></figcaption>' in html
    )


def test_image_words_are_escaped(make):
    photo = image(alt='"><script>x</script>', caption="<i>c</i>")

    html = stored(make.entry(make.blog(), image_id=photo.pk)).html

    assert "<script>" not in html
    assert "<i>" not in html
    assert 'alt="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


def test_a_video_embed_is_a_click_to_load_placeholder_without_an_iframe(make):
    html = stored(
        make.entry(make.blog(), embed_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    ).html

    assert 'data-provider="youtube"' in html
    assert 'data-frame-url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert "View on YouTube" in html
    assert "<iframe" not in html


def test_an_unknown_url_is_a_link_card_with_its_title(make):
    html = stored(
        make.entry(
            make.blog(), embed_url="https://council.example/report", embed_title="Flood report"
        )
    ).html

    assert (
        '<a class="entry__card" href="https://council.example/report" '
        'rel="noopener noreferrer nofollow">' in html
    )
    assert "<strong>Flood report</strong>" in html


def test_a_related_story_is_a_full_story_card_with_its_site_and_an_arrow(make):
    html = stored(
        make.entry(
            make.blog(),
            related_url="https://www.news.example/flood",
            related_title="How the flood began",
        )
    ).html

    assert (
        '<a class="entry__related" href="https://www.news.example/flood">'
        '<span class="entry__related-label">Full story</span> '
        '<span class="entry__related-title">How the flood began</span> '
        '<span class="entry__related-host">news.example</span>'
        '<span class="entry__related-arrow" aria-hidden="true">→</span></a>' in html
    )


def test_a_table_scrolls_in_its_own_named_box_on_the_page_and_stays_bare_in_feeds(make):
    table = "<table><caption>Seats &amp; votes</caption><tbody><tr><td>12</td></tr></tbody></table>"
    entry = stored(make.entry(make.blog(), body=f"<p>Results:</p>{table}<table></table>"))

    assert entry.html.count('<div class="entry__table" role="region" tabindex="0"') == 2
    assert f'aria-label="Seats &amp; votes">{table}</div>' in entry.html
    assert 'aria-label="Table"><table></table></div>' in entry.html
    assert "entry__table" not in render_entry_html(entry, feed=True)


def test_a_correction_note_is_shown(make):
    blog = make.blog()
    entry = make.entry(blog)

    services.update_entry(
        make.owner_of(blog),
        entry,
        EntryFields(body="<p>Two hurt.</p>"),
        correction_note="We said three people were hurt; it was two.",
    )

    assert (
        '<p class="entry__correction"><strong>Correction:</strong> '
        "We said three people were hurt; it was two.</p>" in stored(entry).html
    )


def test_an_entry_edited_after_publication_says_updated_in_local_time(make):
    blog = make.blog(timezone="America/New_York")
    entry = make.entry(blog)
    assert "Updated" not in stored(entry).html

    services.update_entry(make.owner_of(blog), entry, EntryFields(headline="New words"))

    edited = stored(entry)
    local = edited.edited_at.astimezone(ZoneInfo("America/New_York"))
    label = time_label(local, "America/New_York", edited.blog.language)
    stamp = entry_json(edited)["edited_at"]
    assert f'Updated <time datetime="{stamp}">{label}</time>' in edited.html


def test_flags_show_as_classes_and_labels(make):
    html = stored(make.entry(make.blog(), key_event=True, breaking=True)).html

    assert 'class="entry entry--key-event entry--breaking"' in html
    assert "Breaking" in html
    assert "Key event" in html


def test_a_draft_has_no_none_in_its_time_element(make):
    html = stored(make.entry(make.blog(), status="draft")).html

    assert "None" not in html


def test_entry_json_has_every_field_readers_and_the_api_use(make):
    blog = make.blog(slug="flood-live")
    author = make.member(blog, "editor", display_name="Ana Reporter")
    photo = image(caption="Quay", credit="Jo")
    entry = stored(
        make.entry(
            blog,
            headline="Quay flooded",
            body="<p>Deep water.</p>",
            author_ids=[author.pk],
            image_id=photo.pk,
            embed_url="https://youtu.be/dQw4w9WgXcQ",
            related_url="https://news.example/a",
            related_title="Background",
            key_event=True,
            display_at=MOMENT,
        )
    )

    data = entry_json(entry)

    assert data == {
        "id": entry.pk,
        "blog": "flood-live",
        "revision": 1,
        "status": "published",
        "headline": "Quay flooded",
        "subtitle": "",
        "body": "<p>Deep water.</p>",
        "authors": [{"id": author.pk, "name": "Ana Reporter"}],
        "contributors": [],
        "guest_byline": "",
        "image": {
            "id": photo.pk,
            "url": "/media/2026/01/flood.jpg",
            "alt": "Water over the quay",
            "caption": "Quay",
            "credit": "Jo",
            "width": 1200,
            "height": 800,
            "srcset": "",
        },
        "embed": {
            "provider": "youtube",
            "provider_name": "YouTube",
            "url": "https://youtu.be/dQw4w9WgXcQ",
            "id": "dQw4w9WgXcQ",
            "frame_url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "title": "",
            "description": "",
            "author": "",
            "handle": "",
            "date": "",
        },
        "embeds": [data["embed"]],
        "related": {"url": "https://news.example/a", "title": "Background"},
        "key_event": True,
        "breaking": False,
        "display_at": "2026-01-27T14:32:00Z",
        "published_at": data["published_at"],
        "scheduled_for": None,
        "edited_at": None,
        "correction_note": "",
        "url": f"/live/flood-live/e/{entry.pk}",
        "anchor": f"entry-{entry.pk}",
    }
    assert data["published_at"].endswith("Z")


def test_render_entry_returns_the_json_and_the_html_stored_on_write(make):
    entry = stored(make.entry(make.blog()))

    data, html = render_entry(entry)

    assert data == entry_json(entry)
    assert html == entry.html


def test_an_upload_in_the_body_gets_its_width_and_height_so_its_space_is_kept(make, settings):
    settings.SITE_URL = "https://news.example"
    Media.objects.create(file="2026/01/quay.jpg", alt="The quay", width=1200, height=800)
    body = (
        '<figure><img src="/media/2026/01/quay.jpg" alt="The quay"></figure>'
        '<p><img src="https://news.example/media/2026/01/quay.jpg" alt="Again"></p>'
        '<p><img src="https://elsewhere.example/media/2026/01/quay.jpg" alt="Elsewhere"></p>'
        '<p><img src="/media/2026/01/quay.jpg" alt="Sized" width="300" height="100"></p>'
        '<p><img src="/media/unknown.jpg" alt="Unknown"></p>'
    )

    html = stored(make.entry(make.blog(), body=body)).html

    assert '<img src="/media/2026/01/quay.jpg" alt="The quay" width="1200" height="800">' in html
    assert 'alt="Again" width="1200" height="800">' in html
    assert 'alt="Elsewhere">' in html
    assert 'alt="Sized" width="300" height="100">' in html
    assert 'alt="Unknown">' in html
