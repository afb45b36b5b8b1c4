"""The desk end to end in a real Chromium, with a reader's page open beside it.

Editors sign in through the login form and work only through the desk's pages; a second
browser context sits on the public page and must see every step arrive without a reload.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import Dialog, Locator, Page, expect

from bulletin.accounts.models import Membership, Role, User
from bulletin.blogs.models import Entry, LiveBlog
from tests.browser.conftest import DESKTOP, MOBILE, Reader, Stopwatch, artifacts_dir
from tests.factories import Factory
from tests.realtime.support import Server

PASSWORD = "a-long-test-password"  # what tests.factories gives every user
WAIT_MS = 10_000  # generous: a change normally shows within a fraction of a second
SCHEDULE_WAIT_MS = 30_000  # the scheduler looks every second; the entry is due in ~8 s
ZONE = "Europe/Berlin"
SLUG = "harbour-storm"

HEADLINE = "Harbour wall breached at Pier 4"
CORRECTED = "Harbour wall breached at Pier 5"
CORRECTION = "An earlier version of this entry named the wrong pier."
QUOTE = "Stay away from the sea front tonight."
QUOTED = "Coastguard"
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def desk_server(transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    """`bulletin serve` with its scheduler on, keeping uploads in this test's folder."""
    server = Server(env={"BULLETIN_DATA_DIR": str(tmp_path / "data")}, scheduler=True).start()
    yield server
    server.stop()


def answer_editor_dialog(page: Page, title: str, fields: dict[str, str]) -> None:
    """Type into the body editor's dialog (desk/dialog.js) by field label, then press Enter."""
    dialog = page.get_by_role("dialog", name=title)
    expect(dialog).to_be_visible()
    for label, value in fields.items():
        dialog.get_by_label(label, exact=True).fill(value)
    page.keyboard.press("Enter")
    # Gone from the page, not only closed (hidden): the text has the focus back by then.
    expect(page.locator("dialog.editor-dialog")).to_have_count(0)


@dataclass
class Dialogs:
    """Answers a page's prompts in order and accepts its confirms, remembering what it asked."""

    answers: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> Dialogs:
        page.on("dialog", self._answer)
        return self

    def _answer(self, dialog: Dialog) -> None:
        self.asked.append(dialog.message)
        if dialog.type == "prompt":
            dialog.accept(self.answers.pop(0) if self.answers else "")
        else:
            dialog.accept()


