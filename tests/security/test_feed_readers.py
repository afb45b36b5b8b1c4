"""Feeds read the way feed readers read them: the XML (or JSON) is parsed, then every title,
summary and content is rendered as HTML. Hostile text written through the services must
never become a live tag there, in Atom, RSS or JSON Feed, key-events variants included.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from django.test import Client
from playwright.sync_api import Browser, Dialog, Page

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from tests.browser.conftest import _orm_beside_playwright, browser  # noqa: F401  (fixtures)
from tests.factories import Factory
from tests.security.support import XSS_TEXTS

# Markup shown as text on the site (harmless there), which a careless feed turns live.
QUOTED_MARKUP = "<p>&lt;img src=x onerror=window.pwned=1&gt;</p>"
FEEDS = [
    "feed.atom",
    "feed.rss",
    "feed.json",
    "feed.atom?key_events=1",
    "feed.rss?key_events=1",
    "feed.json?key_events=1",
]
# Where feed readers find HTML: an RSS description (HTML in practice, though RSS never said so)
# and content:encoded; in Atom what says type="html"; in JSON Feed content_html. Fields the
# formats declare as text (titles) are shown as text.
RSS_FIELDS = {"description", "encoded"}
ATOM_FIELDS = {"title", "summary", "content", "subtitle"}
JSON_HTML_FIELDS = {"content_html"}


@pytest.fixture
def hostile_blog(db: None) -> str:
    make = Factory()
    owner = make.staff()
    owner.display_name = XSS_TEXTS[0]
    owner.save()
    blog = make.blog(owner, title=f"Storm {XSS_TEXTS[1]}", description=XSS_TEXTS[2])
    for number, text in enumerate(XSS_TEXTS):
        services.publish_entry(
            owner,
            blog,
            EntryFields(
                headline=f"{number} {text}",
                body=f"{QUOTED_MARKUP}<p>{text}</p>{text}",
                key_event=True,
            ),
        )
    services.publish_entry(owner, blog, EntryFields(body=QUOTED_MARKUP, key_event=True))
    return blog.slug


def _xml_html(body: bytes, rss: bool) -> Iterator[str]:
    for element in ET.fromstring(body).iter():  # noqa: S314  (our own feed)
        local = element.tag.rsplit("}", 1)[-1]
        if not element.text:
            continue
        declared_html = element.get("type") in {"html", "xhtml"}
        if (local in RSS_FIELDS) if rss else (local in ATOM_FIELDS and declared_html):
            yield element.text


def _json_html(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in JSON_HTML_FIELDS and isinstance(item, str):
                yield item
            else:
                yield from _json_html(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_html(item)


def _rendered_as_html(page: Page, html: str) -> tuple[object, list[str], int]:
    page.set_content(f"<!doctype html><body>{html}</body>")
    page.wait_for_timeout(50)  # let an image's onerror fire, if one got through
    tags = page.eval_on_selector_all("body *", "els => els.map(e => e.tagName.toLowerCase())")
    handlers = page.evaluate(
        "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
        ".filter(a => a.name.startsWith('on')).length"
    )
    return page.evaluate("window.pwned"), tags, handlers


@pytest.mark.parametrize("feed", FEEDS)
def test_hostile_text_never_becomes_live_markup_in_a_feed_reader(
    feed: str,
    hostile_blog: str,
    browser: Browser,  # noqa: F811  (the fixture imported above)
) -> None:
    response = Client().get(f"/live/{hostile_blog}/{feed}")
    assert response.status_code == 200
    body = response.content
    if ".json" in feed:
        texts = list(_json_html(json.loads(body)))
    else:
        texts = list(_xml_html(body, rss=".rss" in feed))
    assert len(texts) > len(XSS_TEXTS)  # the hostile entries are in the feed

    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        for text in texts:
            pwned, tags, handlers = _rendered_as_html(page, text)
            assert pwned is None, f"ran script from {text!r}"
            assert handlers == 0, f"event handler from {text!r}"
            assert "script" not in tags, f"live script from {text!r}"
            assert "svg" not in tags, f"live svg from {text!r}"
    finally:
        context.close()
    assert dialogs == []


def test_rss_description_keeps_quoted_markup_as_text(hostile_blog: str) -> None:
    body = Client().get(f"/live/{hostile_blog}/feed.rss").content
    feed = ET.fromstring(body)  # noqa: S314  (our own feed)
    descriptions = [e.text or "" for e in feed.iter("description")]
    # Escaped once for HTML inside the XML: a reader shows the brackets, never an <img>.
    assert any("&lt;img src=x onerror=window.pwned=1&gt;" in text for text in descriptions)
    assert not any("<img" in text for text in descriptions)
