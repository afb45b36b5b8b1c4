"""Finding, bulk actions and restore on the desk, in a real Chromium, with a reader's page
open beside it: an entry 3,000 entries back is found by its words; filters and pages work
without a script; unpublishing several at once drops them from the reader's page live; a
deleted entry comes back from the activity log; a taken-down one never does."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Dialog, Locator, Page, expect

from bulletin.accounts.models import Role, User
from bulletin.blogs import services
from bulletin.blogs.models import Entry, LiveBlog
from tests.browser.axe import assert_accessible
from tests.browser.conftest import Reader, artifacts_dir
from tests.factories import Factory
from tests.realtime.support import Server

PASSWORD = "a-long-test-password"  # what tests.factories gives every user
WAIT_MS = 10_000
OLD_ENTRIES = 3_000
NEEDLE = "Lighthouse keeper rescued from the rocks"


@pytest.fixture
def desk_server(transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    server = Server(env={"BULLETIN_DATA_DIR": str(tmp_path / "data")}).start()
    yield server
    server.stop()


def _newsroom(make: Factory) -> tuple[LiveBlog, User]:
    editor = make.user("ana", is_staff=True, display_name="Ana Editor")
    blog = make.blog(editor, title="Harbour storm Live Updates")
    return blog, editor


def _old_entries(blog: LiveBlog, count: int) -> None:
    """``count`` published entries, the oldest first, written in bulk as an import would be:
    the search index follows rows written any way (blogs/search.py)."""
    start = timezone.now() - timedelta(minutes=count + 10)
    rows = []
    for n in range(count):
        headline = NEEDLE if n == 0 else f"Routine update {n}"
        moment = start + timedelta(minutes=n)
        rows.append(
            Entry(
                blog=blog,
                headline=headline,
                body="<p>Water levels at the quay are being watched.</p>",
                html=f'<h2 class="entry__headline">{headline}</h2>',
                status="published",
                display_at=moment,
                published_at=moment,
                created_at=moment,
                updated_at=moment,
            )
        )
    Entry.objects.bulk_create(rows, batch_size=500)


def _sign_in(reader: Reader, user: User) -> Page:
    page = reader.open("/desk/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{reader.server.base}/desk/")
    expect(page.locator("html.js")).to_have_count(1)
    return page


def _accept_dialogs(page: Page) -> Page:
    page.on("dialog", lambda dialog: Dialog.accept(dialog))
    return page


def _reader_entry(page: Page, headline: str) -> Locator:
    return page.locator("#stream > article").filter(
        has=page.locator(".entry__headline", has_text=headline)
    )


def _open_reader(reader: Reader, slug: str) -> Page:
    page = reader.open_following(f"/live/{slug}")
    page.evaluate("window.stillTheSamePage = true")  # gone after any reload
    return page


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(artifacts_dir() / name), full_page=True)


# 3,000 rows written and a dozen pages loaded: more than the suite's 120 s on a loaded machine.
@pytest.mark.timeout(600)
def test_search_finds_an_entry_3000_entries_back_and_filters_and_pages_work(
    desk_server, reader_factory
):
    blog, editor = _newsroom(Factory())
    _old_entries(blog, OLD_ENTRIES)
    desk = _sign_in(reader_factory(desk_server), editor)
    desk.goto(f"{desk_server.base}/desk/{blog.slug}/")
    expect(desk.locator("#desk-panels")).not_to_contain_text(NEEDLE)

    desk.get_by_label("Words").fill("lighthouse keepers")
    desk.get_by_role("button", name="Find", exact=True).click()

    results = desk.locator("#desk-results")
    expect(results.locator(".count")).to_have_text("1")
    expect(results.locator(".desk-entry")).to_contain_text(NEEDLE)
    assert "q=lighthouse+keepers" in desk.url
    _shot(desk, "desk-find-01-search.png")
    assert_accessible(desk, "the desk with search results")

    # Filters: the same words among drafts find nothing; a date range before it neither.
    desk.locator("select[name=status]").select_option("draft")
    desk.get_by_role("button", name="Find", exact=True).click()
    expect(results.locator(".count")).to_have_text("0")
    expect(results).to_contain_text("No entries match.")

    # Paging through every published entry, no words: 50 a page, the oldest on the last.
    desk.get_by_label("Words").fill("")
    desk.locator("select[name=status]").select_option("published")
    desk.get_by_role("button", name="Find", exact=True).click()
    expect(results.locator(".count")).to_have_text(str(OLD_ENTRIES))
    expect(results.locator(".desk-entry")).to_have_count(50)
    expect(results).to_contain_text("page 1 of 60")
    desk.get_by_role("link", name="Next page →").click()
    expect(results).to_contain_text("page 2 of 60")
    expect(results.locator(".desk-entry").first).to_contain_text(
        f"Routine update {OLD_ENTRIES - 51}"
    )
    desk.goto(f"{desk_server.base}/desk/{blog.slug}/?status=published&page=60")
    expect(results.locator(".desk-entry").last).to_contain_text(NEEDLE)

    # A bad date is refused, naming the field, what it expects and what came.
    # (Fetched beside the page: a 400 page in the tab is a console error, failing the test.)
    response = desk.request.get(f"{desk_server.base}/desk/{blog.slug}/?date_from=31.12.2026")
    assert response.status == 400
    said = html.unescape(response.text())
    assert "date_from: expected a date such as 2026-12-03 (YYYY-MM-DD), got '31.12.2026'" in said


def test_bulk_unpublish_drops_the_entries_from_the_readers_page_live(desk_server, reader_factory):
    make = Factory()
    blog, editor = _newsroom(make)
    chosen = [make.entry(blog, editor, headline=f"Unconfirmed report {n}") for n in range(3)]
    kept = make.entry(blog, editor, headline="Confirmed: the bridge is closed")
    reader = _open_reader(reader_factory(desk_server), blog.slug)
    for entry in [*chosen, kept]:
        expect(_reader_entry(reader, entry.headline)).to_have_count(1)
    desk = _sign_in(reader_factory(desk_server), editor)
    desk.goto(f"{desk_server.base}/desk/{blog.slug}/?q=unconfirmed")
    expect(desk.locator("[data-live-state]")).to_have_attribute("data-state", "live")

    for entry in chosen:
        desk.locator(f"#desk-results #desk-entry-{entry.pk} input.bulk-pick").check()
    expect(desk.locator("[data-bulk-count]")).to_have_text("3 selected")
    desk.locator("select[name=action]").select_option("unpublish")
    desk.locator("#desk-bulk").get_by_role("button", name="Apply").click()

    expect(desk.locator(".flash")).to_contain_text("Unpublished 3 entries.")
    for entry in chosen:
        expect(_reader_entry(reader, entry.headline)).to_have_count(0, timeout=WAIT_MS)
    expect(_reader_entry(reader, kept.headline)).to_have_count(1)
    assert reader.evaluate("window.stillTheSamePage") is True
    assert {e.status for e in Entry.objects.filter(pk__in=[e.pk for e in chosen])} == {"draft"}
    _shot(desk, "desk-find-02-bulk-unpublished.png")


def test_a_deleted_entry_is_restored_from_the_activity_log_and_the_reader_sees_it_back(
    desk_server, reader_factory
):
    make = Factory()
    blog, editor = _newsroom(make)
    entry = make.entry(blog, editor, headline="Evacuation centre opens at the school")
    reader = _open_reader(reader_factory(desk_server), blog.slug)
    expect(_reader_entry(reader, entry.headline)).to_have_count(1)
    desk = _accept_dialogs(_sign_in(reader_factory(desk_server), editor))
    desk.goto(f"{desk_server.base}/desk/{blog.slug}/")

    desk.locator(f"#desk-entry-{entry.pk}").get_by_role("button", name="Delete").click()
    expect(desk.locator(".flash")).to_contain_text("Deleted.")
    expect(_reader_entry(reader, entry.headline)).to_have_count(0, timeout=WAIT_MS)

    desk.get_by_role("link", name="Activity").click()
    restore = desk.get_by_role("button", name=f"Restore “{entry.headline}”")
    expect(restore).to_have_count(1)
    _shot(desk, "desk-find-03-activity-restore.png")
    assert_accessible(desk, "the activity log with a Restore button")
    restore.click()

    expect(desk.locator(".flash")).to_contain_text("Restored.")
    expect(_reader_entry(reader, entry.headline)).to_have_count(1, timeout=WAIT_MS)
    assert reader.evaluate("window.stillTheSamePage") is True
    assert Entry.objects.get(pk=entry.pk).status == "published"
    expect(desk.get_by_role("button", name=f"Restore “{entry.headline}”")).to_have_count(0)


def test_a_taken_down_entry_offers_no_restore_and_the_server_refuses_one(
    desk_server, reader_factory
):
    make = Factory()
    blog, editor = _newsroom(make)
    colleague = make.member(blog, Role.EDITOR, "ben")
    entry = make.entry(blog, editor, headline="Named the wrong man")
    services.delete_entry(editor, entry)
    services.takedown_entry(colleague, Entry.objects.get(pk=entry.pk), reason="Court order")
    desk = _sign_in(reader_factory(desk_server), editor)
    desk.goto(f"{desk_server.base}/desk/{blog.slug}/activity")
    expect(desk.locator("table.activity")).to_contain_text("Took down")

    expect(desk.get_by_role("button", name="Restore")).to_have_count(0)
    # A forged restore (the form the page does not offer) is refused by the server.
    token = desk.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = desk.request.post(
        f"{desk_server.base}/desk/{blog.slug}/entries/{entry.pk}/restore",
        form={"csrfmiddlewaretoken": token},
        headers={"Referer": desk.url},
    )
    assert response.ok
    assert "a takedown cannot be undone" in response.text()
    assert Entry.objects.get(pk=entry.pk).status == "deleted"
