"""The newsroom's conventions and its bylines, as a reader and an owner see them in Chromium.

Times and dates follow the blog's language (en-us "2:39 PM EST" and "January 27", en-gb
"14:39 GMT" and "27 January", de "14:39 MEZ" and "27. Januar"): written so by the server and
kept so by the page's script. An entry credits a contributor profile (name, role, photo) and a
guest byline ("Reuters"); an owner makes the profile and a writer picks it on the desk.
Reader item 5 and 6, desk item 5; at 1280 and 390 px.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from bulletin.blogs import media, services
from bulletin.blogs.fields import ContributorFields
from bulletin.blogs.models import Entry, LiveBlog
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE, Reader, artifacts_dir
from tests.factories import Factory
from tests.realtime.support import Server

PASSWORD = "a-long-test-password"  # what tests.factories gives every user
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

# (language, zone, the moment, the time and the day as that newsroom writes them)
CONVENTIONS = [
    (
        "en-us",
        "America/New_York",
        datetime(2026, 1, 27, 19, 39, tzinfo=UTC),
        "2:39 PM EST",
        "Tuesday, January 27",
    ),
    (
        "en-gb",
        "Europe/London",
        datetime(2026, 1, 27, 14, 39, tzinfo=UTC),
        "14:39 GMT",
        "Tuesday 27 January",
    ),
    (
        "de",
        "Europe/Berlin",
        datetime(2026, 1, 27, 13, 39, tzinfo=UTC),
        "14:39 MEZ",
        "Dienstag, 27. Januar",
    ),
]


@pytest.fixture
def server(transactional_db: None, tmp_path: Path, settings) -> Iterator[Server]:
    """`bulletin serve` reading uploads from this test's folder, where the test stores them."""
    data = tmp_path / "data"
    settings.MEDIA_ROOT = data / "media"
    running = Server(env={"BULLETIN_DATA_DIR": str(data)}).start()
    yield running
    running.stop()


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (160, 160), "#2a6f97").save(out, format="PNG")
    return SimpleUploadedFile("ana.png", out.getvalue(), content_type="image/png")


def _spaces(text: str) -> str:
    # CLDR may put a narrow no-break space before "PM"; a reader sees a space.
    return re.sub(r"\s+", " ", text.replace("\u202f", " ")).strip()


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(artifacts_dir() / name), full_page=False)


def _localised(page: Page) -> Locator:
    """The first entry's time, once the page's script has written it (it adds a title)."""
    time = page.locator("#stream article .entry__time time").first
    expect(time).to_have_attribute("title", re.compile(r"\S"))
    return time


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(("language", "zone", "moment", "clock", "day"), CONVENTIONS)
def test_times_and_days_follow_the_blogs_language_with_the_zone(
    server, reader_factory, language, zone, moment, clock, day, viewport
):
    make = Factory()
    blog = make.blog(slug=f"vote-{language}", language=language, timezone=zone)
    make.entry(blog, headline="Polls close", body="<p>Counting starts.</p>", display_at=moment)

    page = reader_factory(server, viewport=VIEWPORTS[viewport]).open(f"/live/{blog.slug}")

    assert _spaces(_localised(page).inner_text()) == clock
    expect(page.locator(".day-divider").first).to_have_text(day)
    _shot(page, f"conventions-{language}-{viewport}.png")


def test_the_server_writes_the_same_time_before_any_script_runs(server, reader_factory):
    make = Factory()
    language, zone, moment, clock, day = CONVENTIONS[0]
    blog = make.blog(slug="vote-static", language=language, timezone=zone)
    make.entry(blog, headline="Polls close", display_at=moment)

    page = reader_factory(server, java_script_enabled=False).open(f"/live/{blog.slug}")

    assert _spaces(page.locator(".entry__time time").first.inner_text()) == clock
    expect(page.locator(".day-divider").first).to_have_text(day)


