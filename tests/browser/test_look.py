"""How the reader's pages look and finish, in Chromium at 1280 and 390 px, light and dark:
the compact embed (?limit=N) stays live; axe finds nothing serious on the reader page, a
permalink, the embed and the home page; tables scroll inside their box; figures use the
column; no page logs an error (the favicon). Screenshots of each are kept as artifacts."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Frame, Page, expect

from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields, EntryFields
from bulletin.blogs.models import Entry
from bulletin.reader import embedding
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE, api, artifacts_dir
from tests.factories import Factory
from tests.realtime.conftest import Newsroom, api_publish
from tests.realtime.support import Server

RESULTS = (
    "<p>First results from the county count:</p>"
    "<table><caption>Seats won, county council</caption>"
    '<thead><tr><th scope="col">Party</th><th scope="col">Seats</th><th scope="col">Change</th>'
    '<th scope="col">Votes</th><th scope="col">Share of the vote</th>'
    '<th scope="col">Turnout in held wards</th></tr></thead>'
    "<tbody><tr><td>Harbour Independents</td><td>12</td><td>+4</td><td>18,204</td>"
    "<td>38.1%</td><td>41.0%</td></tr><tr><td>Coastal Alliance</td><td>9</td><td>-2</td>"
    "<td>14,977</td><td>31.4%</td><td>39.2%</td></tr></tbody></table>"
)
# Its request is held by the phone test (never answered): the space the image keeps while it
# loads is what its width and height say.
SLOW_IMAGE = "/media/harbour-at-dawn.jpg"
FIGURE = (
    f'<figure><img src="{SLOW_IMAGE}" alt="The harbour at dawn" width="640" height="360">'
    "<figcaption>A figure the width of the column</figcaption></figure>"
)
WAIT_MS = 10_000


# --- helpers ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def host_site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """Another site (another origin): a folder of pages served on a port of its own."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)  # polling for the port to open, not waiting on the page
    try:
        yield tmp_path, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _shown_headlines(frame: Frame) -> list[str]:
    return frame.locator("#stream > article.entry:visible .entry__headline").all_inner_texts()


def _wait_for_headlines(frame: Frame, expected: list[str]) -> None:
    frame.wait_for_function(
        """(expected) => JSON.stringify([...document.querySelectorAll(
               '#stream > article.entry:not([hidden]) .entry__headline')]
               .map((h) => h.textContent.trim())) === JSON.stringify(expected)""",
        arg=expected,
        timeout=WAIT_MS,
    )


@cache
def _picture() -> bytes:
    """A 640 by 360 picture: sky, sea and a harbour wall."""
    image = Image.new("RGB", (640, 360), (120, 170, 210))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 200, 640, 360), fill=(30, 80, 120))
    draw.rectangle((380, 150, 640, 230), fill=(90, 90, 90))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _serve_picture(reader: Any) -> None:
    reader.context.route(
        f"**{SLOW_IMAGE}", lambda route: route.fulfill(body=_picture(), content_type="image/png")
    )


def _publish(room: Newsroom, headline: str, **fields: Any) -> Entry:
    fields.setdefault("body", f"<p>{headline}: what we know so far.</p>")
    return services.publish_entry(room.editor, room.blog, EntryFields(headline=headline, **fields))


# --- the compact embed ----------------------------------------------------------------------


