"""Social post cards: several embeds per entry, each a card with the words the journalist
quoted, placed in the text where its link stands alone or after the text; set through the
API (``embeds``, and the older ``embed_*`` fields as the first embed) and the desk; kept by
revisions and export files, wiped by a takedown, filled from a fake provider when allowed."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client

from bulletin.blogs import oembed, services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Entry
from bulletin.blogs.transfer import export_blog, import_blog
from bulletin.desk.history import revision_html
from tests.api.support import Api, error_of, json_of
from tests.blogs.oembed_fake import FakeProvider, provider

__all__ = ["provider"]

X_POST = "https://x.com/hmcoastguard/status/1751234567890123456"
BLUESKY_POST = "https://bsky.app/profile/caddlewater.bsky.social/post/3lbq7xk2vmt2d"
HOSTILE = '"><script>window.pwned=1</script><img src=x onerror=alert(1)>'

X_CARD = {
    "url": X_POST,
    "author": "HM Coastguard",
    "handle": "@hmcoastguard",
    "description": "Stay away from the harbour wall.\nWaves are breaking over it.",
    "date": "2026-01-27T14:32:00Z",
}
BLUESKY_CARD = {
    "url": BLUESKY_POST,
    "author": "Caddle Water Board",
    "handle": "@caddlewater.bsky.social",
    "description": "Drone pictures: Quay Street still under water.",
    "date": "2026-01-28",
}


@pytest.fixture
def newsroom(make):
    blog = make.blog(title="Harbour storm Live Updates", timezone="Europe/London")
    owner = make.owner_of(blog)
    return blog, owner, Api(Client(), make.token(owner))


def test_an_entry_carries_several_post_cards_with_the_words_quoted(newsroom):
    blog, _owner, api = newsroom
    body = "<p>The coastguard's warning:</p>"

    data = json_of(
        api.post(f"/blogs/{blog.slug}/entries", {"body": body, "embeds": [X_CARD, BLUESKY_CARD]}),
        201,
    )

    assert [embed["provider"] for embed in data["embeds"]] == ["x", "bluesky"]
    assert data["embed"] == data["embeds"][0]  # the first, for older readers of the API
    assert data["embeds"][0]["author"] == "HM Coastguard"
    assert data["embeds"][1]["date"] == "2026-01-28"
    html = data["html"]
    assert html.count('class="entry__embed entry__post"') == 2
    assert '<strong class="post__author">HM Coastguard</strong>' in html
    assert '<span class="post__handle">@hmcoastguard</span>' in html
    assert "Stay away from the harbour wall.<br>Waves are breaking over it." in html
    assert '<span class="post__date">27 January 2026, 14:32</span>' in html  # GMT in January
    assert '<span class="post__date">28 January 2026</span>' in html
    assert "View on X" in html
    assert "View on Bluesky" in html
    # Both follow the text, in order, each with its provider's widget for a click.
    assert html.index("HM Coastguard") < html.index("Caddle Water Board")
    assert "<iframe" not in html
    assert (
        'data-frame-url="https://platform.twitter.com/embed/Tweet.html?id=1751234567890123456'
        in html
    )


def test_a_post_whose_link_stands_alone_in_the_text_shows_there(newsroom):
    blog, _owner, api = newsroom
    body = (
        "<p>Before the post.</p>"
        f'<p><a href="{X_POST}">{X_POST}</a></p>'
        "<p>After the post.</p>"
        f'<p>A sentence that links <a href="{BLUESKY_POST}">the water board</a> in passing.</p>'
    )

    data = json_of(
        api.post(f"/blogs/{blog.slug}/entries", {"body": body, "embeds": [X_CARD, BLUESKY_CARD]}),
        201,
    )

    html = data["html"]
    inside = html[html.index('<div class="entry__body">') : html.index("After the post.")]
    assert "Before the post." in inside
    assert "HM Coastguard" in inside  # the card took the bare link's place
    assert f'<p><a href="{X_POST}"' not in html
    # A link inside a sentence stays a link; that post's card follows the text.
    assert html.index("After the post.") < html.index("Caddle Water Board")
    assert "in passing" in html
    # The stored body is as sent: the API's readers still see the link.
    assert X_POST in data["body"]


def test_the_older_embed_fields_still_set_the_first_embed(newsroom):
    blog, _owner, api = newsroom
    data = json_of(
        api.post(
            f"/blogs/{blog.slug}/entries",
            {
                "headline": "Coastguard",
                "embed_url": X_POST,
                "embed_author": "HM Coastguard",
                "embed_handle": "@hmcoastguard",
                "embed_description": "Stay away.",
                "embed_date": "2026-01-27",
            },
        ),
        201,
    )
    path = f"/blogs/{blog.slug}/entries/{data['id']}"

    assert data["embeds"][0]["author"] == "HM Coastguard"

    # Sending embeds replaces them all; then embed_title changes the first and keeps the rest.
    replaced = json_of(api.patch(path, {"embeds": [X_CARD, BLUESKY_CARD]}, if_match="1"))
    edited = json_of(api.patch(path, {"embed_description": "Corrected words."}, if_match="2"))

    assert [embed["url"] for embed in replaced["embeds"]] == [X_POST, BLUESKY_POST]
    assert edited["embeds"][0]["description"] == "Corrected words."
    assert edited["embeds"][0]["author"] == "HM Coastguard"
    assert edited["embeds"][1] == replaced["embeds"][1]

    removed = json_of(api.patch(path, {"embed_url": ""}, if_match="3"))
    assert [embed["url"] for embed in removed["embeds"]] == [BLUESKY_POST]


def test_embed_fields_sent_with_embeds_change_its_first_item(newsroom):
    blog, _owner, api = newsroom

    data = json_of(
        api.post(
            f"/blogs/{blog.slug}/entries",
            {"headline": "x", "embeds": [X_CARD, BLUESKY_CARD], "embed_author": "Coastguard"},
        ),
        201,
    )

    assert [embed["author"] for embed in data["embeds"]] == ["Coastguard", "Caddle Water Board"]


@pytest.mark.parametrize(
    ("card", "field", "expected"),
    [
        ({"url": ""}, "embeds[0].url", "must not be empty"),
        ({"url": "javascript:alert(1)"}, "embeds[0].url", "must be an http(s) URL"),
        ({"url": X_POST, "date": "yesterday"}, "embeds[0].date", "must be a date like"),
        ({"url": X_POST, "date": "2026-01-27T14:32"}, "embeds[0].date", "needs its offset"),
        ({"url": X_POST, "handle": "x" * 101}, "embeds[0].handle", "at most 100 characters"),
        ({"url": X_POST, "colour": "red"}, "embeds[0].colour", ""),
    ],
)
def test_a_bad_card_is_refused_naming_its_field(newsroom, card, field, expected):
    blog, _owner, api = newsroom

    error = error_of(api.post(f"/blogs/{blog.slug}/entries", {"embeds": [card]}), 400)

    assert field in error["fields"]
    assert expected in error["fields"][field]


def test_more_than_ten_embeds_are_refused(newsroom):
    blog, _owner, api = newsroom

    error = error_of(api.post(f"/blogs/{blog.slug}/entries", {"embeds": [X_CARD] * 11}), 400)

    assert "embeds" in error["fields"]


def test_hostile_card_text_is_escaped_everywhere_it_is_printed(newsroom, client):
    blog, _owner, api = newsroom
    hostile = {
        "url": X_POST,
        "author": HOSTILE,
        "handle": HOSTILE,
        "description": HOSTILE,
        "title": HOSTILE,
    }
    json_of(api.post(f"/blogs/{blog.slug}/entries", {"headline": "x", "embeds": [hostile]}), 201)

    page = client.get(f"/live/{blog.slug}").content.decode()

    assert "<script>window.pwned" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page


def test_a_takedown_wipes_the_cards_words(newsroom, make):
    blog, owner, _api = newsroom
    entry = make.entry(blog, embeds=[X_CARD])

    services.takedown_entry(owner, entry, reason="Court order")

    entry.refresh_from_db()
    assert entry.embeds == []
    assert "HM Coastguard" not in entry.html


def test_revisions_keep_the_cards_and_history_shows_them(newsroom, make):
    blog, owner, _api = newsroom
    entry = make.entry(blog, embeds=[X_CARD])
    services.update_entry(owner, entry, EntryFields.read({"embeds": [BLUESKY_CARD]}))

    first = revision_html(Entry.objects.get(pk=entry.pk), 1)

    assert first is not None
    assert "HM Coastguard" in first
    assert "Caddle" not in first
    assert entry.revisions.get(revision=2).data["embeds"][0]["author"] == "Caddle Water Board"


def test_history_shows_an_embed_saved_before_entries_had_several(newsroom, make):
    blog, _owner, _api = newsroom
    entry = make.entry(blog)
    revision = entry.revisions.get(revision=1)
    revision.data = {**revision.data, "embed": {"provider": "link", "url": "https://a.example/"}}
    revision.data.pop("embeds", None)
    revision.save()

    html = revision_html(entry, 1)

    assert html is not None
    assert 'href="https://a.example/"' in html


def test_export_and_import_keep_every_card_and_read_older_files(newsroom, make):
    blog, _owner, _api = newsroom
    make.entry(blog, embeds=[X_CARD, BLUESKY_CARD])
    out = io.StringIO()
    export_blog(blog, out)
    data: dict[str, Any] = json.loads(out.getvalue())

    copied = import_blog(data, slug="storm-copy")
    [entry] = Entry.objects.filter(blog=copied.blog)

    assert [(e["author"], e["date"]) for e in entry.embeds] == [
        ("HM Coastguard", "2026-01-27T14:32:00Z"),
        ("Caddle Water Board", "2026-01-28"),
    ]
    # A file from before several embeds: one "embed", recognised again from its URL.
    [old] = data["entries"]
    old["embed"] = {"url": X_POST, "title": "", "description": "Old words", "frame_url": "x"}
    del old["embeds"]
    older = import_blog(data, slug="storm-older")
    [entry] = Entry.objects.filter(blog=older.blog)
    assert entry.embeds[0]["description"] == "Old words"
    assert entry.embeds[0]["frame_url"].startswith("https://platform.twitter.com/")


def test_the_desk_sets_several_embeds_and_shows_them_for_editing(newsroom, make):
    blog, owner, _api = newsroom
    client = Client()
    client.force_login(owner)
    posted = {
        "action": "publish",
        "headline": "Two posts",
        "body": "<p>Posts from the coast.</p>",
        "embed_url": [X_POST, BLUESKY_POST, ""],
        "embed_author": ["HM Coastguard", "Caddle Water Board", ""],
        "embed_handle": ["@hmcoastguard", "", ""],
        "embed_description": ["Stay away.", "", ""],
        "embed_date": ["2026-01-27", "", ""],
        "embed_title": ["", "", ""],
    }

    response = client.post(f"/desk/{blog.slug}/entries", posted)

    assert response.status_code == 303, response.content[:500]
    entry = Entry.objects.get(blog=blog, headline="Two posts")
    assert [(e["provider"], e["author"]) for e in entry.embeds] == [
        ("x", "HM Coastguard"),
        ("bluesky", "Caddle Water Board"),
    ]
    form = client.get(f"/desk/{blog.slug}/entries/{entry.pk}/edit").content.decode()
    assert form.count('name="embed_url"') == 3  # the two, and one to add another
    assert 'value="@hmcoastguard"' in form
    assert "Stay away.</textarea>" in form


def test_the_desk_says_when_a_card_could_not_be_filled_and_saves_anyway(
    newsroom, provider: FakeProvider, settings, monkeypatch
):
    blog, owner, _api = newsroom
    settings.BULLETIN = {
        **settings.BULLETIN,
        "OEMBED_FETCH": True,
        "OEMBED_ENDPOINTS": {"x": provider.base + "/missing"},
    }
    monkeypatch.setattr(oembed, "address_allowed", lambda address: address.is_loopback)
    client = Client()
    client.force_login(owner)

    response = client.post(
        f"/desk/{blog.slug}/entries",
        {"action": "publish", "headline": "Post", "embed_url": X_POST},
        follow=True,
    )

    assert Entry.objects.get(blog=blog, headline="Post").embeds[0]["url"] == X_POST
    assert "could not fill the card from X" in response.content.decode()


def test_the_api_fills_an_empty_card_from_the_provider_when_allowed(
    newsroom, provider: FakeProvider, settings, monkeypatch
):
    blog, _owner, api = newsroom
    settings.BULLETIN = {
        **settings.BULLETIN,
        "OEMBED_FETCH": True,
        "OEMBED_ENDPOINTS": {"x": provider.base + "/oembed"},
    }
    monkeypatch.setattr(oembed, "address_allowed", lambda address: address.is_loopback)

    data = json_of(
        api.post(f"/blogs/{blog.slug}/entries", {"headline": "Post", "embeds": [{"url": X_POST}]}),
        201,
    )

    assert data["warnings"] == []
    assert data["embeds"][0]["author"] == "HM Coastguard"
    assert data["embeds"][0]["handle"] == "@hmcoastguard"
    assert "Waves are breaking over it." in data["html"]


def test_the_api_writes_the_entry_and_warns_when_the_provider_fails(
    newsroom, provider: FakeProvider, settings, monkeypatch
):
    blog, _owner, api = newsroom
    settings.BULLETIN = {
        **settings.BULLETIN,
        "OEMBED_FETCH": True,
        "OEMBED_ENDPOINTS": {"x": provider.base + "/slow"},
        "OEMBED_TIMEOUT_SECONDS": 0.3,
    }
    monkeypatch.setattr(oembed, "address_allowed", lambda address: address.is_loopback)

    data = json_of(
        api.post(
            f"/blogs/{blog.slug}/entries",
            {"headline": "Post", "embeds": [{"url": X_POST, "title": "Kept"}]},
        ),
        201,
    )

    assert data["warnings"] == [
        "embeds[0]: could not fill the card from X (127.0.0.1 did not answer within 0.3 s); "
        "kept the fields as sent"
    ]
    assert data["embeds"][0]["title"] == "Kept"
    assert data["embeds"][0]["author"] == ""