def _shot(page: Page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky desk bar lands mid-picture
    page.screenshot(path=str(artifacts_dir() / name), full_page=True)


def _ready(page: Page) -> Page:
    """Wait until the desk's script ran: it moves the focus to the composer when it starts."""
    expect(page.locator("html.js")).to_have_count(1)
    return page


def _sign_in(reader: Reader, user: User) -> Page:
    page = reader.open("/desk/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{reader.server.base}/desk/")
    return _ready(page)


def _open_reader(reader: Reader, slug: str) -> Page:
    page = reader.open(f"/live/{slug}")
    # Gone after any reload: proves that what the page shows later arrived live.
    page.evaluate("window.stillTheSamePage = true")
    return page


def _assert_never_reloaded(page: Page) -> None:
    assert page.evaluate("window.stillTheSamePage") is True


def _reader_entry(page: Page, headline: str) -> Locator:
    return page.locator("#stream > article").filter(
        has=page.locator(".entry__headline", has_text=headline)
    )


def _desk_card(page: Page, panel: str, headline: str) -> Locator:
    return page.locator(f"#desk-panels .panel.{panel} .desk-entry").filter(has_text=headline)


def _local_input(when: datetime, zone: str) -> str:
    """The value a datetime-local input with seconds holds for ``when`` in ``zone``."""
    local = when.astimezone(ZoneInfo(zone)).replace(microsecond=0)
    if local.second == 0:
        # Chromium writes whole minutes without seconds; keep the value as typed.
        local += timedelta(seconds=1)
    return local.strftime("%Y-%m-%dT%H:%M:%S")


def _small_png(folder: Path) -> Path:
    path = folder / "pier.png"
    picture = Image.new("RGB", (64, 48), (20, 90, 160))
    picture.paste((240, 240, 240), (0, 30, 64, 48))  # a pier under a blue sky
    picture.save(path, format="PNG")
    return path


def _write_body(page: Page) -> None:
    """A paragraph with a bold phrase (Ctrl+B), a quote and a list from the toolbar."""
    page.locator("#composer .rich-editor").click()
    page.keyboard.type("Water is pouring through a ")
    page.keyboard.press("Control+b")
    page.keyboard.type("ten-metre gap")
    page.keyboard.press("Control+b")
    page.keyboard.type(" in the sea wall.")
    page.keyboard.press("Enter")
    page.click("#composer [data-command=quote]")
    answer_editor_dialog(page, "Add quote", {"Quote": QUOTE, "Who said it (optional)": QUOTED})
    page.click("#composer [data-command=list]")
    page.keyboard.type("Pier 4 closed")
    page.keyboard.press("Enter")
    page.keyboard.type("Ferries suspended")


@dataclass
class Night:
    """The pages of one newsroom night: the editor's desk and a reader's live page."""

    desk: Page
    reader: Page
    dialogs: Dialogs


def _start_the_blog(desk: Page, base: str) -> None:
    desk.get_by_role("link", name="New live blog").click()
    _ready(desk).fill("#title", "Harbour storm: Live Updates")
    desk.fill("#slug", SLUG)
    desk.fill("#timezone", ZONE)
    _shot(desk, "desk-02-new-blog-form.png")
    desk.get_by_role("button", name="Create live blog").click()
    desk.wait_for_url(f"{base}/desk/{SLUG}/")
    expect(desk.locator(".flash")).to_contain_text("Created “Harbour storm: Live Updates”")
    expect(desk.locator(".status-panel .badge")).to_have_text("Draft")

    desk.get_by_role("button", name="Go live").click()
    expect(desk.locator(".flash")).to_contain_text("Coverage is live")
    expect(desk.locator(".status-panel .badge")).to_have_text("Live")
    expect(desk.get_by_role("button", name="End coverage")).to_be_visible()
    expect(_ready(desk).locator("[data-live-state]")).to_have_attribute("data-state", "live")
    assert LiveBlog.objects.get(slug=SLUG).timezone == ZONE
    _shot(desk, "desk-03-live.png")


def _publish_a_rich_entry(night: Night, tmp_path: Path) -> int:
    desk, reader = night.desk, night.reader
    desk.fill("#c-headline", HEADLINE)
    _write_body(desk)
    body = desk.locator("#c-body").input_value()
    assert "<strong>ten-metre gap</strong>" in body
    assert f"<blockquote><p>{QUOTE}</p><cite>{QUOTED}</cite></blockquote>" in body
    assert "<ul><li>Pier 4 closed</li><li>Ferries suspended</li></ul>" in body

    desk.locator("#composer summary", has_text="Image").click()
    desk.set_input_files("#c-image", _small_png(tmp_path))
    expect(desk.locator("#composer [data-image-id]")).to_have_value(
        re.compile(r"^\d+$"), timeout=WAIT_MS
    )
    expect(desk.locator("#composer [data-image-preview] img")).to_be_visible()
    desk.fill("#c-image_alt", "Sea water pouring through a gap in the harbour wall")
    desk.fill("#c-image_caption", "The breach at Pier 4 at 21:10")
    desk.fill("#c-image_credit", "Jo Lane / Harbour Press")
    desk.locator("#composer summary", has_text="Video or post").click()
    desk.fill("#c-embed_url", YOUTUBE)
    expect(desk.locator("#composer [data-embed-kind]")).to_contain_text("YouTube video")

    preview = desk.locator("[data-preview-target]")
    expect(preview.locator(".entry__headline")).to_have_text(HEADLINE, timeout=WAIT_MS)
    expect(preview.locator(".entry__embed")).to_have_attribute("data-provider", "youtube")
    expect(preview.locator("figcaption")).to_contain_text("Jo Lane / Harbour Press")
    _shot(desk, "desk-04-composer-preview.png")

    shown = Stopwatch("desk Ctrl+Enter to entry shown on the reader page")
    desk.locator("#c-headline").press("Control+Enter")
    entry = _reader_entry(reader, HEADLINE)
    expect(entry).to_be_visible(timeout=WAIT_MS)
    shown.stop()

    expect(desk.locator(".flash")).to_contain_text("Published.")
    expect(_desk_card(desk, "stream", HEADLINE)).to_be_visible()
    # The page forgot the draft it kept for this entry, and tidied its address.
    expect(desk).to_have_url(f"{reader.url.split('/live/')[0]}/desk/{SLUG}/")

    expect(entry.locator(".entry__body strong")).to_have_text("ten-metre gap")
    expect(entry.locator("blockquote")).to_contain_text(QUOTE)
    expect(entry.locator("blockquote cite")).to_have_text(QUOTED)
    expect(entry.locator(".entry__body li")).to_have_text(["Pier 4 closed", "Ferries suspended"])
    image = entry.locator(".entry__image img")
    expect(image).to_have_attribute("alt", "Sea water pouring through a gap in the harbour wall")
    expect(entry.locator(".entry__image figcaption")).to_contain_text(
        "The breach at Pier 4 at 21:10"
    )
    expect(entry.locator(".entry__credit")).to_have_text("Jo Lane / Harbour Press")
    image.scroll_into_view_if_needed()
    reader.wait_for_function(
        "img => img.complete && img.naturalWidth === 64", arg=image.element_handle()
    )
    embed = entry.locator(".entry__embed[data-provider=youtube]")
    expect(embed.locator(".entry__embed-load")).to_be_visible()  # click-to-load, not loaded
    assert embed.locator("iframe").count() == 0
    _assert_never_reloaded(reader)
    _shot(reader, "desk-05-reader-sees-entry.png")
    return int(entry.get_attribute("data-entry-id") or 0)


def _draft_survives_a_reload(night: Night) -> None:
    desk = night.desk
    # Kept on the server as the writer's draft (tests/browser/test_desk_drafts.py has more).
    with desk.expect_response(
        lambda r: "/drafts/" in r.url and "above normal." in (r.request.post_data or "")
    ):
        desk.fill("#c-headline", "Tide times for tonight")
        desk.locator("#composer .rich-editor").click()
        desk.keyboard.type("High tide at 23:40, half a metre above normal.")
    status = desk.locator("[data-autosave-status]")
    expect(status).to_have_text("Draft saved on the desk")
    desk.reload()
    expect(_ready(desk).locator("#c-headline")).to_have_value("Tide times for tonight")
    expect(desk.locator("#composer .rich-editor")).to_have_text(
        "High tide at 23:40, half a metre above normal."
    )
    expect(status).to_have_text("Draft restored from the desk")
    _shot(desk, "desk-06-draft-restored.png")

    desk.fill("#c-headline", "")
    desk.locator("#composer .rich-editor").click()
    desk.keyboard.press("Control+a")
    desk.keyboard.press("Delete")
    expect(status).to_have_text("", timeout=WAIT_MS)  # emptied: the draft is cleared
    desk.reload()
    expect(_ready(desk).locator("#c-headline")).to_have_value("")
    expect(status).to_have_text("")


def _edit_with_a_correction(night: Night, entry_id: int) -> None:
    desk, reader = night.desk, night.reader
    desk.locator(f"#desk-entry-{entry_id}").get_by_role("link", name="Edit").click()
    desk.wait_for_url(re.compile(rf"/entries/{entry_id}/edit$"))
    expect(_ready(desk).locator("#e-headline")).to_have_value(HEADLINE)
    desk.fill("#e-headline", CORRECTED)
    desk.fill("#e-correction_note", CORRECTION)
    _shot(desk, "desk-07-edit-form.png")
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator(".flash")).to_contain_text("Saved revision 2.")
    expect(desk.locator(f"#desk-entry-{entry_id} .entry__headline")).to_have_text(CORRECTED)

    entry = reader.locator(f"#entry-{entry_id}")
    expect(entry.locator(".entry__headline")).to_have_text(CORRECTED, timeout=WAIT_MS)
    expect(entry.locator(".entry__correction")).to_have_text(f"Correction: {CORRECTION}")
    assert reader.locator("#stream > article").count() == 1
    _assert_never_reloaded(reader)
    _shot(reader, "desk-08-reader-sees-correction.png")