def test_the_compact_embed_shows_the_latest_three_and_stays_live(
    newsroom, serve, reader_factory, host_site
):
    folder, host = host_site
    server: Server = serve()
    ids = [api_publish(server, newsroom, f"Update {n}") for n in range(6)]
    services.set_key_points(newsroom.editor, newsroom.blog, [("Ferries cancelled", None)])
    reader = reader_factory(server)
    # The snippet as the live page offers it, limit and all, pasted into another site.
    live = reader.open(f"/live/{newsroom.blog.slug}")
    snippet = live.locator(".embed-code textarea").nth(1).input_value()
    assert 'data-bulletin-limit="5"' in snippet
    snippet = snippet.replace('data-bulletin-limit="5"', 'data-bulletin-limit="3"')
    snippet = snippet.replace("http://127.0.0.1:8000", server.base)
    (folder / "article.html").write_text(
        f"<!doctype html><title>Article</title><h1>Our story</h1>{snippet}<p>After the blog.</p>"
    )

    page = reader.context.new_page()
    page.goto(f"{host}/article.html")
    frame_element = page.wait_for_selector("iframe", timeout=WAIT_MS)
    assert "limit=3" in (frame_element.get_attribute("src") or "")
    frame = frame_element.content_frame()
    assert frame is not None
    frame.wait_for_selector("#stream > article.entry")
    _wait_for_headlines(frame, ["Update 5", "Update 4", "Update 3"])
    assert frame.locator("#key-points").count() == 0
    more = frame.get_by_role("link", name="More on the live page")
    assert more.get_attribute("href") == f"/live/{newsroom.blog.slug}"
    # The host page's iframe is the height of three entries, not of the whole blog.
    page.wait_for_function(
        "() => parseInt(document.querySelector('iframe').style.height || '0') > 0",
        timeout=WAIT_MS,
    )

    # A new entry comes in at the top, and the oldest of the three leaves.
    api_publish(server, newsroom, "Update 6")
    _wait_for_headlines(frame, ["Update 6", "Update 5", "Update 4"])

    # An edit applies in place.
    api(
        server,
        newsroom,
        "PATCH",
        f"/entries/{ids[5]}",
        {"headline": "Update 5, corrected"},
        headers={"If-Match": '"1"'},
    )
    _wait_for_headlines(frame, ["Update 6", "Update 5, corrected", "Update 4"])

    # A deleted entry leaves, and the next older one takes its place.
    api(server, newsroom, "DELETE", f"/entries/{ids[4]}")
    _wait_for_headlines(frame, ["Update 6", "Update 5, corrected", "Update 3"])
    assert len(_shown_headlines(frame)) == 3

    frame_height = int(page.evaluate("parseInt(document.querySelector('iframe').style.height)"))
    inner = frame.evaluate("document.documentElement.scrollHeight")
    assert abs(frame_height - inner) <= 2
    page.screenshot(path=artifacts_dir() / "look-embed-limit-3-in-article.png", full_page=True)


# What the page's announcer says, every time it speaks (it is emptied before each message).
_RECORD_ANNOUNCEMENTS = """() => {
    window.announced = [];
    const announcer = document.getElementById("announcer");
    new MutationObserver(() => {
        if (announcer.textContent) window.announced.push(announcer.textContent);
    }).observe(announcer, { childList: true, characterData: true, subtree: true });
}"""


