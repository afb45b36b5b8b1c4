"""Social post cards in Chromium, on a desktop and a 390 px phone: the quoted words show at
once, the provider's widget loads only after the reader clicks (and only that one), an entry
holds several cards, a card can stand inside the text, and hostile card text never runs."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Entry
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE, api, artifacts_dir
from tests.realtime.conftest import Newsroom

X_POST = "https://x.com/hmcoastguard/status/1751234567890123456"
BLUESKY_POST = "https://bsky.app/profile/caddlewater.bsky.social/post/3lbq7xk2vmt2d"
X_CARD = {
    "url": X_POST,
    "author": "HM Coastguard",
    "handle": "@hmcoastguard",
    "description": "Stay away from the harbour wall. Waves are breaking over it.",
    "date": "2026-01-27T14:32:00Z",
}
BLUESKY_CARD = {
    "url": BLUESKY_POST,
    "author": "Caddle Water Board",
    "handle": "@caddlewater.bsky.social",
    "description": "Drone pictures from this morning: Quay Street is still under water.",
    "date": "2026-01-28",
}
WIDGET_HOSTS = {"platform.twitter.com", "embed.bsky.app"}


def _publish(room: Newsroom, headline: str, **fields: Any) -> Entry:
    return services.publish_entry(
        room.editor, room.blog, EntryFields.read({"headline": headline, **fields})
    )


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_post_cards_show_their_words_and_load_a_widget_only_on_its_own_click(
    newsroom, serve, reader_factory, name, viewport
):
    entry = _publish(
        newsroom,
        "The coastguard's warning",
        body=(
            "<p>Before the post: the coastguard asked people to keep away.</p>"
            f'<p><a href="{X_POST}">{X_POST}</a></p>'
            "<p>After the post: the promenade is closed.</p>"
        ),
        embeds=[X_CARD, BLUESKY_CARD],
    )
    reader = reader_factory(serve(), allow_hosts=WIDGET_HOSTS, viewport=viewport)
    page = reader.open(f"/live/{newsroom.blog.slug}")
    article = page.locator(f"#entry-{entry.pk}")
    x_card = article.locator(".entry__embed[data-provider=x]")
    bluesky_card = article.locator(".entry__embed[data-provider=bluesky]")

    # The words readers came for, without loading anything from X or Bluesky.
    expect(x_card.locator(".post__text")).to_have_text(X_CARD["description"])
    expect(x_card.locator(".post__author")).to_have_text("HM Coastguard")
    expect(x_card.locator(".post__handle")).to_have_text("@hmcoastguard")
    expect(x_card.locator(".post__date")).to_have_text("27 January 2026, 14:32")
    expect(bluesky_card.locator(".post__text")).to_be_visible()
    expect(bluesky_card.locator(".post__date")).to_have_text("28 January 2026")
    # The X card stands where its link was, inside the text; Bluesky's follows the text.
    assert article.locator(".entry__body > .entry__embed[data-provider=x]").count() == 1
    between = article.locator(".entry__body > *").evaluate_all(
        "nodes => nodes.map(node => node.textContent.trim().slice(0, 16))"
    )
    assert between[0].startswith("Before the post")
    assert between[2].startswith("After the post")
    assert article.locator(".entry__body > .entry__embed[data-provider=bluesky]").count() == 0
    # Nothing fits badly on a phone: the card is no wider than the entry.
    card_box, entry_box = x_card.bounding_box(), article.bounding_box()
    assert card_box is not None
    assert entry_box is not None
    assert card_box["x"] + card_box["width"] <= entry_box["x"] + entry_box["width"] + 1
    assert x_card.locator("iframe").count() == 0
    assert bluesky_card.locator("iframe").count() == 0
    expect(x_card.locator("button.entry__embed-load")).to_have_text("Load content from X")
    assert reader.watch.external == []
    assert_accessible(page, f"post cards ({name})")
    page.screenshot(path=artifacts_dir() / f"post-cards-{name}.png", full_page=True)

    x_card.locator("button.entry__embed-load").click()

    frame = x_card.locator("iframe")
    frame.wait_for()
    assert (frame.get_attribute("src") or "").startswith(
        "https://platform.twitter.com/embed/Tweet.html?id=1751234567890123456"
    )
    x_card.frame_locator("iframe").locator("p").wait_for()  # the stand-in answered
    assert all(url.startswith("https://platform.twitter.com/") for url in reader.watch.external)
    assert bluesky_card.locator("iframe").count() == 0  # its own click, not this one
    expect(x_card.locator(".post__text")).to_be_visible()  # the quoted words stay


def test_every_widget_the_reader_loaded_keeps_running_through_an_edit_of_its_entry(
    newsroom, serve, reader_factory
):
    entry = _publish(newsroom, "The coastguard's warning", embeds=[X_CARD, BLUESKY_CARD])
    server = serve()
    reader = reader_factory(server, allow_hosts=WIDGET_HOSTS)
    page = reader.open_following(f"/live/{newsroom.blog.slug}")
    article = page.locator(f"#entry-{entry.pk}")
    cards = {
        "x": article.locator(".entry__embed[data-provider=x]"),
        "bluesky": article.locator(".entry__embed[data-provider=bluesky]"),
    }
    # Both loaded, the second first; each stand-in's document is marked, so that a frame
    # that loaded again (a new document) would show it.
    for name in ("bluesky", "x"):
        cards[name].locator("button.entry__embed-load").click()
        cards[name].frame_locator("iframe").locator("p").evaluate("p => { p.id = 'kept'; }")
    asked = len(reader.watch.external)

    api(
        server,
        newsroom,
        "PATCH",
        f"/entries/{entry.pk}",
        {"headline": "The coastguard's warning, updated"},
        headers={"If-Match": '"1"'},
    )

    expect(article.locator(".entry__headline")).to_have_text("The coastguard's warning, updated")
    for name in ("x", "bluesky"):
        expect(cards[name].frame_locator("iframe").locator("p#kept")).to_have_count(1)
        expect(cards[name].locator(".post__text")).to_be_visible()  # the words stay too
        assert cards[name].locator("button.entry__embed-load").count() == 0
    assert len(reader.watch.external) == asked  # nothing asked of X or Bluesky again

    # An embed whose post changed is a new one: its old frame goes, its button comes back.
    other = {**BLUESKY_CARD, "url": BLUESKY_POST.replace("3lbq7xk2vmt2d", "3lbq9zz4abc2d")}
    api(
        server,
        newsroom,
        "PATCH",
        f"/entries/{entry.pk}",
        {"embeds": [X_CARD, other]},
        headers={"If-Match": '"2"'},
    )

    expect(cards["bluesky"].locator("button.entry__embed-load")).to_be_visible()
    assert cards["bluesky"].locator("iframe").count() == 0
    expect(cards["x"].frame_locator("iframe").locator("p#kept")).to_have_count(1)


def test_hostile_card_text_never_runs_in_the_browser(newsroom, serve, reader_factory):
    hostile = '"><img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'
    entry = _publish(
        newsroom,
        "Hostile card",
        embeds=[
            {
                "url": X_POST,
                "author": hostile,
                "handle": hostile,
                "description": hostile,
                "title": hostile,
            },
            {"url": "https://example.com/report", "title": hostile, "description": hostile},
        ],
    )
    reader = reader_factory(serve(), allow_hosts=WIDGET_HOSTS)
    page = reader.open(f"/live/{newsroom.blog.slug}")
    card = page.locator(f"#entry-{entry.pk} .entry__embed[data-provider=x]")

    expect(card.locator(".post__text")).to_have_text(hostile)
    assert page.evaluate("() => window.pwned") is None
    assert page.locator(f"#entry-{entry.pk} img[src=x]").count() == 0
    assert page.locator(f"#entry-{entry.pk} script").count() == 0
