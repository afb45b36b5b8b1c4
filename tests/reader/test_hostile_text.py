"""Hostile text in every field a reader sees comes out as text, never as markup."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from bulletin.accounts.models import User
from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields, EntryFields

pytestmark = pytest.mark.django_db


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [f"{tag}[{name}]" for name, _ in attrs if name.startswith("on")]


def _event_handlers(html: str) -> list[str]:
    parser = _Attributes()
    parser.feed(html)
    return parser.handlers


ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'</title>'


def test_hostile_strings_in_every_reader_field_never_become_markup(make, client):
    owner = make.staff()
    owner.display_name = ATTACK
    owner.save()
    blog = services.create_blog(
        owner, BlogFields(slug="hostile", title=f"Title {ATTACK}", description=f"About {ATTACK}")
    )
    blog = services.go_live(owner, blog)
    services.publish_entry(
        owner,
        blog,
        EntryFields(
            headline=f"Headline {ATTACK}",
            body=f"<p>Body {ATTACK}</p>",
            embed_url="https://example.com/?q=<script>",
            embed_title=ATTACK,
            embed_description=ATTACK,
            related_url="https://example.com/a",
            related_title=ATTACK,
        ),
    )
    services.set_key_points(owner, blog, [f"Point {ATTACK}"])

    pages = [
        client.get(path).content.decode()
        for path in (
            "/live/hostile",
            "/live/hostile/embed",
            "/live/hostile/feed.atom",
            "/live/hostile/feed.rss",
        )
    ]

    for html in pages:
        assert "<script>alert" not in html
        assert _event_handlers(html) == []
    # The one script element the page has is the JSON-LD, which cannot be closed early.
    page = pages[0]
    assert page.count("</script>") == page.count("<script")
    assert "\\u003c/script\\u003e" in page or "\\u003cscript" in page
    assert User.objects.filter(display_name=ATTACK).exists()
