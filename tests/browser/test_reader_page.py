"""The reader page in Chromium: without JavaScript, without errors, without third parties."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields, EntryFields
from bulletin.blogs.models import Entry
from bulletin.reader.stream import PAGE_SIZE
from tests.browser.conftest import DESKTOP, MOBILE, artifacts_dir
from tests.realtime.conftest import Newsroom, api_publish

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
QUOTE = (
    "<p>Residents were told to move to higher ground.</p><blockquote><p>We have never seen "
    "the water this high.</p><cite>Harbour master</cite></blockquote>"
)


def _publish(room: Newsroom, headline: str, **fields: Any) -> Entry:
    fields.setdefault("body", f"<p>{headline}: what we know so far.</p>")
    return services.publish_entry(room.editor, room.blog, EntryFields(headline=headline, **fields))


def _storm(room: Newsroom, entries: int = 6) -> list[Entry]:
    """A blog as readers meet it: entries over two days, key points, a pinned entry, a video."""
    services.update_blog(
        room.editor,
        room.blog,
        BlogFields(description="Gales and flooding along the coast: updates as they happen."),
    )
    yesterday = timezone.now() - timedelta(days=1)
    made = [
        _publish(room, f"Yesterday's update {n}", display_at=yesterday + timedelta(minutes=n))
        for n in range(max(0, entries - 4))
    ]
    made.append(_publish(room, "Sea wall breached at the harbour", body=QUOTE, breaking=True))
    made.append(_publish(room, "Video: waves over the promenade", embed_url=YOUTUBE))
    made.append(
        _publish(
            room,
            "Ferries cancelled",
            key_event=True,
            related_url="https://example.org/ferries",
            related_title="All ferry routes suspended until Friday",
        )
    )
    made.append(_publish(room, "Roads closed along the coast"))
    services.set_key_points(
        room.editor,
        room.blog,
        [("Sea wall breached", made[-4].pk), ("Ferries cancelled", None), ("Schools shut", None)],
    )
    services.pin_entry(room.editor, room.blog, made[-1])
    return made


def test_the_page_works_with_javascript_disabled(newsroom, serve, reader_factory):
    entries = [_publish(newsroom, f"Update {n}") for n in range(PAGE_SIZE + 1)]
    services.set_key_points(newsroom.editor, newsroom.blog, [("Ferries cancelled", None)])
    server = serve()
    page = reader_factory(server, java_script_enabled=False).open(f"/live/{newsroom.blog.slug}")

    assert page.locator("#stream > article").count() == PAGE_SIZE
    assert page.locator(f"#entry-{entries[-1].pk}").is_visible()
    assert page.locator("#key-points").is_visible()
    assert page.locator("#key-points-list li").all_inner_texts() == ["Ferries cancelled"]
    assert page.locator("#new-updates").is_hidden()
    older = page.locator("#load-older")
    assert older.is_visible()

    older.click()

    page.wait_for_url("**?before=*")
    assert page.locator(f"#entry-{entries[0].pk}").is_visible()


def test_no_page_logs_a_console_error_or_asks_another_host(newsroom, serve, reader_factory):
    entries = _storm(newsroom, entries=PAGE_SIZE + 2)
    server = serve()
    reader = reader_factory(server)
    slug = newsroom.blog.slug
    # Each page is read once loaded (its scripts have run, times are localised) and, if it
    # follows the blog, once its stream has answered: an error on the way would be logged.
    reader.open("/", wait_until="load").close()
    for path in [
        f"/live/{slug}",
        f"/live/{slug}?before={entries[5].pk}",
        f"/live/{slug}/e/{entries[-2].pk}",
        f"/live/{slug}/embed",
    ]:
        reader.open_following(path, wait_until="load").close()

    assert reader.watch.errors == []
    assert reader.watch.external == []


def test_an_embed_loads_its_frame_only_after_a_click(newsroom, serve, reader_factory):
    video = _publish(newsroom, "Video: waves over the promenade", embed_url=YOUTUBE)
    post = _publish(
        newsroom, "Post from the coastguard", embed_url="https://x.com/hmcg/status/123456789"
    )
    server = serve()
    reader = reader_factory(server, allow_hosts={"www.youtube-nocookie.com"})
    page = reader.open(f"/live/{newsroom.blog.slug}")
    holder = page.locator(f"#entry-{video.pk} .entry__embed")
    load = holder.locator("button.entry__embed-load")
    assert load.inner_text() == "Load content from YouTube"
    assert holder.locator("iframe").count() == 0
    # The post's widget waits for its own click: loading the video does not load it.
    assert page.locator(f"#entry-{post.pk} .entry__embed button.entry__embed-load").count() == 1
    assert page.locator(f"#entry-{post.pk} .entry__embed a").is_visible()
    page.wait_for_timeout(300)  # nothing may ask YouTube before the click: a wait for nothing
    assert reader.watch.external == []

    load.focus()
    page.keyboard.press("Enter")

    frame = holder.locator("iframe")
    frame.wait_for()
    assert (frame.get_attribute("src") or "").startswith(
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    holder.frame_locator("iframe").locator("p").wait_for()  # the stand-in answered the frame
    assert reader.watch.external
    assert all(u.startswith("https://www.youtube-nocookie.com/") for u in reader.watch.external)


@pytest.mark.parametrize(
    ("name", "viewport", "scheme"),
    [("desktop", DESKTOP, "light"), ("mobile", MOBILE, "light"), ("mobile-dark", MOBILE, "dark")],
)
def test_screenshots_at_desktop_and_mobile_widths(
    newsroom, serve, reader_factory, name, viewport, scheme
):
    _storm(newsroom)
    server = serve()
    reader = reader_factory(server, viewport=viewport, color_scheme=scheme)
    page = reader.open_following(f"/live/{newsroom.blog.slug}")

    folder = artifacts_dir()
    page.screenshot(path=folder / f"live-{name}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a {viewport['width']}px screen"

    page.evaluate("window.scrollTo(0, 900)")
    api_publish(server, newsroom, "Evacuation ordered for the lower town")
    page.locator("#new-updates").filter(has_text="1 new update").wait_for()
    page.screenshot(path=folder / f"live-{name}-new-updates.png")


def test_hostile_captions_credits_bylines_and_embed_urls_never_run_in_the_browser(
    newsroom, serve, reader_factory, tmp_path
):
    import base64

    from bulletin.blogs import services
    from bulletin.blogs.fields import EntryFields
    from bulletin.blogs.models import Media

    hostile = (
        '<script>window.pwned = 1</script><img src="data:," onerror="window.pwned = 1">'
        '"><svg onload="window.pwned = 1">'
    )
    editor = newsroom.editor
    editor.display_name = hostile
    editor.save()
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "dot.png").write_bytes(
        base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
        )
    )
    image = Media.objects.create(
        file="dot.png", alt=hostile, caption=hostile, credit=hostile, width=1, height=1
    )
    services.publish_entry(
        editor,
        newsroom.blog,
        EntryFields(
            headline="Pictures",
            image_id=image.pk,
            embed_url='https://example.com/"><script>window.pwned=1</script>',
            embed_title=hostile,
            related_url="https://example.com/story",
            related_title=hostile,
        ),
    )
    services.publish_entry(
        editor,
        newsroom.blog,
        EntryFields(
            headline="Video",
            embed_url="https://www.youtube.com/watch?v=abcdefghijk",
        ),
    )
    server = serve(data_dir=str(tmp_path))
    reader = reader_factory(server)
    for path in (f"/live/{newsroom.blog.slug}", f"/live/{newsroom.blog.slug}/embed"):
        page = reader.open(path)
        dialogs: list[str] = []
        page.on(
            "dialog", lambda dialog, seen=dialogs: (seen.append(dialog.message), dialog.dismiss())
        )
        page.wait_for_load_state("load")
        page.mouse.move(10, 10)
        assert page.evaluate("window.pwned") is None
        assert dialogs == []
        assert hostile in page.locator(".entry__byline").first.inner_text()
        assert hostile in page.locator(".entry__image figcaption").first.inner_text()
