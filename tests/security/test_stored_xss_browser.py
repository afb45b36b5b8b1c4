"""Stored XSS, checked in a real Chromium: hostile text written through the API and the desk
(headlines, bodies, key points, the blog's title, captions, credits, correction notes, embed
and link titles, bylines) never runs on the reader page, a permalink, the embed page, the
desk, an entry's history or the activity log, whether the page was rendered with it or
received it live over SSE.

Each page is checked four ways: ``window.pwned`` stays undefined, no dialog opens, the browser
reports no Content-Security-Policy violation (a blocked attempt still means hostile markup got
into the page), and the live DOM holds no event handler attribute, script URL or inline script.
Links and buttons of the hostile entries are clicked where that stays on this machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from playwright.sync_api import ConsoleMessage, Dialog, Page

from bulletin.accounts.models import User
from bulletin.blogs import media, services
from bulletin.blogs.fields import BlogFields, EntryFields
from bulletin.blogs.models import Entry, LiveBlog
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    Reader,
    _orm_beside_playwright,
    browser,
    reader_factory,
)
from tests.browser.conftest import api as browser_api
from tests.factories import Factory
from tests.realtime.conftest import serve  # noqa: F401  (a fixture)
from tests.realtime.support import Server
from tests.security.support import XSS_TEXTS, png_bytes

WAIT_MS = 10_000  # generous: a pushed change normally shows within a fraction of a second
# <img src=x> would log a 404 (a console error fails a browser test): a file that is there but
# is no image fires the same error event, which is what a surviving onerror would wait for.
NOT_AN_IMAGE = "/static/reader/live.js"
PAYLOADS = [text.replace("src=x", f"src={NOT_AN_IMAGE}") for text in XSS_TEXTS]
HOSTILE = " ".join(PAYLOADS)
ATTRIBUTE = '" onmouseover="window.pwned=1" autofocus onfocus="window.pwned=1" x="'
BODY = (
    "<p>Body</p>"
    '<p><a href="javascript:window.pwned=1">js link</a> '
    '<a href="/desk/">same-site link</a></p>'
    '<blockquote cite="javascript:window.pwned=1"><p>quote</p><cite>'
    + ATTRIBUTE
    + "</cite></blockquote>"
    + '<p style="background:url(javascript:window.pwned=1)" onclick="window.pwned=1">styled</p>'
    + "".join(PAYLOADS)
)
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
FRAME_HOST = "www.youtube-nocookie.com"

_RECORD = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""

# What in the live DOM could run: handler attributes, script URLs, inline scripts.
_ACTIVE_PARTS = """
() => {
  const found = [];
  const urlAttributes = ["href", "src", "action", "formaction", "cite", "data", "poster"];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(`${element.tagName} ${name}`);
      if (urlAttributes.includes(name) && /^(javascript|vbscript|data:text)/.test(value)) {
        found.push(`${element.tagName} ${name}=${value.slice(0, 60)}`);
      }
      if (name === "style" && value.includes("javascript:")) found.push(`${element.tagName} style`);
    }
    if (element.tagName === "SCRIPT" && !element.src && !/json/.test(element.type)) {
      found.push(`inline script ${element.textContent.slice(0, 60)}`);
    }
    if (["IFRAME", "FRAME", "OBJECT", "EMBED"].includes(element.tagName)) {
      const source = element.src || element.data || "";
      if (!source.startsWith("https://www.youtube-nocookie.com/")) {
        found.push(`${element.tagName} ${source.slice(0, 60)}`);
      }
    }
  }
  return found;
}
"""

# Fire every handler a hostile attribute could have hung on an element.
_STIR = """
(root) => {
  for (const element of root.querySelectorAll("*")) {
    for (const kind of ["mouseover", "mouseenter", "pointerover", "focus", "blur", "load"]) {
      element.dispatchEvent(new Event(kind));
    }
  }
}
"""


@dataclass
class Room:
    """A live blog full of hostile text, its owner's API token and desk session."""

    blog: LiveBlog
    owner: User
    token: str
    session: str
    entries: list[Entry] = field(default_factory=list)


