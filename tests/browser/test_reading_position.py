"""Where a reader lands: on the new entries, on a shared entry, on what they missed since their
last visit; the short pinned box; the "Key events only" filter. Real Chromium, desktop and
phone widths, against a real server."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Entry
from bulletin.reader.stream import PAGE_SIZE
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE, api, artifacts_dir
from tests.factories import Factory
from tests.realtime.conftest import Newsroom, api_publish

WAIT_MS = 5000
LONG = "<p>" + "The water kept rising along the sea front and the lower town. " * 12 + "</p>"
# Desktop in light colours, the phone in dark: axe checks contrast in both schemes.
SCREENS = pytest.mark.parametrize(
    ("screen", "viewport", "scheme"),
    [("desktop", DESKTOP, "light"), ("phone-dark", PHONE, "dark")],
    ids=["desktop", "phone-dark"],
)


def _publish(room: Newsroom, headline: str, **fields: Any) -> Entry:
    fields.setdefault("body", LONG)
    return services.publish_entry(room.editor, room.blog, EntryFields(headline=headline, **fields))


def _newsroom_page(room: Newsroom, entries: int = 12) -> list[Entry]:
    """A blog as readers meet it: a standfirst, key points and a pinned entry above the stream,
    long entries below."""
    made = [_publish(room, f"Earlier update {n}") for n in range(entries)]
    services.set_key_points(
        room.editor,
        room.blog,
        [("Sea wall breached", made[0].pk), ("Ferries cancelled", None), ("Schools shut", None)],
    )
    services.pin_entry(room.editor, room.blog, made[1])
    return made


def _lands_on(page: Page, entry_id: int) -> None:
    """Wait until the entry is in the window (its top in the upper part of it) and focused."""
    page.wait_for_function(
        """(id) => {
            const el = document.getElementById(`entry-${id}`);
            if (!el) return false;
            const top = el.getBoundingClientRect().top;
            return top >= 0 && top < window.innerHeight / 2 && document.activeElement === el;
        }""",
        arg=entry_id,
        timeout=WAIT_MS,
    )


def _ids(page: Page, selector: str = "#stream > article") -> list[int]:
    return [
        int(n)
        for n in page.eval_on_selector_all(selector, "els => els.map(e => e.dataset.entryId)")
    ]


@SCREENS
def test_new_updates_takes_the_reader_to_the_first_new_entry(
    newsroom, serve, reader_factory, screen, viewport, scheme
):
    _newsroom_page(newsroom)
    server = serve()
    page = reader_factory(server, viewport=viewport, color_scheme=scheme).open(
        f"/live/{newsroom.blog.slug}"
    )
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 1000")

    first = api_publish(server, newsroom, "Evacuation ordered")
    second = api_publish(server, newsroom, "Shelters open")
    page.locator("#new-updates").filter(has_text="2 new updates").click(timeout=WAIT_MS)

    # The newest of them heads the stream: the reader lands there, below the header, key
    # points and pinned box, with focus on it.
    _lands_on(page, second)
    assert _ids(page)[:2] == [second, first]
    assert page.evaluate("() => window.scrollY") > 200
    assert page.locator("#new-updates").is_hidden()


@SCREENS
def test_a_permalink_lands_on_its_entry_highlighted_and_stays_live(
    newsroom, serve, reader_factory, screen, viewport, scheme
):
    made = _newsroom_page(newsroom, entries=8)
    shared = made[4]
    server = serve()
    reader = reader_factory(server, viewport=viewport, color_scheme=scheme)
    page = reader.open_following(f"/live/{newsroom.blog.slug}/e/{shared.pk}")

    _lands_on(page, shared.pk)
    assert "entry--focus" in (page.locator(f"#entry-{shared.pk}").get_attribute("class") or "")
    page.screenshot(path=artifacts_dir() / f"permalink-{screen}.png")
    assert_accessible(page, f"the permalink page ({screen})")

    # An edit of the shared entry shows in place.
    api(
        server,
        newsroom,
        "PATCH",
        f"/entries/{shared.pk}",
        {"headline": "Earlier update 4 (corrected)"},
        headers={"If-Match": f'"{shared.revision}"'},
    )
    page.wait_for_selector(f"#entry-{shared.pk}:has-text('(corrected)')", timeout=WAIT_MS)
    # A new entry belongs on the live page: the permalink says so and links there.
    api_publish(server, newsroom, "Evacuation ordered")
    link = page.locator("#new-updates-link")
    expect(link).to_have_text("1 new update on the live page", timeout=WAIT_MS)
    assert link.get_attribute("href") == f"/live/{newsroom.blog.slug}"
    assert_accessible(page, f"the permalink page with its new-updates link ({screen})")


def test_an_older_page_points_to_new_updates_on_the_live_page(newsroom, serve, reader_factory):
    made = [_publish(newsroom, f"Update {n}", body="<p>Short.</p>") for n in range(PAGE_SIZE + 3)]
    server = serve()
    reader = reader_factory(server)
    live = reader.open(f"/live/{newsroom.blog.slug}")
    with live.expect_response(lambda r: r.url.endswith("/events") or "/events?" in r.url):
        live.locator("#load-older").click()
    assert _ids(live)[0] == made[2].pk

    api_publish(server, newsroom, "Evacuation ordered")
    api_publish(server, newsroom, "Shelters open")

    expect(live.locator("#new-updates-link")).to_have_text(
        "2 new updates on the live page", timeout=WAIT_MS
    )
    assert _ids(live)[0] == made[2].pk  # the older page itself does not grow
    live.locator("#new-updates-link").click()
    live.wait_for_selector("#stream > article:has-text('Shelters open')", timeout=WAIT_MS)


@SCREENS
def test_the_pinned_entry_is_short_and_read_more_reaches_the_full_entry(
    newsroom, serve, reader_factory, screen, viewport, scheme
):
    made = _newsroom_page(newsroom)
    pinned = made[1]
    server = serve()
    page = reader_factory(server, viewport=viewport, color_scheme=scheme).open(
        f"/live/{newsroom.blog.slug}"
    )

    box = page.locator("#pinned")
    assert box.is_visible()
    assert box.bounding_box()["height"] < 320  # headline, three lines, "Read more"
    assert box.locator(".entry__body").count() == 0
    flag = page.locator(f"#stream > #entry-{pinned.pk} .entry__flag--pinned")
    assert flag.inner_text().lower() == "pinned"
    assert page.locator("#stream .entry__flag--pinned").count() == 1
    page.screenshot(path=artifacts_dir() / f"pinned-{screen}.png")
    assert_accessible(page, f"the live page with a pinned entry ({screen})")

    box.get_by_role("link", name="Read more").click()

    _lands_on(page, pinned.pk)
    assert page.url.endswith(f"#entry-{pinned.pk}")


def test_the_stream_flag_follows_the_pin_live(newsroom, serve, reader_factory):
    made = _newsroom_page(newsroom, entries=3)
    server = serve()
    page = reader_factory(server).open_following(f"/live/{newsroom.blog.slug}")
    assert _ids(page, "#stream > article:has(.entry__flag--pinned)") == [made[1].pk]

    api(server, newsroom, "POST", f"/entries/{made[2].pk}/pin")

    page.wait_for_selector(f"#stream > #entry-{made[2].pk} .entry__flag--pinned", timeout=WAIT_MS)
    assert _ids(page, "#stream > article:has(.entry__flag--pinned)") == [made[2].pk]
    assert page.locator("#pinned .entry__headline").inner_text() == made[2].headline


@SCREENS
def test_since_your_last_visit_counts_lists_key_events_and_jumps_to_the_oldest_unseen(
    newsroom, serve, reader_factory, screen, viewport, scheme
):
    _newsroom_page(newsroom)
    server = serve()
    reader = reader_factory(server, viewport=viewport, color_scheme=scheme)
    slug = newsroom.blog.slug
    first_visit = reader.open_following(f"/live/{slug}")
    assert first_visit.locator("#catch-up").is_hidden()  # a first visit: nothing to catch up on
    first_visit.close()

    oldest = api_publish(server, newsroom, "Evacuation ordered", body=LONG)
    key = api_publish(server, newsroom, "Dam gives way", body=LONG, key_event=True)
    api_publish(server, newsroom, "Shelters open", body=LONG)
    page = reader.open(f"/live/{slug}")

    summary = page.locator("#catch-up")
    expect(summary.locator("h2")).to_have_text(
        "Since you were last here: 3 updates, 1 key event", timeout=WAIT_MS
    )
    assert summary.locator(".catch-up__events a").all_inner_texts() == ["Dam gives way"]
    assert summary.locator(".catch-up__events a").get_attribute("href") == f"#entry-{key}"
    assert reader.context.cookies() == []  # remembered in the browser, never a cookie
    page.screenshot(path=artifacts_dir() / f"since-last-visit-{screen}.png")
    assert_accessible(page, f"the live page with its since-last-visit summary ({screen})")

    summary.get_by_role("link", name="Jump to where you left off").click()

    _lands_on(page, oldest)
    # This visit is remembered in turn: the next one starts from here.
    page.reload()
    page.wait_for_selector(f"#entry-{oldest}")
    page.wait_for_load_state("networkidle")
    assert page.locator("#catch-up").is_hidden()


def test_a_reader_back_after_a_long_time_jumps_to_the_permalink_of_an_entry_off_the_page(
    newsroom, serve, reader_factory
):
    server = serve()
    reader = reader_factory(server)
    reader.open_following(f"/live/{newsroom.blog.slug}").close()
    oldest = api_publish(server, newsroom, "First of many")
    for n in range(PAGE_SIZE):
        api_publish(server, newsroom, f"Update {n}")
    page = reader.open(f"/live/{newsroom.blog.slug}")

    expect(page.locator("#catch-up h2")).to_have_text(
        f"Since you were last here: {PAGE_SIZE + 1} updates", timeout=WAIT_MS
    )
    page.get_by_role("link", name="Jump to where you left off").click()

    page.wait_for_url(f"**/e/{oldest}")
    _lands_on(page, oldest)


@SCREENS
def test_key_events_only_filters_the_stream_and_keeps_filtering_live_updates(
    newsroom, serve, reader_factory, screen, viewport, scheme
):
    made = _newsroom_page(newsroom, entries=4)
    key = _publish(newsroom, "Dam gives way", key_event=True)
    server = serve()
    page = reader_factory(server, viewport=viewport, color_scheme=scheme).open_following(
        f"/live/{newsroom.blog.slug}"
    )
    switch = page.get_by_role("button", name="Key events only")

    switch.click()

    assert switch.get_attribute("aria-pressed") == "true"
    expect(page.locator(f"#entry-{made[0].pk}")).to_be_hidden()
    expect(page.locator(f"#entry-{key.pk}")).to_be_visible()
    assert_accessible(page, f"the live page filtered to key events ({screen})")

    plain = api_publish(server, newsroom, "Traffic update")
    breaking = api_publish(server, newsroom, "Second dam at risk", key_event=True)
    page.wait_for_selector(f"#stream > #entry-{plain}", state="attached", timeout=WAIT_MS)
    expect(page.locator(f"#entry-{breaking}")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(f"#entry-{plain}")).to_be_hidden()
    visible = page.eval_on_selector_all(
        "#stream > article",
        "els => els.filter(e => e.checkVisibility()).map(e => +e.dataset.entryId)",
    )
    assert visible == [breaking, key.pk]

    switch.click()

    expect(page.locator(f"#entry-{plain}")).to_be_visible()
    expect(page.locator(f"#entry-{made[0].pk}")).to_be_visible()


def test_key_events_only_is_remembered_per_blog_in_this_browser_and_easy_to_switch_off(
    newsroom, serve, reader_factory
):
    made = _newsroom_page(newsroom, entries=3)
    key = _publish(newsroom, "Dam gives way", key_event=True)
    other = Factory().blog(title="Election night")
    server = serve()
    reader = reader_factory(server)
    slug = newsroom.blog.slug
    stored = f"() => localStorage.getItem('bulletin:key-events-only:{slug}')"
    first = reader.open_following(f"/live/{slug}")
    assert first.evaluate(stored) is None  # off is the default, kept as nothing

    first.get_by_role("button", name="Key events only").click()

    assert first.evaluate(stored) == "true"
    first.close()

    # The next visit opens filtered, the switch shown pressed and named as before.
    page = reader.open_following(f"/live/{slug}")
    switch = page.get_by_role("button", name="Key events only", exact=True)
    expect(switch).to_have_attribute("aria-pressed", "true")
    expect(switch).to_be_visible()
    expect(page.locator(f"#entry-{made[0].pk}")).to_be_hidden()
    expect(page.locator(f"#entry-{key.pk}")).to_be_visible()
    # Live arrivals are filtered as they land.
    plain = api_publish(server, newsroom, "Traffic update")
    breaking = api_publish(server, newsroom, "Second dam at risk", key_event=True)
    expect(page.locator(f"#entry-{breaking}")).to_be_visible(timeout=WAIT_MS)
    page.wait_for_selector(f"#stream > #entry-{plain}", state="attached", timeout=WAIT_MS)
    expect(page.locator(f"#entry-{plain}")).to_be_hidden()
    expect(page.locator("#new-updates")).to_be_hidden()
    assert_accessible(page, "the live page opened filtered to key events")
    # Per blog, in this browser only: never a cookie, and another blog opens unfiltered.
    assert reader.context.cookies() == []
    elsewhere = reader.open(f"/live/{other.slug}")
    expect(elsewhere.locator("#key-events-only")).to_have_attribute("aria-pressed", "false")
    elsewhere.close()
    # A link to an entry the filter hides turns it off for that visit, not for the next.
    permalink = reader.open(f"/live/{slug}/e/{made[0].pk}")
    _lands_on(permalink, made[0].pk)
    expect(permalink.locator("#key-events-only")).to_have_attribute("aria-pressed", "false")
    assert permalink.evaluate(stored) == "true"
    permalink.close()

    switch.click()

    expect(page.locator(f"#entry-{plain}")).to_be_visible()
    assert page.evaluate(stored) is None
    page.reload()
    expect(page.locator("#key-events-only")).to_have_attribute("aria-pressed", "false")
    expect(page.locator(f"#entry-{made[0].pk}")).to_be_visible()


def test_without_javascript_a_permalink_and_the_live_page_stay_readable(
    newsroom, serve, reader_factory
):
    made = _newsroom_page(newsroom, entries=4)
    server = serve()
    reader = reader_factory(server, java_script_enabled=False)
    page = reader.open(f"/live/{newsroom.blog.slug}/e/{made[2].pk}")

    assert page.locator(f"#entry-{made[2].pk}").is_visible()
    assert page.locator("#catch-up").is_hidden()
    assert page.locator("#stream-tools").is_hidden()
    assert page.locator("#new-updates-link").is_hidden()
    more = page.locator("#pinned").get_by_role("link", name="Read more")
    assert more.get_attribute("href") == f"/live/{newsroom.blog.slug}/e/{made[1].pk}"

    more.click()

    page.wait_for_url(f"**/e/{made[1].pk}")
    assert page.locator(f"#stream > #entry-{made[1].pk}").is_visible()
