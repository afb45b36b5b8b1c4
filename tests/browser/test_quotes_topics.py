"""Topic chips and "Who said what" in Chromium: nothing until an editor switches them on, then
a chip filters the stream, entries that arrive live included."""

from __future__ import annotations

import time

from playwright.sync_api import Page, expect

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.extract import services as extract
from tests.realtime.conftest import Newsroom, api_publish

NATO = "<p>Nato defence ministers met in Brussels.</p>"
FLOODS = "<p>Floods closed the coast road near Porthkennack.</p>"
QUOTE = "<p>“The door to Nato remains open,” said Victoria Nuland.</p>"


def _publish(room: Newsroom, headline: str, body: str) -> int:
    entry = services.publish_entry(
        room.editor, room.blog, EntryFields(headline=headline, body=body)
    )
    return entry.pk


def _reload_until(page: Page, selector: str, seconds: float = 10) -> None:
    # The server looks the blog's seq up at most once a second: a change made here shows on
    # the next page it renders after that.
    deadline = time.monotonic() + seconds
    while page.locator(selector).count() == 0:
        assert time.monotonic() < deadline, f"{selector} never appeared"
        time.sleep(0.3)
        page.reload()


def test_the_panel_appears_only_after_the_editor_switches_it_on(newsroom, serve, reader_factory):
    _publish(newsroom, "Nuland in Brussels", QUOTE)
    server = serve()
    page = reader_factory(server).open(f"/live/{newsroom.blog.slug}")
    expect(page.locator("#stream > article")).to_have_count(1)
    assert page.locator("#who-said-what").count() == 0
    assert page.locator("#topics").count() == 0

    extract.set_switches(newsroom.editor, newsroom.blog, quotes=True)
    _reload_until(page, "#who-said-what")

    panel = page.locator("#who-said-what")
    expect(panel).to_be_visible()
    expect(panel.locator(".said")).to_have_count(1)
    expect(panel.locator(".said__who")).to_have_text("Victoria Nuland")
    expect(panel.locator("button.chip")).to_have_text("Victoria Nuland · 1")
    assert page.locator("#topics").count() == 0  # the chips have a switch of their own


def test_a_reader_clicks_a_topic_chip_and_sees_only_those_entries(newsroom, serve, reader_factory):
    nato = [_publish(newsroom, f"Nato update {n}", NATO) for n in range(2)]
    floods = _publish(newsroom, "Coast road closed", FLOODS)
    extract.set_switches(newsroom.editor, newsroom.blog, topics=True)
    server = serve()
    page = reader_factory(server).open(f"/live/{newsroom.blog.slug}")
    chip = page.locator("#topics button.chip", has_text="NATO")
    expect(chip).to_have_text("NATO · 2")

    chip.click()

    expect(chip).to_have_attribute("aria-pressed", "true")
    for entry_id in nato:
        expect(page.locator(f"#entry-{entry_id}")).to_be_visible()
    expect(page.locator(f"#entry-{floods}")).to_be_hidden()
    expect(page.locator("#filter-status")).to_be_visible()

    # Live updates follow the filter: a Nato entry shows and is counted, another one does not.
    arrived = api_publish(server, newsroom, "Nato again", body=NATO)
    other = api_publish(server, newsroom, "Ferries cancelled", body=FLOODS)
    expect(page.locator(f"#entry-{other}")).to_be_attached()
    expect(page.locator(f"#entry-{arrived}")).to_be_visible()
    expect(page.locator(f"#entry-{other}")).to_be_hidden()
    expect(chip).to_have_text("NATO · 3")

    page.locator("#filter-clear").click()

    expect(page.locator("#stream > article.entry:visible")).to_have_count(5)
    expect(page.locator("#filter-status")).to_be_hidden()