@pytest.fixture
def data_dir(tmp_path: Path, settings: Any) -> Path:
    """The server's data folder; images stored by this process land where it serves them."""
    folder = tmp_path / "data"
    settings.MEDIA_ROOT = folder / "media"
    return folder


@pytest.fixture
def room(transactional_db: None, data_dir: Path) -> Room:
    make = Factory()
    owner = make.staff()
    owner.display_name = HOSTILE[:120]
    owner.save()
    blog = make.blog(owner, title="Harbour storm Live Updates")
    client = Client()
    client.force_login(owner)
    return Room(blog, owner, make.token(owner), client.cookies["sessionid"].value)


def start(launch: Any, data_dir: Path) -> Server:
    # The same secret as this process: the session cookie it made must be good there too.
    server: Server = launch(data_dir=str(data_dir), secret_key=django_settings.SECRET_KEY)
    return server


def api(server: Server, room: Room, method: str, path: str, body: Any = None) -> Any:
    # Edits name the revision they start from; here always the first.
    headers = {"If-Match": '"1"'} if method == "PATCH" else None
    return browser_api(server, room, method, path, body, headers)


def desk_post(room: Room, path: str, data: dict[str, Any]) -> None:
    """A form post through the desk's own views (in this process, committed)."""
    client = Client()
    client.force_login(room.owner)
    response = client.post(f"/desk/{room.blog.slug}/{path}", data)
    assert response.status_code == 303, response.content[:300]


def fill_with_hostile_text(room: Room, server: Server) -> None:
    """Hostile text in every field, half through the desk's forms, half through the API."""
    photo = media.save_image(
        room.owner,
        room.blog,
        SimpleUploadedFile("quay.png", png_bytes((64, 48)), content_type="image/png"),
        alt=ATTRIBUTE,
        caption=HOSTILE,
        credit=ATTRIBUTE,
    )
    desk_post(
        room,
        "settings",
        {"title": PAYLOADS[2][:150], "description": HOSTILE, "slug": room.blog.slug},
    )
    desk_post(
        room,
        "entries",
        {
            "action": "publish",
            "headline": HOSTILE,
            "body": BODY,
            "image_id": str(photo.pk),
            "image_alt": ATTRIBUTE,
            "image_caption": HOSTILE,
            "image_credit": ATTRIBUTE,
            "embed_url": "https://example.com/story?q=<script>",
            "embed_title": HOSTILE,
            "embed_description": ATTRIBUTE,
            "related_url": "https://example.org/background",
            "related_title": HOSTILE,
            "key_event": "on",
            "breaking": "on",
        },
    )
    by_desk = Entry.objects.get(blog=room.blog, headline=HOSTILE)
    desk_post(
        room,
        f"entries/{by_desk.pk}/edit",
        {
            "action": "save",
            "revision": "1",
            "headline": HOSTILE,
            "body": BODY,
            "correction_note": HOSTILE,
            "image_id": str(photo.pk),
            "image_alt": ATTRIBUTE,
            "image_caption": HOSTILE,
            "image_credit": ATTRIBUTE,
        },
    )
    created = api(
        server,
        room,
        "POST",
        "/entries",
        {
            "headline": ATTRIBUTE,
            "body": BODY,
            "embed_url": YOUTUBE,
            "embed_title": HOSTILE,
            "related_url": "https://example.org/more",
            "related_title": ATTRIBUTE,
        },
    )
    api(server, room, "PATCH", f"/entries/{created['id']}", {"correction_note": ATTRIBUTE})
    api(
        server,
        room,
        "PUT",
        "/key-points",
        {"key_points": [{"text": PAYLOADS[0], "entry_id": created["id"]}, {"text": HOSTILE}]},
    )
    api(server, room, "POST", f"/entries/{created['id']}/pin")
    room.entries = [Entry.objects.get(pk=by_desk.pk), Entry.objects.get(pk=created["id"])]