def _pin_and_key_points(night: Night, entry_id: int) -> None:
    desk, reader = night.desk, night.reader
    desk.locator(f"#desk-entry-{entry_id}").get_by_role("button", name="Pin").click()
    expect(desk.locator(".flash")).to_contain_text("Pinned.")
    expect(_ready(desk).locator(f"#desk-entry-{entry_id} .badge-pinned")).to_be_visible()
    pinned = reader.locator("#pinned")
    expect(pinned).to_be_visible(timeout=WAIT_MS)
    expect(pinned.locator(".entry__headline")).to_have_text(CORRECTED)

    points = desk.locator("[data-key-point-list] input[name=point]")
    expect(points).to_have_count(3)
    points.nth(0).fill("Harbour wall breached at Pier 5")
    points.nth(1).fill("Ferries suspended until morning")
    points.nth(2).fill("Stay away from the sea front")
    desk.locator("[data-key-point-list] > li").nth(2).get_by_role("button", name="Move up").click()
    assert points.evaluate_all("inputs => inputs.map(input => input.value)") == [
        "Harbour wall breached at Pier 5",
        "Stay away from the sea front",
        "Ferries suspended until morning",
    ]
    desk.get_by_role("button", name="Publish key points").click()
    expect(desk.locator(".flash")).to_contain_text("Key points published.")
    _ready(desk)

    expect(reader.locator("#key-points-list li")).to_have_text(
        [
            "Harbour wall breached at Pier 5",
            "Stay away from the sea front",
            "Ferries suspended until morning",
        ],
        timeout=WAIT_MS,
    )
    expect(points.nth(1)).to_have_value("Stay away from the sea front")
    _assert_never_reloaded(reader)
    _shot(reader, "desk-09-reader-pinned-and-key-points.png")


