"""A real Chromium under the real Content-Security-Policy: the reader page, the desk's
composer, the API docs and the admin all work and not one violation is reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from tests.browser.conftest import Reader
from tests.factories import Factory
from tests.realtime.conftest import Newsroom, api_publish

PASSWORD = "a-long-test-password"  # what tests.factories gives every user
WAIT_MS = 10_000  # generous: a change normally shows within a fraction of a second
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"

# Every page records the violations the browser reports to it (the event fires in the page
# even when nothing is sent anywhere).
_RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


class Violations:
    """Content-Security-Policy complaints of one browser context, from console and events."""

    def __init__(self, context: BrowserContext) -> None:
        self.console: list[str] = []
        context.add_init_script(_RECORD_VIOLATIONS)
        context.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def of(self, page: Page) -> list[str]:
        reported: list[str] = page.evaluate("window.__cspViolations")
        return [*reported, *self.console]


def _open(reader: Reader, path: str) -> Page:
    page = reader.context.new_page()
    response = page.goto(reader.server.base + path)
    assert response is not None, path
    assert response.ok, path
    assert response.headers["content-security-policy"], path
    return page


def _publish(room: Newsroom, headline: str, **fields: Any) -> None:
    fields.setdefault("body", f"<p>{headline}: what we know so far.</p>")
    services.publish_entry(room.editor, room.blog, EntryFields(headline=headline, **fields))


def test_the_reader_page_updates_live_and_loads_a_video_without_a_violation(
    newsroom, serve, reader_factory
):
    _publish(newsroom, "Video: waves over the promenade", embed_url=YOUTUBE)
    server = serve()
    reader = reader_factory(server, allow_hosts={"www.youtube-nocookie.com"})
    violations = Violations(reader.context)
    path = f"/live/{newsroom.blog.slug}"

    rendered = _open(reader, path)  # rendered by Django
    page = _open(reader, path)  # answered by the edge from its cache
    assert page.evaluate("document.querySelector('#liveblog').dataset.slug")
    entry_id = api_publish(server, newsroom, "Harbour wall breached")
    page.wait_for_selector(f"#stream > #entry-{entry_id}", timeout=WAIT_MS)
    rendered.wait_for_selector(f"#stream > #entry-{entry_id}", timeout=WAIT_MS)
    page.locator("button.entry__embed-load").first.click()
    frame = page.locator(".entry__embed iframe")
    frame.wait_for()
    # The stand-in for YouTube answered: a policy that refused the frame would have said so.
    page.frame_locator(".entry__embed iframe").locator("p").wait_for()

    assert (frame.get_attribute("src") or "").startswith("https://www.youtube-nocookie.com/embed/")
    assert violations.of(rendered) == []
    assert violations.of(page) == []


def test_the_embed_page_runs_under_its_own_frame_ancestors_without_a_violation(
    newsroom, serve, reader_factory
):
    _publish(newsroom, "Storm warning issued")
    server = serve()
    reader = reader_factory(server)
    violations = Violations(reader.context)

    page = _open(reader, f"/live/{newsroom.blog.slug}/embed")
    entry_id = api_publish(server, newsroom, "Ferries suspended")
    page.wait_for_selector(f"#stream > #entry-{entry_id}", timeout=WAIT_MS)

    assert violations.of(page) == []


def _small_png(folder: Path) -> Path:
    path = folder / "pier.png"
    Image.new("RGB", (64, 48), (20, 90, 160)).save(path, format="PNG")
    return path


def test_the_desk_signs_in_previews_uploads_and_publishes_without_a_violation(
    newsroom, serve, reader_factory, tmp_path
):
    server = serve(data_dir=str(tmp_path / "data"))
    desk = reader_factory(server)
    violations = Violations(desk.context)

    login = _open(desk, "/desk/login/")
    login.fill("input[name=username]", newsroom.editor.username)
    login.fill("input[name=password]", PASSWORD)
    login.get_by_role("button", name="Sign in").click()  # form-action 'self'
    login.wait_for_url(f"{server.base}/desk/")
    assert violations.of(login) == []

    page = _open(desk, f"/desk/{newsroom.blog.slug}/")
    page.fill("#c-headline", "Harbour wall breached at Pier 4")
    page.locator("#composer .rich-editor").click()
    page.keyboard.type("Water is pouring through a ")
    page.keyboard.press("Control+b")
    page.keyboard.type("ten-metre gap")
    page.locator("#composer summary", has_text="Image").click()
    page.set_input_files("#c-image", _small_png(tmp_path))
    expect(page.locator("#composer [data-image-preview] img")).to_be_visible(timeout=WAIT_MS)
    page.fill("#c-image_alt", "Sea water pouring through a gap in the harbour wall")
    page.locator("#composer summary", has_text="Video or post").click()
    page.fill("#c-embed_url", YOUTUBE)
    preview = page.locator("[data-preview-target]")
    expect(preview.locator(".entry__headline")).to_have_text(
        "Harbour wall breached at Pier 4", timeout=WAIT_MS
    )
    expect(preview.locator(".entry__body strong")).to_have_text("ten-metre gap")
    expect(preview.locator(".entry__embed")).to_have_attribute("data-provider", "youtube")
    expect(preview.locator(".entry__image img")).to_be_visible()
    page.locator("#c-headline").press("Control+Enter")
    expect(page.locator(".flash")).to_contain_text("Published.", timeout=WAIT_MS)

    assert violations.of(page) == []


def test_the_api_docs_and_the_admin_work_under_the_same_policy(newsroom, serve, reader_factory):
    staff = Factory().user("night-editor", is_staff=True, is_superuser=True)
    server = serve()
    reader = reader_factory(server)
    violations = Violations(reader.context)

    docs = _open(reader, "/api/v1/docs")
    expect(docs.locator(".opblock").first).to_be_visible(timeout=WAIT_MS)
    assert violations.of(docs) == []

    login = _open(reader, "/admin/login/")
    login.fill("input[name=username]", staff.username)
    login.fill("input[name=password]", PASSWORD)
    login.locator("input[type=submit]").click()
    login.wait_for_url(f"{server.base}/admin/")
    assert violations.of(login) == []
    for path in ("/admin/blogs/liveblog/", f"/admin/blogs/liveblog/{newsroom.blog.pk}/change/"):
        page = _open(reader, path)
        assert page.locator("#content").count() == 1
        assert violations.of(page) == [], path


def test_a_violation_would_be_seen(newsroom, serve, browser):
    # The watch above must not pass for want of listening: an inline style is reported.
    server = serve()
    context = browser.new_context()
    violations = Violations(context)
    try:
        page = context.new_page()
        page.goto(f"{server.base}/live/{newsroom.blog.slug}")
        page.evaluate("document.body.setAttribute('style', 'color: red')")
        page.wait_for_function("() => window.__cspViolations.length > 0")
        # Chromium's console line comes with the event; give it a bounded moment to be read.
        for _ in range(50):
            found = violations.of(page)
            if violations.console:
                break
            page.wait_for_timeout(20)
    finally:
        context.close()

    assert any(text.startswith("style-src-attr blocked inline") for text in found), found
    assert any("Content Security Policy" in text for text in found), found