@dataclass
class Watched:
    page: Page
    dialogs: list[str]


def open_watched(reader: Reader, path: str, following: bool = False) -> Watched:
    """The page on ``path``, its dialogs watched; ``following``: once its live stream answered."""
    page = reader.context.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", dismiss)
    if following:
        with page.expect_response(lambda answer: answer.url.split("?")[0].endswith("/events")):
            page.goto(reader.server.base + path, wait_until="load")
    else:
        page.goto(reader.server.base + path, wait_until="load")
    return Watched(page, dialogs)


def assert_nothing_ran(watched: Watched) -> None:
    page = watched.page
    page.wait_for_timeout(200)  # images fail to load, handlers would fire
    assert page.evaluate("window.pwned") is None, page.url
    assert watched.dialogs == [], page.url
    assert page.evaluate("window.__violations") == [], page.url
    assert page.evaluate(_ACTIVE_PARTS) == [], page.url


def stir_and_click(watched: Watched, scope: str, visited: set[str] | None = None) -> int:
    """Fire every handler an element of ``scope`` could carry, then click its buttons and the
    links that stay on this machine (each link in a page of its own, once: ``visited`` holds
    the addresses already followed). Returns the clicks."""
    visited = set() if visited is None else visited
    page = watched.page
    host = page.evaluate("location.host")
    clicks = 0
    blocks = page.locator(scope)
    for number in reversed(range(blocks.count())):
        block = blocks.nth(number)
        if not block.count():
            continue  # taken away by what an earlier click did
        block.evaluate(_STIR)
        for link in block.locator("a[href]").all():
            protocol = link.evaluate("a => a.protocol")
            assert protocol in {"http:", "https:", "mailto:"}, link.get_attribute("href")
            if link.evaluate("a => a.host") != host:
                continue  # leaves the machine: the scheme check above is what matters
            if not link.is_visible():
                continue  # in a closed <details>, say: nobody can click it
            target = link.evaluate("a => a.href")
            if target in visited or page.request.get(target).status >= 400:
                continue  # followed already, or a draft's permalink: nothing there to run
            visited.add(target)
            # Into a tab of its own (unless the page's script handles the click), so this
            # page stays; closed at once, since every open page holds a stream and Chromium
            # opens at most six connections to a host.
            open_before = list(page.context.pages)
            link.click(modifiers=["Control"])
            page.wait_for_timeout(100)
            for tab in page.context.pages:
                if tab not in open_before:
                    tab.wait_for_url(lambda url: url != "about:blank")
                    tab.wait_for_load_state("load")
                    assert_nothing_ran(Watched(tab, []))
                    tab.close()
            clicks += 1
        buttons = block.locator("button[type=button]:visible")
        # From the last: a button that replaces itself (an embed's "Load") moves no other.
        for index in reversed(range(buttons.count())):
            button = buttons.nth(index)
            if button.count():
                button.click(timeout=5_000)
                clicks += 1
    return clicks


@pytest.fixture
def reader_of(reader_factory: Any) -> Iterator[Any]:  # noqa: F811
    """A browser context signed in to the desk, recording CSP violations on every page."""
    made: list[tuple[Reader, list[str]]] = []

    def build(server: Server, room: Room) -> Reader:
        reader: Reader = reader_factory(server, allow_hosts={FRAME_HOST})
        reader.context.add_init_script(_RECORD)
        no_icon: list[str] = []
        reader.context.on("console", lambda message: _missing_icon(message, no_icon))
        made.append((reader, no_icon))
        reader.context.add_cookies(
            [{"name": "sessionid", "value": room.session, "url": server.base}]
        )
        return reader

    yield build
    for reader, no_icon in made:
        # A tab opened by a click asks for /favicon.ico, which the reader's pages do not name
        # (and Playwright cannot intercept): that 404 says nothing about hostile text.
        for error in no_icon:
            if error in reader.watch.errors:
                reader.watch.errors.remove(error)