def _schedule_an_entry(night: Night) -> None:
    desk, reader = night.desk, night.reader
    headline = "Evening briefing from the harbour master"
    due = datetime.now(ZoneInfo(ZONE)) + timedelta(seconds=8)
    desk.fill("#c-headline", headline)
    desk.locator("#composer .rich-editor").click()
    desk.keyboard.type("The harbour master speaks at the lifeboat station.")
    desk.fill("#c-scheduled_for", _local_input(due, ZONE))
    desk.get_by_role("button", name="Schedule", exact=True).click()
    expect(desk.locator(".flash")).to_contain_text("Scheduled.")
    expect(_desk_card(desk, "scheduled", headline)).to_be_visible()
    # Shown in the blog's time zone, as it was typed.
    expect(_desk_card(desk, "scheduled", headline)).to_contain_text(f"for {due:%a %-d %b, %H:%M}")
    assert _reader_entry(reader, headline).count() == 0
    assert datetime.now(ZoneInfo(ZONE)) < due, "the test took too long to check the reader"
    _shot(desk, "desk-10-scheduled.png")

    waited = Stopwatch("scheduled entry due to shown on the reader page (from scheduling)")
    expect(_reader_entry(reader, headline)).to_be_visible(timeout=SCHEDULE_WAIT_MS)
    waited.stop()
    assert datetime.now(ZoneInfo(ZONE)) >= due.replace(microsecond=0)
    # The desk page was not reloaded: its live refresh moved the entry to Published.
    expect(_desk_card(desk, "stream", headline)).to_be_visible(timeout=WAIT_MS)
    expect(desk.locator("#desk-panels .panel.scheduled")).to_have_count(0)
    _assert_never_reloaded(reader)


