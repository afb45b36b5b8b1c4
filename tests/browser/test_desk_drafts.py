"""The desk on the night, in Chromium: shared drafts, the phone layout, the new-blog form,
focus kept through live updates, and axe-core over every desk page (1280 and 390 px).

Drafts are typed into the composer's headline and standfirst: the body editor is tested on its
own (test_desk.py), and every input of the form is kept alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from bulletin.accounts.models import Role, User
from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Entry, LiveBlog
from bulletin.desk.models import EntryDraft
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE, Reader, api, artifacts_dir
from tests.factories import Factory
from tests.realtime.support import Server

PASSWORD = "a-long-test-password"  # what tests.factories gives every user
WAIT_MS = 10_000
ZONE = "Asia/Tokyo"  # far from the machine's UTC: a time shown in the wrong zone is seen
CLOCK = re.compile(r"^\(last saved \d\d:\d\d:\d\d JST, \d+ s ago\)$")


@pytest.fixture
def desk_server(transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    server = Server(env={"BULLETIN_DATA_DIR": str(tmp_path / "data")}).start()
    yield server
    server.stop()


@dataclass
class Room:
    """A blog and a token of one of its editors, for the API helper."""

    blog: LiveBlog
    token: str


def _newsroom() -> tuple[LiveBlog, User, User]:
    make = Factory()
    ana = make.user("ana", is_staff=True, display_name="Ana Editor")
    blog = make.blog(ana, title="Harbour storm Live Updates", timezone=ZONE)
    ben = make.member(blog, Role.EDITOR, "ben")
    User.objects.filter(pk=ben.pk).update(display_name="Ben Editor")
    return blog, ana, ben


def _ready(page: Page) -> Page:
    expect(page.locator("html.js")).to_have_count(1)
    return page


def _sign_in(reader: Reader, user: User, then: str) -> Page:
    page = reader.open("/desk/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{reader.server.base}/desk/")
    # Not "load": the desk's live stream may hold the load event of a busy machine's page.
    page.goto(reader.server.base + then, wait_until="domcontentloaded")
    return _ready(page)


def _saved(page: Page) -> None:
    expect(page.locator("#composer [data-autosave-status]")).to_have_text(
        "Draft saved on the desk", timeout=WAIT_MS
    )


def _forget_refusals(reader: Reader, status: int) -> None:
    """Chromium logs each answer with an error status; these ones the test asked for."""
    meant = f"the server responded with a status of {status}"
    assert all(meant in error for error in reader.watch.errors), reader.watch.errors
    reader.watch.errors.clear()


def test_a_draft_typed_in_one_browser_is_listed_and_opened_in_a_colleagues(
    desk_server, reader_factory
):
    blog, ana, ben = _newsroom()
    author = reader_factory(desk_server)
    writing = _sign_in(author, ana, f"/desk/{blog.slug}/")
    status = writing.locator("#composer [data-autosave-status]")
    expect(status).to_have_attribute("role", "status")  # polite, and only the state in it
    writing.fill("#c-headline", "Crane toppled at Pier 3")
    writing.fill("#c-subtitle", "No one was hurt")
    _saved(writing)
    expect(writing.locator("#composer [data-autosave-age]")).to_have_text(CLOCK)
    assert "JST" not in (status.text_content() or "")  # the ticking clock is not announced
    draft = EntryDraft.objects.get(blog=blog, author=ana)
    assert draft.values["headline"] == ["Crane toppled at Pier 3"]

    colleague = reader_factory(desk_server)
    desk = _sign_in(colleague, ben, f"/desk/{blog.slug}/")
    listed = desk.locator("#desk-panels .being-written")
    expect(listed).to_contain_text("Ana Editor")
    expect(listed).to_contain_text("Crane toppled at Pier 3")
    expect(listed).to_contain_text(re.compile(r"saved \d\d:\d\d:\d\d JST"))
    listed.get_by_role("link", name="Open Ana Editor\N{RIGHT SINGLE QUOTATION MARK}s draft").click()
    expect(_ready(desk).locator("#c-headline")).to_have_value("Crane toppled at Pier 3")
    expect(desk.locator("#c-subtitle")).to_have_value("No one was hurt")
    expect(desk.get_by_role("heading", level=1)).to_have_text(
        "Ana Editor\N{RIGHT SINGLE QUOTATION MARK}s draft"
    )
    assert Entry.objects.count() == 0  # nobody posted anything

    # Both change it: the later save is refused, says who saved when, and keeps its words.
    desk.fill("#c-headline", "Crane toppled at Pier 3: one injured")
    _saved(desk)
    writing.fill("#c-subtitle", "Crew evacuated")
    conflict = writing.locator("#composer [data-draft-conflict]")
    expect(conflict).to_be_visible(timeout=WAIT_MS)
    expect(conflict).to_have_attribute("role", "alert")
    expect(conflict).to_contain_text(
        re.compile(r"Ben Editor changed this draft at \d\d:\d\d:\d\d JST")
    )
    expect(conflict).to_contain_text("what you typed is still in your composer")
    expect(status).to_have_text("Not saved: a newer version of this draft exists")
    expect(writing.locator("#c-subtitle")).to_have_value("Crew evacuated")
    _forget_refusals(author, 409)
    assert EntryDraft.objects.get(author=ana).values["subtitle"] == ["No one was hurt"]
    _shot(writing, "drafts-01-conflict.png")

    writing.get_by_role("button", name="Keep mine and save it over the newer one").click()
    _saved(writing)
    expect(conflict).to_be_hidden()
    kept = EntryDraft.objects.get(author=ana)
    assert kept.values["subtitle"] == ["Crew evacuated"]
    assert kept.values["headline"] == ["Crane toppled at Pier 3"]  # Ana's, as she chose

    # The colleague's next save finds Ana's newer one; loading it replaces the form.
    desk.fill("#c-subtitle", "Cordon in place")
    expect(desk.locator("#composer [data-draft-conflict]")).to_be_visible(timeout=WAIT_MS)
    desk.get_by_role("button", name="Load the newer draft").click()
    expect(desk.locator("#c-subtitle")).to_have_value("Crew evacuated")
    expect(desk.locator("#c-headline")).to_have_value("Crane toppled at Pier 3")
    _forget_refusals(colleague, 409)


def _shot(page: Page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts_dir() / name), full_page=True)


def test_a_crashed_browser_loses_nothing_and_publishing_clears_the_draft(
    desk_server, reader_factory
):
    blog, ana, _ben = _newsroom()
    laptop = reader_factory(desk_server)
    page = _sign_in(laptop, ana, f"/desk/{blog.slug}/")
    page.fill("#c-headline", "Power cut across the old town")
    page.fill("#c-subtitle", "Substation flooded")
    _saved(page)
    laptop.context.close()  # no submit, no goodbye: the laptop died

    phone = reader_factory(desk_server, viewport=PHONE)
    page = _sign_in(phone, ana, f"/desk/{blog.slug}/")
    expect(page.locator("#c-headline")).to_have_value("Power cut across the old town")
    expect(page.locator("#c-subtitle")).to_have_value("Substation flooded")
    expect(page.locator("#composer [data-autosave-status]")).to_have_text(
        "Draft restored from the desk"
    )
    expect(page.locator("#composer [data-autosave-age]")).to_have_text(CLOCK)

    page.locator("#c-headline").press("Control+Enter")
    expect(page.locator(".flash")).to_contain_text("Published.")
    expect(_ready(page).locator("#c-headline")).to_have_value("")
    assert not EntryDraft.objects.exists()
    assert Entry.objects.get().headline == "Power cut across the old town"
    page.reload(wait_until="domcontentloaded")
    expect(_ready(page).locator("#c-headline")).to_have_value("")


def _top(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box["y"]


def test_on_a_phone_the_composer_and_key_points_come_before_the_entry_list(
    desk_server, reader_factory
):
    blog, ana, _ben = _newsroom()
    for number in range(3):
        services.publish_entry(ana, blog, EntryFields.read({"headline": f"Update {number}"}))
    page = _sign_in(reader_factory(desk_server, viewport=PHONE), ana, f"/desk/{blog.slug}/")
    order = [
        _top(page, "#composer"),
        _top(page, ".status-panel"),
        _top(page, ".key-points-panel"),
        _top(page, "#desk-panels .stream"),
    ]
    assert order == sorted(order), order
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _key_point_inputs_fill_their_panel(page)
    page.set_viewport_size(DESKTOP)
    _key_point_inputs_fill_their_panel(page)
    # On a wide screen the sidebar sits beside the composer, not under it.
    assert _top(page, ".status-panel") < _top(page, "#composer") + 50


def _key_point_inputs_fill_their_panel(page: Page) -> None:
    widths = page.evaluate(
        """() => [...document.querySelectorAll('.key-point')].map((item) => [
            item.querySelector('input[name=point]').getBoundingClientRect().width,
            item.getBoundingClientRect().width])"""
    )
    assert widths
    for field, item in widths:
        assert field >= item - 1, widths  # the whole width of its line
        assert field > 250, widths


def test_the_composer_page_has_an_h1_and_a_quiet_preview(desk_server, reader_factory):
    blog, ana, _ben = _newsroom()
    page = _sign_in(reader_factory(desk_server), ana, f"/desk/{blog.slug}/")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("Desk of Harbour storm Live Updates")
    preview = page.locator("[data-preview-target]")
    assert preview.get_attribute("aria-live") is None  # typing is not read out again and again
    page.fill("#c-headline", "Tram lines cut")
    expect(preview.locator(".entry__headline")).to_have_text("Tram lines cut", timeout=WAIT_MS)
    expect(page.locator("#composer [data-autosave-status]")).to_have_attribute("role", "status")
    assert page.locator("#composer [data-autosave-age]").get_attribute("aria-live") is None
    for width, name in ((DESKTOP, "composer-1280.png"), (PHONE, "composer-390.png")):
        page.set_viewport_size(width)
        _shot(page, name)


def test_the_new_blog_form_fills_the_address_and_the_browsers_time_zone(
    desk_server, reader_factory
):
    make = Factory()
    staff = make.user("sam", is_staff=True, display_name="Sam Staff")
    page = _sign_in(reader_factory(desk_server, timezone_id="America/Chicago"), staff, "/desk/new")
    expect(page.locator("#timezone")).to_have_value("America/Chicago")
    page.locator("#title").press_sequentially("Storm Éowyn: Live")
    expect(page.locator("#slug")).to_have_value("storm-eowyn-live")
    page.fill("#slug", "eowyn")  # by hand: the title no longer writes it
    page.fill("#title", "Storm Éowyn: Live updates")
    expect(page.locator("#slug")).to_have_value("eowyn")
    page.get_by_role("button", name="Create live blog").click()
    page.wait_for_url(f"{desk_server.base}/desk/eowyn/", wait_until="domcontentloaded")
    blog = LiveBlog.objects.get(slug="eowyn")
    assert (blog.title, blog.timezone) == ("Storm Éowyn: Live updates", "America/Chicago")


def test_focus_stays_on_its_button_when_a_colleague_changes_the_list(desk_server, reader_factory):
    blog, ana, ben = _newsroom()
    first = services.publish_entry(ana, blog, EntryFields.read({"headline": "Sirens in the port"}))
    page = _sign_in(reader_factory(desk_server), ana, f"/desk/{blog.slug}/")
    expect(page.locator("[data-live-state]")).to_have_attribute("data-state", "live")
    pin = page.locator(f"#desk-entry-{first.pk}").get_by_role("button", name="Pin")
    pin.focus()
    # Through the server, as a colleague's desk or tool would: the desk hears it live.
    api(
        desk_server,
        Room(blog, Factory().token(ben)),
        "POST",
        "/entries",
        {"headline": "Ferries stopped"},
    )
    expect(page.locator("#desk-panels .desk-entry", has_text="Ferries stopped")).to_be_visible(
        timeout=WAIT_MS
    )
    focused = page.evaluate(
        """() => [document.activeElement.closest('.desk-entry')?.id,
                  document.activeElement.textContent.trim()]"""
    )
    assert focused == [f"desk-entry-{first.pk}", "Pin"]
    expect(pin).to_be_focused()


# The desk hears of drafts when it next looks (views/live.py, every few seconds): a loaded
# machine gets longer than for a change, which wakes the stream at once.
LIVE_MS = 25_000


def _editor_status(page: Page) -> Locator:
    return page.locator("#entry-editor [data-autosave-status]")


def test_an_edit_kept_in_one_browser_appears_live_on_a_colleagues_desk_and_comes_back(
    desk_server, reader_factory
):
    blog, ana, ben = _newsroom()
    entry = services.publish_entry(ana, blog, EntryFields.read({"headline": "Bridge closed"}))
    colleague = reader_factory(desk_server)
    desk = _sign_in(colleague, ben, f"/desk/{blog.slug}/")
    expect(desk.locator("[data-live-state]")).to_have_attribute("data-state", "live")
    expect(desk.locator("#desk-panels .being-written")).to_have_count(0)
    desk.evaluate("window.stillTheSamePage = true")
    pin = desk.locator(f"#desk-entry-{entry.pk}").get_by_role("button", name="Pin")
    pin.focus()

    laptop = reader_factory(desk_server)
    editing = _sign_in(laptop, ana, f"/desk/{blog.slug}/entries/{entry.pk}/edit")
    expect(_editor_status(editing)).to_have_attribute("role", "status")
    editing.fill("#e-headline", "Bridge closed both ways")
    expect(_editor_status(editing)).to_have_text("Draft saved on the desk", timeout=WAIT_MS)
    assert EntryDraft.objects.get(entry=entry).values["headline"] == ["Bridge closed both ways"]
    assert Entry.objects.get(pk=entry.pk).headline == "Bridge closed"

    # On the colleague's desk, without a reload, and without taking the keyboard's place.
    listed = desk.locator("#desk-panels .being-written")
    expect(listed).to_contain_text("Ana Editor", timeout=LIVE_MS)
    expect(listed).to_contain_text(
        "editing \N{LEFT DOUBLE QUOTATION MARK}Bridge closed\N{RIGHT DOUBLE QUOTATION MARK}"
    )
    expect(listed).to_contain_text("Bridge closed both ways")
    expect(listed.get_by_role("link")).to_have_attribute(
        "href", f"/desk/{blog.slug}/entries/{entry.pk}/drafts/{ana.pk}"
    )
    expect(pin).to_be_focused()
    assert desk.evaluate("window.stillTheSamePage") is True
    _shot(desk, "drafts-02-being-written-live.png")

    # The laptop dies; the edit form, reopened on a phone, offers the kept changes.
    laptop.context.close()
    phone = reader_factory(desk_server, viewport=PHONE)
    page = _sign_in(phone, ana, f"/desk/{blog.slug}/entries/{entry.pk}/edit")
    offer = page.locator(".draft-offer")
    expect(offer).to_contain_text("You have unsaved changes to this entry")
    expect(page.locator("#e-headline")).to_have_value("Bridge closed")
    offer.get_by_role("link", name="Restore my changes").click()
    expect(_ready(page).locator("#e-headline")).to_have_value("Bridge closed both ways")
    expect(_editor_status(page)).to_have_text("Draft restored from the desk")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Saved revision 2.")
    assert Entry.objects.get(pk=entry.pk).headline == "Bridge closed both ways"
    assert not EntryDraft.objects.exists()
    expect(listed).to_have_count(0, timeout=LIVE_MS)

    # Opening the edit form keeps nothing (only typing does); cancelling drops what it kept.
    page.goto(f"{desk_server.base}/desk/{blog.slug}/entries/{entry.pk}/edit")
    _ready(page).wait_for_timeout(2_000)  # over twice the autosave's pause
    assert not EntryDraft.objects.exists()
    expect(_editor_status(page)).to_have_text("")
    page.fill("#e-headline", "Bridge open again")
    expect(_editor_status(page)).to_have_text("Draft saved on the desk", timeout=WAIT_MS)
    expect(listed).to_contain_text("Bridge open again", timeout=LIVE_MS)
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator(".flash")).to_contain_text("Discarded the unsaved changes.")
    assert not EntryDraft.objects.exists()
    expect(listed).to_have_count(0, timeout=LIVE_MS)


DESK_PAGES = (
    ("the blog list", "/desk/"),
    ("the desk", "/desk/{slug}/"),
    ("an entry's edit form", "/desk/{slug}/entries/{entry}/edit"),
    ("the members", "/desk/{slug}/members"),
    ("the activity", "/desk/{slug}/activity"),
    ("an entry's history", "/desk/{slug}/entries/{entry}/history"),
    ("the new-blog form", "/desk/new"),
    ("the settings", "/desk/{slug}/settings"),
    ("a colleague's draft", "/desk/{slug}/drafts/{ben}"),
    ("a colleague's changes to an entry", "/desk/{slug}/entries/{entry}/drafts/{ben}"),
)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_axe_finds_nothing_serious_on_the_desk_pages(desk_server, reader_factory, viewport):
    blog, ana, ben = _newsroom()
    entry = services.publish_entry(
        ana,
        blog,
        EntryFields.read({"headline": "Gale warning", "body": "<p>Winds of 90 km/h.</p>"}),
    )
    services.update_entry(ana, entry, EntryFields.read({"headline": "Gale warning extended"}))
    services.publish_entry(ben, blog, EntryFields.read({"headline": "Schools closed"}))
    EntryDraft.objects.create(
        blog=blog, author=ben, values={"headline": ["Roads flooded"]}, saved_at=entry.created_at
    )
    # Changes to the entry: Ben's to open, and Ana's own, offered on its edit form.
    for person in (ben, ana):
        EntryDraft.objects.create(
            blog=blog,
            author=person,
            entry=entry,
            values={"headline": ["Gale warning lifted"], "revision": [str(entry.revision)]},
            saved_at=entry.created_at,
        )
    page = _sign_in(reader_factory(desk_server, viewport=viewport), ana, "/desk/")
    for what, path in DESK_PAGES:
        page.goto(
            desk_server.base + path.format(slug=blog.slug, entry=entry.pk, ben=ben.pk),
            wait_until="domcontentloaded",
        )
        _ready(page)
        assert_accessible(page, f"{what} at {viewport['width']} px")
