"""Embeds are recognised offline, by pattern; anything unknown is a link card."""

from __future__ import annotations

import pytest

from bulletin.blogs.embeds import recognise
from bulletin.errors import ValidationFailed
from bulletin.providers import PROVIDER_NAMES

YOUTUBE_FRAME = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
        "https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ?t=10",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "https://www.youtube.com/live/dQw4w9WgXcQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
    ],
)
def test_youtube_urls_play_from_youtube_nocookie(url):
    embed = recognise(url)

    assert (embed.provider, embed.id, embed.frame_url) == ("youtube", "dQw4w9WgXcQ", YOUTUBE_FRAME)
    assert embed.url == url


def test_vimeo_plays_from_the_player_with_do_not_track():
    embed = recognise("https://vimeo.com/76979871")

    assert (embed.provider, embed.id, embed.frame_url) == (
        "vimeo",
        "76979871",
        "https://player.vimeo.com/video/76979871?dnt=1",
    )


@pytest.mark.parametrize(
    ("url", "provider", "ident", "frame_url"),
    [
        (
            "https://x.com/nws/status/1751234567890123456",
            "x",
            "1751234567890123456",
            "https://platform.twitter.com/embed/Tweet.html?id=1751234567890123456&dnt=true",
        ),
        (
            "https://twitter.com/nws/status/1751234567890123456",
            "x",
            "1751234567890123456",
            "https://platform.twitter.com/embed/Tweet.html?id=1751234567890123456&dnt=true",
        ),
        (
            "https://mobile.twitter.com/nws/status/17512345678",
            "x",
            "17512345678",
            "https://platform.twitter.com/embed/Tweet.html?id=17512345678&dnt=true",
        ),
        (
            "https://bsky.app/profile/news.bsky.social/post/3kabcdef",
            "bluesky",
            "news.bsky.social/post/3kabcdef",
            "https://embed.bsky.app/embed/news.bsky.social/app.bsky.feed.post/3kabcdef",
        ),
        (
            "https://www.instagram.com/p/C2abcDEF/",
            "instagram",
            "C2abcDEF",
            "https://www.instagram.com/p/C2abcDEF/embed/",
        ),
        (
            "https://www.instagram.com/reel/C2abcDEF/",
            "instagram",
            "C2abcDEF",
            "https://www.instagram.com/p/C2abcDEF/embed/",
        ),
        (
            "https://www.tiktok.com/@newsroom/video/7321234567890123456",
            "tiktok",
            "7321234567890123456",
            "https://www.tiktok.com/embed/v2/7321234567890123456",
        ),
        (
            "https://www.facebook.com/cityfire/posts/pfbid02abc",
            "facebook",
            "cityfire/posts/pfbid02abc",
            "https://www.facebook.com/plugins/post.php?href="
            "https%3A%2F%2Fwww.facebook.com%2Fcityfire%2Fposts%2Fpfbid02abc",
        ),
        (
            "https://www.facebook.com/cityfire/videos/12345678",
            "facebook",
            "cityfire/videos/12345678",
            "https://www.facebook.com/plugins/video.php?href="
            "https%3A%2F%2Fwww.facebook.com%2Fcityfire%2Fvideos%2F12345678",
        ),
        ("https://fb.watch/abcDEF12/", "facebook", "abcDEF12", ""),
        (
            "https://t.me/citynews/4821",
            "telegram",
            "citynews/4821",
            "https://t.me/citynews/4821?embed=1",
        ),
    ],
)
def test_social_posts_get_their_providers_widget_built_from_the_id_alone(
    url, provider, ident, frame_url
):
    embed = recognise(url)

    assert (embed.provider, embed.id, embed.frame_url) == (provider, ident, frame_url)