def _missing_icon(message: ConsoleMessage, seen: list[str]) -> None:
    if message.location.get("url", "").endswith("/favicon.ico") and message.page is not None:
        seen.append(f"console error on {message.page.url}: {message.text}")


def test_stored_hostile_text_never_runs_on_any_page(
    room,
    serve,  # noqa: F811
    data_dir,
    reader_of,
):
    server = start(serve, data_dir)
    fill_with_hostile_text(room, server)
    reader = reader_of(server, room)
    slug = room.blog.slug
    by_desk, by_api = room.entries
    pages = {
        f"/live/{slug}": "#stream > article, #key-points, #pinned, header",
        f"/live/{slug}/e/{by_desk.pk}": "article",
        f"/live/{slug}/e/{by_api.pk}": "article",
        f"/live/{slug}/embed": "article",
        f"/desk/{slug}/": ".desk-entry",
        f"/desk/{slug}/entries/{by_desk.pk}/history": "main",
        f"/desk/{slug}/entries/{by_api.pk}/history": "main",
        f"/desk/{slug}/entries/{by_desk.pk}/edit": ".preview-frame",
        f"/desk/{slug}/activity": "main",
        "/desk/": "main",
    }
    clicks = 0
    visited: set[str] = set()
    for path, scope in pages.items():
        watched = open_watched(reader, path)
        assert watched.page.url.startswith(server.base + path.split("?")[0]), watched.page.url
        assert_nothing_ran(watched)
        clicks += stir_and_click(watched, scope, visited)
        assert_nothing_ran(watched)
        watched.page.close()
    assert clicks > 10
    # The words are there, as words.
    page = open_watched(reader, f"/live/{slug}").page
    assert PAYLOADS[2] in page.locator(f"#entry-{by_desk.pk} .entry__headline").inner_text()
    assert HOSTILE in page.locator(f"#entry-{by_desk.pk} figcaption").inner_text()
    assert HOSTILE in page.locator(f"#entry-{by_desk.pk} .entry__correction").inner_text()
    assert PAYLOADS[0] in page.locator("#key-points-list").inner_text()


def test_hostile_text_pushed_live_never_runs_on_an_open_reader_or_desk_page(
    room,
    serve,  # noqa: F811
    data_dir,
    reader_of,
):
    server = start(serve, data_dir)
    reader = reader_of(server, room)
    slug = room.blog.slug
    reading = open_watched(reader, f"/live/{slug}", following=True)
    working = open_watched(reader, f"/desk/{slug}/", following=True)

    created = api(
        server,
        room,
        "POST",
        "/entries",
        {
            "headline": HOSTILE,
            "body": BODY,
            "embed_url": YOUTUBE,
            "embed_title": ATTRIBUTE,
            "related_url": "https://example.org/more",
            "related_title": HOSTILE,
        },
    )
    services.update_blog(room.owner, room.blog, BlogFields(title=PAYLOADS[2][:150]))
    api(server, room, "PUT", "/key-points", {"key_points": [{"text": HOSTILE}]})
    api(server, room, "PATCH", f"/entries/{created['id']}", {"correction_note": ATTRIBUTE})
    services.save_draft(room.owner, room.blog, EntryFields(headline=ATTRIBUTE, body=BODY))

    entry = f"#entry-{created['id']}"
    reading.page.locator(f"{entry} .entry__correction").wait_for(timeout=WAIT_MS)
    reading.page.locator("#key-points-list").filter(has_text=PAYLOADS[0]).wait_for(timeout=WAIT_MS)
    working.page.locator(".desk-entry").filter(has_text=PAYLOADS[2]).first.wait_for(timeout=WAIT_MS)
    working.page.locator(".desk-entry").filter(has_text=ATTRIBUTE).first.wait_for(timeout=WAIT_MS)
    for watched, scope in ((reading, f"{entry}, #key-points"), (working, ".desk-entry")):
        assert_nothing_ran(watched)
        stir_and_click(watched, scope)
        assert_nothing_ran(watched)
    assert HOSTILE in reading.page.locator(f"{entry} .entry__headline").inner_text()
