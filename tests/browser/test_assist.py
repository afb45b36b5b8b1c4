"""The assistant in a real Chromium: the composer warns of a reworded repeat while the writer
types, and an editor's accepted key-point suggestion reaches a reader's open page live."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bulletin.accounts.models import User
from bulletin.blogs.models import LiveBlog
from tests.assist.conftest import OTHER, STORY
from tests.browser.conftest import Reader, artifacts_dir
from tests.factories import Factory
from tests.realtime.support import Server

PASSWORD = "a-long-test-password"  # what tests.factories gives every user
WAIT_MS = 10_000


@pytest.fixture
def desk_server(transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    server = Server(env={"BULLETIN_DATA_DIR": str(tmp_path / "data")}).start()
    yield server
    server.stop()


def _newsroom() -> tuple[LiveBlog, User]:
    make = Factory()
    editor = make.staff("assist-editor")
    blog = make.blog(editor, slug="storm-mara", title="Storm Mara Live Updates")
    make.entry(blog, editor, **STORY)
    make.entry(blog, editor, **OTHER)
    return blog, editor


def _sign_in(reader: Reader, user: User) -> Page:
    page = reader.open("/desk/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{reader.server.base}/desk/")
    return page


def test_the_composer_warns_while_a_reworded_copy_is_typed(desk_server, reader_factory):
    blog, editor = _newsroom()
    desk = _sign_in(reader_factory(desk_server), editor)
    desk.goto(f"{desk_server.base}/desk/{blog.slug}/")
    expect(desk.locator("html.js")).to_have_count(1)
    summary = desk.locator("[data-repeat-summary]")
    expect(summary).to_have_attribute("role", "status")
    expect(summary).to_have_attribute("aria-live", "polite")

    desk.fill("#c-headline", "Falling tree kills two on Marine Parade")
    desk.locator("#composer .rich-editor").click()
    desk.keyboard.type(
        "A man and a woman in their sixties were killed when a tree came down on their car "
        "on Marine Parade, police have said."
    )

    expect(summary).to_contain_text("This looks like", timeout=WAIT_MS)
    expect(summary).to_contain_text("Two people killed by falling tree")
    details = desk.locator("[data-repeat-details]")
    expect(details).to_be_visible()
    desk.evaluate("window.scrollTo(0, 0)")
    desk.screenshot(path=str(artifacts_dir() / "assist-01-repeat-warning.png"), full_page=True)

    # Real news on the same subject: the warning goes away.
    desk.fill("#c-headline", "Victims named as Peter and Anne Lowry")
    desk.locator("#composer .rich-editor").click()
    desk.keyboard.press("Control+a")
    desk.keyboard.type(
        "Police have named the couple as Peter and Anne Lowry, both 64, from Dunmere. "
        "Their family described them as devoted grandparents."
    )
    expect(summary).to_have_text("", timeout=WAIT_MS)
    expect(details).to_be_hidden()


def test_an_accepted_suggestion_reaches_readers_live(desk_server, reader_factory):
    blog, editor = _newsroom()
    reader = reader_factory(desk_server).open(f"/live/{blog.slug}")
    reader.evaluate("window.stillTheSamePage = true")
    desk = _sign_in(reader_factory(desk_server), editor)
    desk.goto(f"{desk_server.base}/desk/{blog.slug}/")

    panel = desk.locator("[data-key-point-suggestions]")
    first = panel.locator(".suggestion").first
    expect(first).to_be_visible()
    box = first.locator("textarea[name=text]")
    box.fill("Two people killed by a falling tree on Marine Parade")
    first.get_by_role("button", name="Add to key points").click()
    expect(desk.locator(".flash")).to_contain_text("Key point added")

    expect(reader.locator("#key-points-list li")).to_have_text(
        ["Two people killed by a falling tree on Marine Parade"], timeout=WAIT_MS
    )
    assert reader.evaluate("window.stillTheSamePage") is True
    expect(desk.locator("[data-key-point-list] input[name=point]").first).to_have_value(
        "Two people killed by a falling tree on Marine Parade"
    )
    desk.evaluate("window.scrollTo(0, 0)")
    desk.screenshot(path=str(artifacts_dir() / "assist-02-suggestions.png"), full_page=True)