def _credited_entry(make: Factory) -> LiveBlog:
    blog = make.blog(slug="vote-bylines", language="en-us", timezone="America/New_York")
    owner = make.owner_of(blog)
    photo = media.save_image(owner, blog, _png(), alt="Ana Costa")
    ana = services.create_contributor(
        owner,
        blog,
        ContributorFields(name="Ana Costa", role="Washington correspondent", photo_id=photo.pk),
    )
    make.entry(
        blog,
        headline="Senate passes the budget",
        body="<p>The vote was 51 to 49.</p>",
        contributor_ids=[ana.pk],
        guest_byline="Reuters",
    )
    return blog


def _check_byline(page: Page) -> None:
    byline = page.locator("#stream article .entry__byline").first
    expect(byline).to_contain_text("Ana Costa")
    expect(byline.locator(".entry__role")).to_have_text("Washington correspondent")
    expect(byline.locator(".entry__author--guest")).to_have_text("Reuters")
    photo = byline.locator("img.entry__avatar")
    photo.scroll_into_view_if_needed()
    expect(photo).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    box = photo.bounding_box()
    assert box is not None
    assert 24 <= box["width"] <= 40  # a small round photo, not the picture


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_entry_shows_a_contributor_with_role_and_photo_and_a_guest_byline(
    server, reader_factory, viewport
):
    blog = _credited_entry(Factory())

    page = reader_factory(server, viewport=VIEWPORTS[viewport]).open(f"/live/{blog.slug}")

    _check_byline(page)
    assert_accessible(page, f"bylines ({viewport})")
    _shot(page, f"bylines-reader-{viewport}.png")


def _sign_in(reader: Reader, username: str) -> Page:
    page = reader.open("/desk/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{reader.server.base}/desk/")
    return page


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_owner_adds_a_profile_and_the_desk_credits_it_with_a_guest_byline(
    server, reader_factory, tmp_path, viewport
):
    make = Factory()
    owner = make.user("olga", is_staff=True, display_name="Olga Owner")
    blog = make.blog(owner, slug="vote-desk", language="en-us", timezone="America/New_York")
    photo = tmp_path / "ana.png"
    Image.new("RGB", (160, 160), "#2a6f97").save(photo)
    # The byline inputs are plain form inputs: they work before (and without) the desk's
    # scripts, which this test leaves out so that it tests the form itself.
    desk = _sign_in(
        reader_factory(server, viewport=VIEWPORTS[viewport], java_script_enabled=False), "olga"
    )

    desk.goto(f"{server.base}/desk/{blog.slug}/contributors")
    desk.fill("#new-name", "Ana Costa")
    desk.fill("#new-role", "Washington correspondent")
    desk.set_input_files("#new-photo", str(photo))
    desk.get_by_role("button", name="Add contributor").click()
    expect(desk.get_by_text("Added Ana Costa.")).to_be_visible()
    _shot(desk, f"bylines-desk-profiles-{viewport}.png")

    desk.goto(f"{server.base}/desk/{blog.slug}/")
    desk.fill("#c-headline", "Senate passes the budget")
    composer = desk.locator("#composer")
    composer.get_by_role("checkbox", name="Olga Owner").uncheck()
    composer.get_by_role("checkbox", name=re.compile("Ana Costa")).check()
    desk.fill("#c-guest_byline", "Reuters")
    _shot(desk, f"bylines-desk-composer-{viewport}.png")
    composer.get_by_role("button", name="Publish").click()
    expect(desk.get_by_text("Published.")).to_be_visible()

    entry = Entry.objects.get(blog=blog, headline="Senate passes the budget")
    assert entry.guest_byline == "Reuters"
    assert [person.name for person in entry.contributors.all()] == ["Ana Costa"]
    assert not entry.authors.exists()
    page = reader_factory(server, viewport=VIEWPORTS[viewport]).open(f"/live/{blog.slug}")
    _check_byline(page)
    expect(page.locator("#stream article .entry__byline").first).not_to_contain_text("Olga")