def _review_a_contribution(night: Night, contributor_page: Page) -> str:
    desk, reader = night.desk, night.reader
    headline = "Lifeboat launched from Pier 2"
    desk.evaluate("window.stillTheSameDesk = true")
    expect(desk.locator("[data-queue-count]")).to_have_text("0")

    contributor_page.fill("#c-headline", headline)
    contributor_page.locator("#composer .rich-editor").click()
    contributor_page.keyboard.type("Four crew launched at 21:32 after a call from a trawler.")
    contributor_page.get_by_role("button", name="Submit for review").click()
    expect(contributor_page.locator(".flash")).to_contain_text("Sent to the editors for review.")
    expect(_desk_card(contributor_page, "queue", headline)).to_be_visible()

    expect(desk.locator("[data-queue-count]")).to_have_text("1", timeout=WAIT_MS)
    expect(_desk_card(desk, "queue", headline)).to_be_visible()
    expect(desk.locator("[data-toast]")).to_be_visible()
    expect(desk.locator("[data-toast]")).to_have_text(
        "Kit Contributor submitted an entry for review"
    )
    assert desk.evaluate("window.stillTheSameDesk") is True
    assert _reader_entry(reader, headline).count() == 0
    _shot(desk, "desk-11-review-queue.png")

    _desk_card(desk, "queue", headline).get_by_role("button", name="Approve").click()
    expect(desk.locator(".flash")).to_contain_text("Approved and published.")
    expect(desk.locator("[data-queue-count]")).to_have_text("0")
    expect(_desk_card(desk, "stream", headline)).to_be_visible()
    expect(_reader_entry(reader, headline)).to_be_visible(timeout=WAIT_MS)
    # The contributor's desk follows too: the entry left the queue for Published.
    expect(_desk_card(contributor_page, "stream", headline)).to_be_visible(timeout=WAIT_MS)
    expect(contributor_page.locator("[data-queue-count]")).to_have_text("0")
    _assert_never_reloaded(reader)
    return headline


def _delete_an_entry(night: Night, headline: str) -> None:
    desk, reader = night.desk, night.reader
    entry = _reader_entry(reader, headline)
    expect(entry).to_be_visible()
    card = _desk_card(desk, "stream", headline)
    card.get_by_role("button", name="Delete").click()
    expect(desk.locator(".flash")).to_contain_text("Deleted.")
    assert "Delete this entry? Readers see it disappear." in night.dialogs.asked
    expect(card).to_have_count(0)
    expect(entry).to_have_count(0, timeout=WAIT_MS)
    expect(_reader_entry(reader, CORRECTED)).to_be_visible()
    _assert_never_reloaded(reader)
    _shot(reader, "desk-13-reader-after-delete.png")


def test_a_newsroom_night_on_the_desk_is_seen_live_by_a_reader(
    desk_server, reader_factory, tmp_path
):
    make = Factory()
    editor = make.user("ana", is_staff=True, display_name="Ana Editor")
    contributor = make.user("kit", display_name="Kit Contributor")
    editors = reader_factory(desk_server)
    desk = _sign_in(editors, editor)
    dialogs = Dialogs().watch(desk)
    expect(desk.get_by_role("heading", name="Your live blogs")).to_be_visible()
    _shot(desk, "desk-01-signed-in.png")

    _start_the_blog(desk, desk_server.base)
    readers = reader_factory(desk_server)
    night = Night(desk, _open_reader(readers, SLUG), dialogs)
    expect(night.reader.locator("#stream-empty")).to_be_visible()

    entry_id = _publish_a_rich_entry(night, tmp_path)
    _draft_survives_a_reload(night)
    _edit_with_a_correction(night, entry_id)
    _pin_and_key_points(night, entry_id)
    _schedule_an_entry(night)

    Membership.objects.create(
        blog=LiveBlog.objects.get(slug=SLUG), user=contributor, role=Role.CONTRIBUTOR
    )
    contributors = reader_factory(desk_server)
    contributor_page = _sign_in(contributors, contributor)
    contributor_page.get_by_role("link", name="Harbour storm: Live Updates").click()
    expect(_ready(contributor_page).get_by_role("button", name="Submit for review")).to_be_visible()
    approved = _review_a_contribution(night, contributor_page)

    desk.set_viewport_size(MOBILE)
    _shot(desk, "desk-12-desk-mobile.png")
    desk.set_viewport_size(DESKTOP)
    _delete_an_entry(night, approved)

    statuses = dict(Entry.objects.filter(blog__slug=SLUG).values_list("headline", "status"))
    assert statuses == {
        CORRECTED: "published",
        "Evening briefing from the harbour master": "published",
        approved: "deleted",
    }
    for context in (editors, readers, contributors):
        assert context.watch.external == []  # nothing left the machine: no YouTube, no fonts