def test_the_compact_embed_keeps_edits_to_older_entries_out_of_sight_and_unannounced(
    newsroom: Newsroom, serve: Any, reader_factory: Any
) -> None:
    server: Server = serve()
    start = datetime.now(UTC) - timedelta(hours=1)

    def at(minutes: float) -> str:
        return (start + timedelta(minutes=minutes)).isoformat()

    ids = [api_publish(server, newsroom, f"Update {n}", display_at=at(n)) for n in range(10)]
    reader = reader_factory(server)
    # The latest three shown (9, 8, 7), five behind them hidden (6 to 2); 1 and 0 not held.
    page = reader.open_following(f"/live/{newsroom.blog.slug}/embed?limit=3")
    _wait_for_headlines(page.main_frame, ["Update 9", "Update 8", "Update 7"])
    page.evaluate(_RECORD_ANNOUNCEMENTS)

    def edit(entry_id: int, headline: str) -> None:
        api(
            server,
            newsroom,
            "PATCH",
            f"/entries/{entry_id}",
            {"headline": headline},
            headers={"If-Match": '"1"'},
        )

    edit(ids[0], "Update 0, corrected")  # older than all the embed holds
    edit(ids[4], "Update 4, corrected")  # held, hidden
    # Published now but dated between two hidden ones: it joins them, unseen.
    late = api_publish(server, newsroom, "A late report", display_at=at(4.5))
    newest = api_publish(server, newsroom, "Update 10")

    _wait_for_headlines(page.main_frame, ["Update 10", "Update 9", "Update 8"])
    # Changes apply in order, so the earlier ones were announced before this one, if at all.
    page.wait_for_function(
        "() => window.announced.includes('New update: Update 10')", timeout=WAIT_MS
    )
    assert page.evaluate("window.announced") == ["New update: Update 10"]
    expect(page.locator("#new-updates")).to_be_hidden()
    assert page.locator(f"#entry-{ids[0]}").count() == 0
    expect(page.locator(f"#entry-{ids[4]} .entry__headline")).to_have_text("Update 4, corrected")
    expect(page.locator(f"#entry-{ids[4]}")).to_be_hidden()
    expect(page.locator(f"#entry-{late}")).to_be_hidden()
    held = page.eval_on_selector_all(
        "#stream > article.entry", "els => els.map((e) => +e.dataset.entryId)"
    )
    # No more held than the page came with: the oldest hidden ones (2, then 3) left it.
    assert held == [newest, *reversed(ids[5:]), late, ids[4]]

    # A deleted entry still leaves, and the next older one takes its place, unannounced.
    api(server, newsroom, "DELETE", f"/entries/{ids[9]}")
    _wait_for_headlines(page.main_frame, ["Update 10", "Update 8", "Update 7"])
    assert page.evaluate("window.announced") == ["New update: Update 10"]


def test_the_compact_embed_left_open_all_night_holds_no_more_than_it_came_with(
    newsroom: Newsroom, serve: Any, reader_factory: Any
) -> None:
    server: Server = serve()
    # Fewer entries than the widget shows: the page's reserve, not what it came with, is the cap.
    first = [api_publish(server, newsroom, f"Update {n}") for n in range(2)]
    reader = reader_factory(server)
    page = reader.open_following(f"/live/{newsroom.blog.slug}/embed?limit=3")
    _wait_for_headlines(page.main_frame, ["Update 1", "Update 0"])

    later = [api_publish(server, newsroom, f"Update {n}") for n in range(2, 14)]

    _wait_for_headlines(page.main_frame, ["Update 13", "Update 12", "Update 11"])
    held_most = 3 + embedding.RESERVE
    page.wait_for_function(
        "(most) => document.querySelectorAll('#stream > article.entry').length === most",
        arg=held_most,
        timeout=WAIT_MS,
    )
    held = page.eval_on_selector_all(
        "#stream > article.entry", "els => els.map((e) => +e.dataset.entryId)"
    )
    assert held == list(reversed([*first, *later]))[:held_most]

    # A deleted entry still leaves, and the next older one, from the reserve, takes its place.
    api(server, newsroom, "DELETE", f"/entries/{later[-1]}")
    _wait_for_headlines(page.main_frame, ["Update 12", "Update 11", "Update 10"])
    assert page.locator("#stream > article.entry").count() == held_most - 1


# --- every page, at both widths, in both schemes ----------------------------------------------


def _newsroom_with_everything(room: Newsroom) -> dict[str, str]:
    """A blog with a table, a figure, a "Full story" card, key points and a pinned entry,
    plus an ended blog: the paths of the pages to look at."""
    services.update_blog(
        room.editor,
        room.blog,
        BlogFields(description="Gales and flooding along the coast: updates as they happen."),
    )
    _publish(room, "Counting begins", body=RESULTS, key_event=True)
    _publish(room, "The harbour at dawn", body=FIGURE)
    _publish(
        room,
        "Ferries cancelled",
        breaking=True,
        related_url="https://www.example.org/ferries",
        related_title="All ferry routes suspended until Friday",
    )
    latest = _publish(room, "Roads closed along the coast")
    services.set_key_points(room.editor, room.blog, [("Ferries cancelled", None)])
    services.pin_entry(room.editor, room.blog, latest)
    make = Factory()
    ended = make.blog(title="Election night", description="Results as they came in.")
    make.entry(ended, headline="Final result")
    services.end_coverage(make.owner_of(ended), ended)
    slug = room.blog.slug
    return {
        "reader": f"/live/{slug}",
        "permalink": f"/live/{slug}/e/{latest.pk}",
        "embed": f"/live/{slug}/embed?limit=3",
        "embed-whole": f"/live/{slug}/embed",
        "home": "/",
    }


