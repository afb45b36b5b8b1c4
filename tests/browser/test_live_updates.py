"""A real Chromium on the live page sees changes made through the API, as they happen."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from playwright.sync_api import expect

from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields, EntryFields
from bulletin.blogs.models import Entry
from tests.browser.conftest import Stopwatch, api
from tests.realtime.conftest import Newsroom, api_publish
from tests.realtime.support import Server

WAIT_MS = 5000  # generous: a change normally shows within a fraction of a second
POLL_WAIT_MS = 15000  # the polling fallback asks every 5 s


def _publish_here(room: Newsroom, headline: str, **fields: Any) -> Entry:
    """Publish from the test process (before a server starts, or while it is down)."""
    body = fields.pop("body", f"<p>{headline}: what we know so far.</p>")
    return services.publish_entry(
        room.editor, room.blog, EntryFields(headline=headline, body=body, **fields)
    )


def _page_path(room: Newsroom) -> str:
    return f"/live/{room.blog.slug}"


def _stream_ids(page: Any) -> list[int]:
    return [
        int(n)
        for n in page.eval_on_selector_all(
            "#stream > article", "els => els.map(e => e.dataset.entryId)"
        )
    ]


def test_a_page_open_in_the_browser_shows_a_new_entry_published_through_the_api(
    newsroom, serve, reader_factory
):
    _publish_here(newsroom, "Storm warning issued", display_at=timezone.now() - timedelta(days=1))
    server = serve()
    page = reader_factory(server).open(_page_path(newsroom))

    watch = Stopwatch("API publish to entry shown in Chromium")
    entry_id = api_publish(server, newsroom, "Harbour wall breached")
    page.wait_for_selector(f"#stream > #entry-{entry_id}", timeout=WAIT_MS)
    watch.stop()

    today = timezone.localtime(timezone.now(), ZoneInfo(newsroom.blog.timezone)).date()
    first = page.locator("#stream > *").first
    assert first.evaluate("el => el.matches('h2.day-divider')")
    assert first.get_attribute("data-day") == today.isoformat()
    assert _stream_ids(page)[0] == entry_id
    assert page.locator("#stream > h2.day-divider").count() == 2
    expect(page.locator("#announcer")).to_contain_text("Harbour wall breached")
    time = page.locator(f"#entry-{entry_id} .entry__time time")
    assert time.inner_text() in {"now", "1 min. ago"}
    assert str(today.year) in (time.get_attribute("title") or "")


def test_an_edit_replaces_the_entry_in_place(newsroom, serve, reader_factory):
    for n in range(3):
        _publish_here(newsroom, f"Update {n}")
    edited = Entry.objects.get(headline="Update 1")
    server = serve()
    page = reader_factory(server).open(_page_path(newsroom))
    before = _stream_ids(page)

    api(
        server,
        newsroom,
        "PATCH",
        f"/entries/{edited.pk}",
        {"headline": "Update 1 (corrected)", "correction_note": "The quay is in the north."},
        headers={"If-Match": f'"{edited.revision}"'},
    )

    page.wait_for_selector(f"#entry-{edited.pk}:has-text('Update 1 (corrected)')", timeout=WAIT_MS)
    assert _stream_ids(page) == before
    assert page.locator(f"#entry-{edited.pk} .entry__correction").is_visible()
    assert page.locator(f"#entry-{edited.pk} .entry__updated").is_visible()
    assert page.locator(f"#entry-{edited.pk} .entry__share").is_visible()


def test_a_delete_removes_the_entry(newsroom, serve, reader_factory):
    keep = _publish_here(newsroom, "Roads reopened")
    gone = _publish_here(newsroom, "Bridge closed")
    server = serve()
    page = reader_factory(server).open(_page_path(newsroom))

    api(server, newsroom, "DELETE", f"/entries/{gone.pk}")

    page.wait_for_selector(f"#entry-{gone.pk}", state="detached", timeout=WAIT_MS)
    assert _stream_ids(page) == [keep.pk]


def test_key_points_the_pinned_entry_and_the_title_update_live(newsroom, serve, reader_factory):
    entry = _publish_here(newsroom, "Ferries cancelled")
    server = serve()
    page = reader_factory(server).open(_page_path(newsroom))
    assert page.locator("#key-points").is_hidden()
    assert page.locator("#pinned").is_hidden()

    points = [{"text": "All ferries cancelled", "entry_id": entry.pk}, {"text": "Schools shut"}]
    api(server, newsroom, "PUT", "/key-points", {"key_points": points})
    page.wait_for_selector("#key-points:not([hidden])", timeout=WAIT_MS)
    assert page.locator("#key-points-list li").all_inner_texts() == [
        "All ferries cancelled",
        "Schools shut",
    ]
    assert page.locator("#key-points-list a").get_attribute("href") == f"#entry-{entry.pk}"

    api(server, newsroom, "POST", f"/entries/{entry.pk}/pin")
    page.wait_for_selector("#pinned:not([hidden]) :text('Ferries cancelled')", timeout=WAIT_MS)
    assert page.locator(f"[id='entry-{entry.pk}']").count() == 1  # the pinned copy has no id

    api(server, newsroom, "PATCH", "", {"title": "Storm Eunice", "description": "Latest news"})
    page.wait_for_selector("#blog-title:text('Storm Eunice')", timeout=WAIT_MS)
    assert page.title() == "Storm Eunice"
    assert page.locator("#blog-description").inner_text() == "Latest news"

    api(server, newsroom, "DELETE", f"/entries/{entry.pk}/pin")
    page.wait_for_selector("#pinned", state="hidden", timeout=WAIT_MS)
    api(server, newsroom, "PUT", "/key-points", {"key_points": []})
    page.wait_for_selector("#key-points", state="hidden", timeout=WAIT_MS)


def test_a_reader_scrolled_down_gets_a_new_updates_button_instead_of_an_insert(
    newsroom, serve, reader_factory
):
    long_body = "<p>" + "The water kept rising along the sea front. " * 20 + "</p>"
    for n in range(12):
        _publish_here(newsroom, f"Earlier update {n}", body=long_body)
    server = serve()
    page = reader_factory(server).open(_page_path(newsroom))
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    # Functions, not expressions: Playwright evaluates expressions with eval, which the
    # page's Content-Security-Policy forbids.
    page.wait_for_function("() => window.scrollY > 500")
    shown = _stream_ids(page)

    first = api_publish(server, newsroom, "Evacuation ordered")
    second = api_publish(server, newsroom, "Shelters open")

    button = page.locator("#new-updates")
    button.filter(has_text="2 new updates").wait_for(timeout=WAIT_MS)
    assert page.title() == f"(2) {newsroom.blog.title}"
    assert _stream_ids(page) == shown
    assert page.evaluate("window.scrollY") > 500

    button.focus()
    page.keyboard.press("Enter")  # the button works from the keyboard

    # The reader lands on the newest of them (tests/browser/test_reading_position.py has
    # the page with a header, key points and a pinned entry above the stream).
    page.wait_for_function(
        f"() => document.activeElement.id === 'entry-{second}'"
        f" && document.activeElement.getBoundingClientRect().top >= 0",
        timeout=WAIT_MS,
    )
    assert _stream_ids(page)[:2] == [second, first]
    assert button.is_hidden()
    assert page.title() == newsroom.blog.title


def test_a_german_blog_counts_new_updates_in_german(newsroom, serve, reader_factory):
    services.update_blog(
        newsroom.editor, newsroom.blog, BlogFields(language="de", timezone="Europe/Berlin")
    )
    for n in range(12):
        _publish_here(newsroom, f"Meldung {n}", body="<p>" + "Das Wasser steigt. " * 40 + "</p>")
    server = serve()
    page = reader_factory(server).open(_page_path(newsroom))
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 500")

    api_publish(server, newsroom, "Deich gebrochen")

    page.locator("#new-updates").filter(has_text="1 neue Meldung").wait_for(timeout=WAIT_MS)
    assert page.title().startswith("(1) ")
    assert page.locator(".entry__share").first.inner_text() == "Link kopieren"


def test_coverage_end_shows_coverage_ended(newsroom, serve, reader_factory):
    server = serve()
    page = reader_factory(server).open(_page_path(newsroom))
    assert page.locator("#status-badge").inner_text().lower() == "live"

    api(server, newsroom, "POST", "/end")

    page.wait_for_selector("#status-badge:text-is('Coverage ended')", timeout=WAIT_MS)
    expect(page.locator("#announcer")).to_have_text("Coverage ended")
    assert page.locator("#connection").is_hidden()


def test_without_event_source_the_page_polls_the_changes_feed(newsroom, serve, reader_factory):
    server = serve()
    reader = reader_factory(server)
    reader.context.add_init_script("delete window.EventSource;")
    page = reader.context.new_page()
    with page.expect_response(lambda response: "/changes?since=" in response.url) as first_poll:
        page.goto(server.base + _page_path(newsroom))
    assert first_poll.value.status == 304  # nothing new: If-None-Match with the page's seq

    watch = Stopwatch("API publish to entry shown by polling")
    entry_id = api_publish(server, newsroom, "Power cut in the old town")
    page.wait_for_selector(f"#stream > #entry-{entry_id}", timeout=POLL_WAIT_MS)
    watch.stop()

    assert page.locator("#stream-empty").count() == 0
    assert page.locator("#stream > *").first.evaluate("el => el.matches('h2.day-divider')")


def test_a_dropped_stream_shows_reconnecting_then_catches_up(newsroom, reader_factory, serve):
    first = serve()
    reader = reader_factory(first)
    reader.watch.network_may_fail = True
    page = reader.open_following(_page_path(newsroom))

    first.kill()
    page.wait_for_selector("#connection:not([hidden])", timeout=WAIT_MS)
    assert page.locator("#connection").inner_text() == "Reconnecting…"
    missed = _publish_here(newsroom, "Published while the reader was cut off")
    with Server(env={}, port=first.port):
        page.wait_for_selector(f"#stream > #entry-{missed.pk}", timeout=POLL_WAIT_MS)
        page.wait_for_selector("#connection", state="hidden", timeout=WAIT_MS)


def test_share_copies_the_entry_link(newsroom, serve, reader_factory):
    entry = _publish_here(newsroom, "Coastguard rescue")
    server: Server = serve()
    reader = reader_factory(server, permissions=["clipboard-read", "clipboard-write"])
    page = reader.open(_page_path(newsroom))
    share = page.locator(f"#entry-{entry.pk} .entry__share")
    assert share.inner_text() == "Copy link"

    share.click()

    page.wait_for_selector(f"#entry-{entry.pk} .entry__share:text('Link copied')", timeout=WAIT_MS)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{server.base}/live/{newsroom.blog.slug}/e/{entry.pk}"


def test_an_oldest_first_blog_adds_new_entries_at_the_end_even_when_scrolled(
    newsroom, serve, reader_factory
):
    services.update_blog(newsroom.editor, newsroom.blog, BlogFields(order="oldest_first"))
    for n in range(12):
        _publish_here(newsroom, f"Minute {n}", body="<p>" + "Kick-off soon. " * 60 + "</p>")
    server = serve()
    page = reader_factory(server).open(_page_path(newsroom))
    page.evaluate("window.scrollTo(0, 800)")
    page.wait_for_function("() => window.scrollY > 500")

    entry_id = api_publish(server, newsroom, "Goal!")

    page.wait_for_selector(f"#stream > #entry-{entry_id}", timeout=WAIT_MS)
    assert _stream_ids(page)[-1] == entry_id
    assert page.locator("#new-updates").is_hidden()
    assert page.evaluate("window.scrollY") == 800


HOSTILE = (
    '<script>window.pwned = 1</script><svg onload="window.pwned = 1"></svg>'
    '<img src="data:," onerror="window.pwned = 1">"><b onmouseover="window.pwned = 1">x</b>'
)


def test_hostile_text_pushed_live_stays_text(newsroom, serve, reader_factory):
    server = serve()
    page = reader_factory(server).open(_page_path(newsroom))
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    entry_id = api_publish(server, newsroom, HOSTILE, body=f"<p>{HOSTILE}</p>")
    api(server, newsroom, "PUT", "/key-points", {"key_points": [{"text": HOSTILE}]})
    api(server, newsroom, "PATCH", "", {"title": HOSTILE[:200], "description": HOSTILE})
    api(server, newsroom, "POST", f"/entries/{entry_id}/pin")

    page.wait_for_selector("#pinned:not([hidden])", timeout=WAIT_MS)
    page.wait_for_selector("#key-points:not([hidden])", timeout=WAIT_MS)
    page.hover(f"#entry-{entry_id}")
    assert page.evaluate("window.pwned") is None
    assert dialogs == []
    assert page.locator("#key-points-list li").inner_text() == HOSTILE
    assert page.locator("#blog-title").inner_text() == HOSTILE[:200]
    assert page.locator("script:not([src]):not([type='application/ld+json'])").count() == 0


def test_a_takedown_removes_the_entry_its_pin_and_its_key_point_from_an_open_page(
    newsroom, serve, reader_factory
):
    keep = _publish_here(newsroom, "Roads reopened")
    doomed = _publish_here(newsroom, "Quokkazanzibar named as suspect")
    services.pin_entry(newsroom.editor, newsroom.blog, doomed)
    services.set_key_points(newsroom.editor, newsroom.blog, [("Suspect named", doomed.pk)])
    # dbtail: the takedown made here, in the test process, reaches the server within 50 ms.
    server = serve(broker="dbtail", dbtail_interval_ms="50")
    page = reader_factory(server).open(_page_path(newsroom))
    page.wait_for_selector("#pinned:not([hidden]) :text('Quokkazanzibar')", timeout=WAIT_MS)

    services.takedown_entry(newsroom.editor, doomed, reason="Court order")

    page.wait_for_selector(f"#entry-{doomed.pk}", state="detached", timeout=WAIT_MS)
    page.wait_for_selector("#pinned", state="hidden", timeout=WAIT_MS)
    assert _stream_ids(page) == [keep.pk]
    assert "Quokkazanzibar" not in page.content()
    assert page.locator(f"#key-points-list a[href='#entry-{doomed.pk}']").count() == 0

    # A reader who opens the page now, or reloads, finds no trace either.
    page.reload()
    page.wait_for_selector(f"#entry-{keep.pk}", timeout=WAIT_MS)
    assert "Quokkazanzibar" not in page.content()