def _editors_of_one_entry(make: Factory) -> tuple[LiveBlog, User, User, Entry]:
    ana = make.user("ana", is_staff=True, display_name="Ana Editor")
    blog = make.blog(ana, title="Harbour storm Live Updates", timezone=ZONE)
    ben = make.member(blog, Role.EDITOR, "ben")
    User.objects.filter(pk=ben.pk).update(display_name="Ben Editor")
    entry = make.entry(blog, ana, headline="Bridge closed", body="<p>Both lanes shut.</p>")
    return blog, ana, ben, entry


def test_a_second_save_of_the_same_revision_shows_both_versions_and_keeps_the_first(
    desk_server, reader_factory
):
    blog, ana, ben, entry = _editors_of_one_entry(Factory())
    edit_path = f"/desk/{blog.slug}/entries/{entry.pk}/edit"
    first = _sign_in(reader_factory(desk_server), ana)
    seconds = reader_factory(desk_server)
    second = _sign_in(seconds, ben)
    reader = _open_reader(reader_factory(desk_server), blog.slug)
    for page in (first, second):
        page.goto(desk_server.base + edit_path)
        _ready(page)

    first.fill("#e-headline", "Bridge closed to all traffic")
    first.get_by_role("button", name="Save", exact=True).click()
    expect(first.locator(".flash")).to_contain_text("Saved revision 2.")
    expect(reader.locator(f"#entry-{entry.pk} .entry__headline")).to_have_text(
        "Bridge closed to all traffic", timeout=WAIT_MS
    )

    second.fill("#e-headline", "Bridge closed until Monday")
    with second.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/edit")
    ) as answer:
        second.get_by_role("button", name="Save", exact=True).click()
    assert answer.value.status == 409
    conflict = second.locator(".conflict")
    expect(conflict).to_be_visible()
    expect(conflict.locator("#conflict-title")).to_have_text(
        "Ana Editor saved this entry while you were editing"
    )
    theirs, yours = conflict.locator(".compare > div").all()
    expect(theirs.locator("h3")).to_have_text("Theirs (revision 2, saved)")
    expect(theirs.locator(".entry__headline")).to_have_text("Bridge closed to all traffic")
    expect(yours.locator("h3")).to_have_text("Yours (not saved)")
    expect(yours.locator(".entry__headline")).to_have_text("Bridge closed until Monday")
    expect(second.get_by_role("button", name="Save over their version")).to_be_visible()
    expect(second.locator("#e-headline")).to_have_value("Bridge closed until Monday")
    _shot(second, "desk-14-conflict.png")
    # Chromium logs every page that answers with an error status; this one is meant.
    refused = f"console error on {second.url}: Failed to load resource: the server responded"
    assert seconds.watch.errors == [f"{refused} with a status of 409 (Conflict)"]
    seconds.watch.errors.clear()

    entry.refresh_from_db()
    assert (entry.headline, entry.revision) == ("Bridge closed to all traffic", 2)
    reader.wait_for_timeout(500)  # a wrongly pushed change would arrive well within this
    expect(reader.locator(f"#entry-{entry.pk} .entry__headline")).to_have_text(
        "Bridge closed to all traffic"
    )
    _assert_never_reloaded(reader)


def test_the_desk_shows_who_is_editing_an_entry(desk_server, reader_factory):
    blog, ana, ben, entry = _editors_of_one_entry(Factory())
    watching = _sign_in(reader_factory(desk_server), ben)
    watching.goto(f"{desk_server.base}/desk/{blog.slug}/")
    badge = watching.locator(f"#desk-entry-{entry.pk} [data-editing-for='{entry.pk}']")
    expect(badge).to_be_hidden()
    expect(watching.locator("[data-live-state]")).to_have_attribute("data-state", "live")

    editing = _sign_in(reader_factory(desk_server), ana)
    seen = Stopwatch("edit form opened to presence shown on another desk")
    editing.goto(f"{desk_server.base}/desk/{blog.slug}/entries/{entry.pk}/edit")
    expect(badge).to_have_text("Ana Editor is editing this entry", timeout=WAIT_MS)
    seen.stop()
    _shot(watching, "desk-15-presence.png")

    editing.get_by_role("link", name="Cancel").click()  # leaving the form says goodbye
    expect(badge).to_be_hidden(timeout=WAIT_MS)