def test_a_post_card_keeps_the_words_the_journalist_quoted():
    embed = recognise(
        "https://x.com/hmcoastguard/status/1751234567890123456",
        author="HM Coastguard",
        handle="@hmcoastguard",
        description="Stay away from the harbour wall.",
        date="2026-01-27T14:32:00Z",
    )

    assert embed.as_dict() == {
        "provider": "x",
        "url": "https://x.com/hmcoastguard/status/1751234567890123456",
        "id": "1751234567890123456",
        "frame_url": "https://platform.twitter.com/embed/Tweet.html?id=1751234567890123456&dnt=true",
        "title": "",
        "description": "Stay away from the harbour wall.",
        "author": "HM Coastguard",
        "handle": "@hmcoastguard",
        "date": "2026-01-27T14:32:00Z",
    }


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/story",
        "http://news.example/live",
        "https://youtube.com.evil.example/shorts/dQw4w9WgXcQ",
        "https://evil.example/?u=https://youtu.be/dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=no",
        "https://www.youtube.com/@channel",
        "https://x.com/nws",
    ],
)
def test_anything_else_is_a_link_card(url):
    embed = recognise(url, title="Read the report", description="From the council")

    assert embed.as_dict() == {
        "provider": "link",
        "url": url,
        "id": "",
        "frame_url": "",
        "title": "Read the report",
        "description": "From the council",
        "author": "",
        "handle": "",
        "date": "",
    }


def test_host_matching_ignores_case():
    assert recognise("HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ").provider == "youtube"


def test_surrounding_space_is_ignored():
    assert recognise("  https://youtu.be/dQw4w9WgXcQ \n").url == "https://youtu.be/dQw4w9WgXcQ"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example/video.mp4",
        "youtube.com/watch?v=dQw4w9WgXcQ",
        "//youtu.be/dQw4w9WgXcQ",
        "https://",
    ],
)
def test_urls_that_are_not_http_are_refused_saying_what_came(url):
    with pytest.raises(ValidationFailed) as refused:
        recognise(url)

    assert refused.value.message == f"embed_url: must be an http(s) URL, got {url[:80]!r}"
    assert refused.value.fields.keys() == {"embed_url"}


def test_a_url_over_1000_characters_is_refused():
    url = "https://example.org/" + "a" * 1000

    with pytest.raises(ValidationFailed) as refused:
        recognise(url)

    assert refused.value.message == "embed_url: must be at most 1000 characters, got 1020"


def test_every_provider_has_a_display_name():
    providers = {
        "youtube",
        "vimeo",
        "x",
        "bluesky",
        "instagram",
        "tiktok",
        "facebook",
        "telegram",
        "link",
    }

    assert providers <= PROVIDER_NAMES.keys()


# --- placing embeds in the text (bulletin.blogs.placement) ------------------------------------


def test_a_paragraph_that_is_only_an_embeds_link_becomes_its_place():
    from bulletin.blogs.placement import Piece, place

    url = "https://x.com/a/status/123456?s=20&t=abc"
    body = (
        "<p>One.</p>"
        '<p><a href="https://x.com/a/status/123456?s=20&amp;t=abc" rel="noopener">see</a></p>'
        '<p><a href="https://x.com/a/status/123456?s=20&amp;t=abc">again</a></p>'
        '<p>Text <a href="https://youtu.be/dQw4w9WgXcQ/">video</a></p>'
    )

    pieces, after = place(body, [url, "https://youtu.be/dQw4w9WgXcQ"])

    assert pieces == [
        Piece(html="<p>One.</p>"),
        Piece(embed=0),
        # Placed once; a link inside a sentence is left alone.
        Piece(
            html=body[body.index('<p><a href="https://x.com/a/status/123456?s=20&amp;t=abc">') :]
        ),
    ]
    assert after == [1]


def test_a_body_without_lone_links_is_one_piece_and_every_embed_follows():
    from bulletin.blogs.placement import Piece, place

    assert place("<p>Only words.</p>", ["https://x.com/a/status/123456"]) == (
        [Piece(html="<p>Only words.</p>")],
        [0],
    )
    assert place("", []) == ([], [])