def _no_page_overflow(page: Page, what: str) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{what} is {wide} px wider than the screen"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_every_page_is_accessible_fits_the_screen_and_is_photographed(
    newsroom, serve, reader_factory, viewport, scheme
):
    paths = _newsroom_with_everything(newsroom)
    server = serve()
    reader = reader_factory(server, viewport=viewport, color_scheme=scheme)
    _serve_picture(reader)

    for name, path in paths.items():
        page = reader.open(path)
        page.wait_for_load_state("networkidle")
        assert_accessible(page, f"the {name} page at {viewport['width']} px, {scheme}")
        _no_page_overflow(page, f"the {name} page at {viewport['width']} px")
        page.screenshot(
            path=artifacts_dir() / f"look-{name}-{viewport['width']}-{scheme}.png", full_page=True
        )
        page.close()


def test_tables_scroll_in_their_box_and_figures_use_the_column_on_a_phone(
    newsroom, serve, reader_factory
):
    paths = _newsroom_with_everything(newsroom)
    server = serve()
    reader = reader_factory(server, viewport=PHONE)
    held: list[Any] = []
    reader.context.route(
        f"**{SLOW_IMAGE}", lambda route: held.append(route)
    )  # still loading, all along
    page = reader.open(paths["reader"], wait_until="domcontentloaded")

    box = page.locator(".entry__table").first
    assert box.get_attribute("aria-label") == "Seats won, county council"
    assert box.evaluate("(el) => el.scrollWidth > el.clientWidth")  # it scrolls, the page not
    _no_page_overflow(page, "the reader page")
    box.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.entry__table').scrollLeft > 0", timeout=WAIT_MS
    )
    figure = page.locator(".entry__body figure").first
    body_width = figure.evaluate("(el) => el.closest('.entry__body').getBoundingClientRect().width")
    assert figure.bounding_box()["width"] == pytest.approx(body_width, abs=1)
    image = figure.locator("img")
    ratio = image.evaluate(
        "(img) => img.getBoundingClientRect().width / img.getBoundingClientRect().height"
    )
    assert ratio == pytest.approx(640 / 360, rel=0.02)
    card = page.locator(".entry__related").first
    assert card.inner_text().split("\n")[:3] == [
        "FULL STORY",
        "All ferry routes suspended until Friday",
        "example.org",
    ]


def test_the_live_badge_holds_its_contrast_in_dark_mode(newsroom, serve, reader_factory):
    server = serve()
    page = reader_factory(server, color_scheme="dark").open(f"/live/{newsroom.blog.slug}")

    colours = page.locator("#status-badge").evaluate(
        "(el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]"
    )

    assert colours == ["rgb(255, 255, 255)", "rgb(199, 0, 0)"]  # 5.9:1


def test_no_page_asks_for_a_missing_icon(newsroom, serve, reader_factory):
    server = serve()
    reader = reader_factory(server)
    failed: list[str] = []
    reader.context.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)

    for path in ("/", f"/live/{newsroom.blog.slug}", f"/live/{newsroom.blog.slug}/embed"):
        page = reader.open(path)
        page.wait_for_load_state("networkidle")
        icon = page.evaluate("() => document.querySelector('link[rel=icon]').href")
        assert icon == f"{server.base}/static/reader/favicon.svg"
        assert (
            page.evaluate("async (url) => (await fetch(url)).headers.get('content-type')", icon)
            == "image/svg+xml"
        )
        page.close()
    # Where browsers look by themselves (pages without a link: the API's, the admin's).
    guessed = reader.context.request.get(f"{server.base}/favicon.ico")

    assert guessed.status == 200
    assert guessed.url == f"{server.base}/static/reader/favicon.svg"
    assert failed == []
