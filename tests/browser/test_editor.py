"""The desk's body editor (ProseMirror) in a real Chromium, on a desktop and on a phone.

Clipboards are real paste events carrying a DataTransfer, as a browser fires them when someone
pastes from Word or Google Docs; pictures are real files pasted or dropped and uploaded through
the desk's image upload. Every page is watched: a console error (a CSP violation is one) fails,
and so does any browser dialog (alert, confirm, prompt): the editor asks in its own <dialog>.
"""

from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Dialog, Locator, Page, expect

from bulletin.blogs.models import Entry, LiveBlog
from bulletin.blogs.sanitize import sanitize_html
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE, Reader, artifacts_dir
from tests.browser.test_desk import (  # noqa: F401
    _ready,
    _sign_in,
    answer_editor_dialog,
    desk_server,
)
from tests.factories import Factory

WAIT_MS = 10_000
EDITOR = "#composer .rich-editor"
VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
# The editor's dialog on a desktop in light mode and on a phone in dark mode.
LOOKS = pytest.mark.parametrize(
    ("viewport", "scheme"),
    [(DESKTOP, "light"), (PHONE, "dark")],
    ids=["desktop-light", "phone-dark"],
)
ADDRESS = "Address"
ADDRESS_HINT = "Starting with https://, http:// or mailto:"
WHO = "Who said it (optional)"

# What Google Docs puts on the clipboard: the whole selection inside a <b> whose weight is
# normal, paragraphs and spans with inline styles, bold and italic as span styles.
DOCS = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b3c4d-7fff-'
    'abcd-1234-567890abcdef"><h1 dir="ltr" style="line-height:1.38;margin-top:20pt">'
    '<span style="font-size:20pt;font-family:Arial;font-weight:400">Count night</span></h1>'
    '<p dir="ltr" style="line-height:1.38;margin-top:0pt"><span style="font-size:11pt;'
    'font-family:Arial;color:#000000;font-weight:400">Turnout was </span><span style="font-size:'
    '11pt;font-family:Arial;font-weight:700">61 per cent</span><span style="font-weight:400">, '
    'the </span><span style="font-weight:400;font-style:italic">highest</span><span style="font-'
    'weight:400"> since 1992, </span><a href="https://example.org/turnout" style="text-decoration:'
    'none"><span style="color:#1155cc;text-decoration:underline">the clerk said</span></a>.</p>'
    '<ul style="margin-top:0;margin-bottom:0"><li dir="ltr" style="list-style-type:disc;font-size:'
    '11pt" aria-level="1"><p dir="ltr" role="presentation"><span style="font-weight:400">North '
    'ward</span></p></li><li dir="ltr" aria-level="1"><p dir="ltr" role="presentation"><span '
    'style="font-weight:400">South ward</span></p></li></ul><h3 dir="ltr"><span style="font-'
    'size:13pt;color:#434343;font-weight:400">Next steps</span></h3><ol><li dir="ltr" style="list-'
    'style-type:decimal"><p dir="ltr" role="presentation"><span>Recount</span></p></li></ol>'
    '<img src="https://lh7-rt.googleusercontent.com/docsz/AD_4nXpic" width="200" height="100">'
    "</b><br>"
)
DOCS_BODY = (
    "<h3>Count night</h3><p>Turnout was <strong>61 per cent</strong>, the <em>highest</em> since"
    ' 1992, <a href="https://example.org/turnout">the clerk said</a>.</p>'
    "<ul><li>North ward</li><li>South ward</li></ul><h3>Next steps</h3><ol><li>Recount</li></ol>"
)

# What Word for the desktop puts there: Mso classes and styles, <o:p>, lists as paragraphs
# with a typed bullet or number, a quote as a paragraph of class MsoQuote, a font tag.
WORD = (
    "<html xmlns:o='urn:schemas-microsoft-com:office:office'><head><style><!-- p.MsoNormal "
    "{margin:0cm;} --></style></head><body lang=EN-GB><!--StartFragment-->"
    "<h2><span style='font-family:Calibri'>Polls close</span></h2>"
    "<p class=MsoNormal><b><span style='font-size:12.0pt'>Doors shut</span></b><span "
    "style='font-size:12.0pt'> at <i>ten</i>; see <a href=\"https://example.org/polls\"><span "
    "style='color:#0563C1'>the results page</span></a>.<o:p></o:p></span></p>"
    "<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'>"
    "<![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·"
    "<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span></span>"
    "<![endif]>Ballot boxes sealed<o:p></o:p></p>"
    "<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'>"
    "<![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·"
    "<span style='font:7.0pt'>&nbsp; </span></span></span><![endif]>Count starts<o:p></o:p></p>"
    "<p class=MsoListParagraphCxSpFirst style='mso-list:l1 level1 lfo2'><![if !supportLists]>"
    "<span style='mso-list:Ignore'>1.<span style='font:7.0pt'>&nbsp; </span></span><![endif]>"
    "First<o:p></o:p></p><p class=MsoListParagraphCxSpLast style='mso-list:l1 level1 lfo2'>"
    "<![if !supportLists]><span style='mso-list:Ignore'>2.<span>&nbsp; </span></span><![endif]>"
    "Second<o:p></o:p></p>"
    "<p class=MsoQuote><font face=Georgia>Every vote will be counted.</font><o:p></o:p></p>"
    '<img width=64 height=48 src="file:///C:/Users/ana/AppData/Local/Temp/msohtmlclip1/01/'
    'clip_image001.png">'
    "<!--EndFragment--></body></html>"
)
WORD_BODY = (
    '<h3>Polls close</h3><p><strong>Doors shut</strong> at <em>ten</em>; see <a href="https://'
    'example.org/polls">the results page</a>.</p><ul><li>Ballot boxes sealed</li><li>Count'
    " starts</li></ul><ol><li>First</li><li>Second</li></ol>"
    "<blockquote><p>Every vote will be counted.</p></blockquote>"
)


def _png(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def _open_composer(reader: Reader) -> tuple[Page, LiveBlog]:
    make = Factory()
    editor = make.user("ana", is_staff=True, display_name="Ana Editor")
    blog = make.blog(editor, title="Count night", slug="count-night")
    page = _sign_in(reader, editor)

    def no_browser_dialogs(dialog: Dialog) -> None:
        reader.watch.errors.append(f"a browser {dialog.type} opened: {dialog.message!r}")
        dialog.dismiss()

    page.on("dialog", no_browser_dialogs)
    page.goto(f"{reader.server.base}/desk/{blog.slug}/")
    _ready(page)
    page.locator(EDITOR).click()
    return page, blog


def _paste_html(page: Page, html: str, text: str = "") -> None:
    page.locator(EDITOR).evaluate(
        """(editor, [html, text]) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", text);
            editor.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true }));
        }""",
        [html, text],
    )


def _dialog(page: Page, title: str) -> Locator:
    dialog = page.get_by_role("dialog", name=title)
    expect(dialog).to_be_visible()
    return dialog


def _closed(page: Page) -> None:
    """The editor's dialog is gone from the page (a closed one only hides until then)."""
    expect(page.locator("dialog.editor-dialog")).to_have_count(0)


def _editor_has_focus_on(page: Page, words: str) -> None:
    """The text has the focus back, with ``words`` still selected (or none, if empty)."""
    expect(page.locator(EDITOR)).to_be_focused()
    assert page.evaluate("() => window.getSelection().toString()") == words


def _body(page: Page) -> str:
    return page.locator("#c-body").input_value()


def _clear(page: Page) -> None:
    page.locator(EDITOR).click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    expect(page.locator("#c-body")).to_have_value("")


def _publish(page: Page, headline: str) -> Entry:
    page.fill("#c-headline", headline)
    page.locator("#c-headline").press("Control+Enter")
    expect(page.locator(".flash")).to_contain_text("Published.", timeout=WAIT_MS)
    return Entry.objects.get(headline=headline)


@VIEWPORTS
def test_paste_from_google_docs_and_word_keeps_the_structure_and_drops_the_styling(
    desk_server,  # noqa: F811
    reader_factory,
    viewport,
):
    reader = reader_factory(desk_server, viewport=viewport)
    page, blog = _open_composer(reader)

    _paste_html(page, DOCS, "Count night")
    expect(page.locator("#c-body")).to_have_value(DOCS_BODY)
    editor = page.locator(EDITOR)
    # Docs' <b style="font-weight:normal"> wrapper made nothing bold but the bold words.
    expect(editor.locator("strong")).to_have_text(["61 per cent"])
    assert editor.locator("[style], span, font, [class*=Mso], img").count() == 0

    _clear(page)
    _paste_html(page, WORD, "Polls close")
    expect(page.locator("#c-body")).to_have_value(WORD_BODY)
    assert editor.locator("[style], span, font, [class*=Mso], img").count() == 0
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # out of the quote: the second paste lands after it
    _paste_html(page, DOCS)
    expect(page.locator("#c-body")).to_have_value(WORD_BODY + DOCS_BODY)
    page.screenshot(path=str(artifacts_dir() / f"editor-paste-{viewport['width']}.png"))

    entry = _publish(page, "Polls close across the city")
    # Stored as the editor wrote it; the sanitiser only adds rel="…" to links off the site.
    assert entry.body == sanitize_html(WORD_BODY + DOCS_BODY)
    assert re.sub(r' rel="[^"]*"', "", entry.body) == WORD_BODY + DOCS_BODY
    public = reader.open(f"/live/{blog.slug}")
    body = public.locator(f"#entry-{entry.pk} .entry__body")
    expect(body.locator("h3")).to_have_text(["Polls close", "Count night", "Next steps"])
    expect(body.locator("ol li")).to_have_text(["First", "Second", "Recount"])
    expect(body.locator("blockquote")).to_have_text("Every vote will be counted.")
    expect(body.locator("a[href='https://example.org/turnout']")).to_have_text("the clerk said")


@VIEWPORTS
def test_toolbar_and_keyboard_make_lists_headings_quotes_and_tables_and_show_what_is_on(
    desk_server,  # noqa: F811
    reader_factory,
    viewport,
):
    reader = reader_factory(desk_server, viewport=viewport)
    page, blog = _open_composer(reader)
    toolbar = page.locator("#composer .toolbar")
    bold = toolbar.locator("[data-command=bold]")
    expect(bold).to_have_attribute("aria-pressed", "false")

    keys = page.keyboard
    keys.press("Control+Alt+2")
    expect(toolbar.locator("[data-command=heading]")).to_have_attribute("aria-pressed", "true")
    keys.type("Results")
    keys.press("Enter")
    keys.press("Control+Alt+3")
    expect(toolbar.locator("[data-command=subheading]")).to_have_attribute("aria-pressed", "true")
    keys.type("North")
    keys.press("Enter")
    keys.type("Blue ")
    keys.press("Control+b")
    expect(bold).to_have_attribute("aria-pressed", "true")
    keys.type("won")
    keys.press("Control+b")
    expect(bold).to_have_attribute("aria-pressed", "false")
    keys.type(", ")
    keys.press("Control+i")
    expect(toolbar.locator("[data-command=italic]")).to_have_attribute("aria-pressed", "true")
    keys.type("narrowly")
    keys.press("Control+i")
    keys.type(" ")
    keys.press("Control+k")  # nothing selected: the address becomes the link's words
    answer_editor_dialog(page, "Add link", {ADDRESS: "https://example.org/north"})
    expect(toolbar.locator("[data-command=link]")).to_have_attribute("aria-pressed", "false")
    keys.press("Enter")

    keys.press("Control+Shift+7")
    expect(toolbar.locator("[data-command=numbered]")).to_have_attribute("aria-pressed", "true")
    expect(toolbar.locator("[data-command=list]")).to_have_attribute("aria-pressed", "false")
    keys.type("Blue 12")
    keys.press("Enter")
    keys.type("Red 9")
    keys.press("Enter")
    keys.press("Enter")  # an empty item leaves the list
    expect(toolbar.locator("[data-command=numbered]")).to_have_attribute("aria-pressed", "false")
    toolbar.locator("[data-command=list]").click()
    expect(toolbar.locator("[data-command=list]")).to_have_attribute("aria-pressed", "true")
    keys.type("Turnout 61%")
    keys.press("Enter")
    keys.press("Enter")

    keys.press("Control+Shift+9")
    answer_editor_dialog(
        page, "Add quote", {"Quote": "We will recount the north.", WHO: "The returning officer"}
    )
    toolbar.locator("[data-command=table]").click()
    expect(toolbar.locator("[data-command=table]")).to_have_attribute("aria-pressed", "true")
    for word in ("Party", "Seats", "Blue", "12", "Red", "9"):
        keys.type(word)
        keys.press("Tab")  # to the next cell; the last cell's Tab adds a row
    keys.type("Green")
    expect(page.locator("#c-body")).to_have_value(re.compile("Green"))

    body = _body(page)
    assert body.startswith(
        "<h3>Results</h3><h4>North</h4><p>Blue <strong>won</strong>, <em>narrowly</em> "
        '<a href="https://example.org/north">https://example.org/north</a></p>'
        "<ol><li>Blue 12</li><li>Red 9</li></ol><ul><li>Turnout 61%</li></ul>"
        "<blockquote><p>We will recount the north.</p><cite>The returning officer</cite>"
        '</blockquote><table><tbody><tr><th scope="col"><p>Party</p></th>'
    ), body
    assert "<td><p>Green</p></td><td><p></p></td></tr></tbody></table>" in body
    page.locator(EDITOR).locator("a").click()
    expect(toolbar.locator("[data-command=link]")).to_have_attribute("aria-pressed", "true")
    expect(toolbar.locator("[data-command=heading]")).to_have_attribute("aria-pressed", "false")
    page.locator(EDITOR).locator("blockquote p").click()
    expect(toolbar.locator("[data-command=quote]")).to_have_attribute("aria-pressed", "true")
    keys.press("Control+z")  # undo stays: the table's last word goes
    expect(page.locator("#c-body")).not_to_have_value(re.compile("Green"))
    assert_accessible(page, f"the composer at {viewport['width']} px")
    page.screenshot(path=str(artifacts_dir() / f"editor-toolbar-{viewport['width']}.png"))

    entry = _publish(page, "North results")
    assert entry.body == sanitize_html(entry.body)
    public = reader.open(f"/live/{blog.slug}")
    shown = public.locator(f"#entry-{entry.pk} .entry__body")
    expect(shown.locator("h4")).to_have_text("North")
    expect(shown.locator("blockquote cite")).to_have_text("The returning officer")
    expect(shown.locator("table th")).to_have_text(["Party", "Seats"])
    expect(shown.locator("ol li")).to_have_text(["Blue 12", "Red 9"])


@LOOKS
def test_links_are_added_edited_and_removed_in_the_editors_dialog_and_a_bad_address_is_refused(
    desk_server,  # noqa: F811
    reader_factory,
    viewport,
    scheme,
):
    reader = reader_factory(desk_server, viewport=viewport, color_scheme=scheme)
    page, _ = _open_composer(reader)
    keys = page.keyboard
    link = page.locator("#composer .toolbar [data-command=link]")
    keys.type("Results from the count")
    for _ in "the count":
        keys.press("Shift+ArrowLeft")

    # Escape gives up: nothing changes, the text has the focus back on the same words.
    link.click()
    dialog = _dialog(page, "Add link")
    address = dialog.get_by_label(ADDRESS, exact=True)
    expect(address).to_be_focused()
    expect(dialog.get_by_label("Words to show (optional)")).to_have_count(0)  # words selected
    keys.press("Escape")
    _closed(page)
    _editor_has_focus_on(page, "the count")
    expect(page.locator("#c-body")).to_have_value("<p>Results from the count</p>")

    # A bad address is refused beside its field, naming what was typed; nothing is inserted.
    # The refusal says what was expected: the hint that says it too gives way to it.
    keys.press("Control+k")
    dialog = _dialog(page, "Add link")
    hint = dialog.get_by_text(ADDRESS_HINT, exact=True)
    expect(hint).to_be_visible()
    expect(address).to_have_accessible_description(ADDRESS_HINT)
    keys.type("example.org/count")
    keys.press("Enter")
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(address).to_have_accessible_description(
        "Expected an address starting with https://, http:// or mailto:, got “example.org/count”."
    )
    expect(hint).to_be_hidden()
    expect(address).to_be_focused()
    expect(page.locator("#c-body")).to_have_value("<p>Results from the count</p>")
    assert_accessible(
        page, f"the link dialog refusing an address ({viewport['width']} px, {scheme})"
    )
    page.screenshot(
        path=str(artifacts_dir() / f"editor-link-dialog-{viewport['width']}-{scheme}.png")
    )
    address.fill("javascript:alert(1)")
    keys.press("Enter")
    expect(dialog).to_contain_text("got “javascript:alert(1)”")
    expect(hint).to_be_hidden()
    # Corrected, the address is taken: the refusal goes and the hint is back, before Enter.
    address.fill("https://example.org/count")
    expect(address).not_to_have_attribute("aria-invalid", "true")
    expect(dialog.locator(".field-error")).to_have_text([""])
    expect(hint).to_be_visible()
    expect(address).to_have_accessible_description(ADDRESS_HINT)
    keys.press("Enter")
    _closed(page)
    expect(page.locator("#c-body")).to_have_value(
        '<p>Results from <a href="https://example.org/count">the count</a></p>'
    )
    _editor_has_focus_on(page, "the count")

    # On a link, Link asks again with the address filled in, and can change it or remove it.
    page.locator(f"{EDITOR} a").click()
    expect(link).to_have_attribute("aria-pressed", "true")
    link.click()
    address = _dialog(page, "Edit link").get_by_label(ADDRESS, exact=True)
    expect(address).to_have_value("https://example.org/count")
    expect(address).to_be_focused()
    address.fill("mailto:count@example.org")
    keys.press("Enter")
    expect(page.locator("#c-body")).to_have_value(
        '<p>Results from <a href="mailto:count@example.org">the count</a></p>'
    )
    keys.press("Control+k")
    _dialog(page, "Edit link").get_by_role("button", name="Remove link").click()
    expect(page.locator("#c-body")).to_have_value("<p>Results from the count</p>")
    expect(page.locator(EDITOR)).to_be_focused()

    # Nothing selected: the words to show are asked too.
    keys.press("End")
    keys.type(", with ")
    keys.press("Control+k")
    answer_editor_dialog(
        page,
        "Add link",
        {ADDRESS: "https://example.org/turnout", "Words to show (optional)": "the turnout"},
    )
    keys.type(".")
    expect(page.locator("#c-body")).to_have_value(
        '<p>Results from the count, with <a href="https://example.org/turnout">the turnout</a>.</p>'
    )


@VIEWPORTS
def test_a_quote_and_who_said_it_are_asked_in_the_editors_dialog_and_an_empty_quote_is_refused(
    desk_server,  # noqa: F811
    reader_factory,
    viewport,
):
    reader = reader_factory(desk_server, viewport=viewport)
    page, _ = _open_composer(reader)
    keys = page.keyboard

    page.locator("#composer .toolbar [data-command=quote]").click()
    dialog = _dialog(page, "Add quote")
    said = dialog.get_by_label("Quote", exact=True)
    expect(said).to_be_focused()
    dialog.get_by_label(WHO, exact=True).fill("The returning officer")
    keys.press("Enter")
    expect(said).to_have_accessible_description(
        re.compile("Expected the words of the quote, got nothing")
    )
    expect(said).to_be_focused()
    expect(page.locator("#c-body")).to_have_value("")
    assert_accessible(page, f"the quote dialog refusing an empty quote at {viewport['width']} px")
    said.fill("We will recount the north.")
    keys.press("Enter")
    _closed(page)
    quote = (
        "<blockquote><p>We will recount the north.</p>"
        "<cite>The returning officer</cite></blockquote>"
    )
    expect(page.locator("#c-body")).to_have_value(quote)
    expect(page.locator(EDITOR)).to_be_focused()

    # Words already written: only who said them is asked, and the line becomes the quote.
    keys.type("Turnout was high.")
    keys.press("Control+Shift+9")
    dialog = _dialog(page, "Make a quote")
    expect(dialog).to_contain_text("Becomes the quote: “Turnout was high.”")
    expect(dialog.get_by_label(WHO, exact=True)).to_be_focused()
    keys.type("The clerk")
    keys.press("Enter")
    expect(page.locator("#c-body")).to_have_value(
        quote + "<blockquote><p>Turnout was high.</p><cite>The clerk</cite></blockquote>"
    )


def _paste_picture(page: Page, data: str, name: str) -> None:
    page.locator(EDITOR).evaluate(
        """(editor, [data, name]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "image/png" }));
            editor.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: transfer, bubbles: true, cancelable: true }));
        }""",
        [data, name],
    )


@VIEWPORTS
def test_a_pasted_or_dropped_picture_is_uploaded_and_becomes_a_figure(
    desk_server,  # noqa: F811
    reader_factory,
    viewport,
):
    reader = reader_factory(desk_server, viewport=viewport)
    page, blog = _open_composer(reader)
    keys = page.keyboard
    keys.type("Queues at the school.")
    picture = base64.b64encode(_png()).decode()

    _paste_picture(page, picture, "queue.png")
    dialog = _dialog(page, "Describe the picture")
    expect(dialog.locator("img")).to_have_attribute("src", re.compile(r"^/media/uploads/.+\.png$"))
    expect(dialog.get_by_label("Alt text", exact=True)).to_be_focused()
    keys.type("Voters queue outside the school")
    dialog.get_by_label("Caption (optional)", exact=True).fill("Photograph: Ana Editor")
    assert_accessible(page, f"the picture dialog at {viewport['width']} px")
    page.screenshot(path=str(artifacts_dir() / f"editor-picture-dialog-{viewport['width']}.png"))
    keys.press("Enter")
    figures = page.locator(f"{EDITOR} figure img")
    expect(figures).to_have_count(1, timeout=WAIT_MS)
    expect(figures).to_have_attribute("alt", "Voters queue outside the school")
    expect(page.locator(f"{EDITOR} figcaption")).to_have_text("Photograph: Ana Editor")

    box = page.locator(f"{EDITOR} p").first.bounding_box()
    assert box is not None
    page.locator(EDITOR).evaluate(
        """(editor, [data, x, y]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "box.png", { type: "image/png" }));
            const at = { clientX: x, clientY: y, bubbles: true, cancelable: true,
                         dataTransfer: transfer };
            editor.dispatchEvent(new DragEvent("dragenter", at));
            editor.dispatchEvent(new DragEvent("dragover", at));
            editor.dispatchEvent(new DragEvent("drop", at));
        }""",
        [picture, box["x"] + 5, box["y"] + box["height"] / 2],
    )
    answer_editor_dialog(page, "Describe the picture", {"Alt text": "The ballot box"})
    expect(figures).to_have_count(2, timeout=WAIT_MS)
    expect(page.locator(f"{EDITOR} .upload-placeholder")).to_have_count(0)

    # Cancelled: the picture is not put in the text.
    _paste_picture(page, picture, "blurred.png")
    _dialog(page, "Describe the picture")
    keys.press("Escape")
    expect(page.locator("#composer .editor-status")).to_have_text("Picture not added to the text.")
    expect(page.locator(f"{EDITOR} .upload-placeholder")).to_have_count(0)
    expect(figures).to_have_count(2)

    # A picture in the text: a double click (or Enter once it is selected) asks again, filled
    # in. Only the double click is driven here: Enter on a picture selected a second or more
    # earlier was seen to add a paragraph instead (docs/desk.md, known problems).
    figures.nth(1).click()
    expect(page.locator("#composer .editor-status")).to_contain_text("Picture selected")
    figures.nth(1).dblclick()
    dialog = _dialog(page, "Describe the picture")
    expect(dialog.get_by_label("Alt text", exact=True)).to_have_value(
        "Voters queue outside the school"
    )
    caption = dialog.get_by_label("Caption (optional)", exact=True)
    expect(caption).to_have_value("Photograph: Ana Editor")
    caption.fill("Voters at Hill Street school. Photograph: Ana Editor")
    keys.press("Enter")
    expect(page.locator(f"{EDITOR} figcaption")).to_have_text(
        "Voters at Hill Street school. Photograph: Ana Editor"
    )
    figures.first.dblclick()
    answer_editor_dialog(page, "Describe the picture", {"Caption (optional)": "Sealed at 22:00"})
    expect(page.locator(f"{EDITOR} figcaption")).to_have_count(2)

    body = _body(page)
    found = re.findall(
        r'<figure><img src="(/media/uploads/[^"]+\.png)" width="64" height="48"'
        r' alt="([^"]*)"><figcaption>([^<]*)</figcaption></figure>',
        body,
    )
    assert [(alt, caption) for _, alt, caption in found] == [
        ("The ballot box", "Sealed at 22:00"),
        ("Voters queue outside the school", "Voters at Hill Street school. Photograph: Ana Editor"),
    ], body

    entry = _publish(page, "Queues at the school")
    assert entry.body == body
    public = reader.open(f"/live/{blog.slug}")
    shown = public.locator(f"#entry-{entry.pk} .entry__body figure")
    expect(shown.locator("figcaption")).to_have_text(
        ["Sealed at 22:00", "Voters at Hill Street school. Photograph: Ana Editor"]
    )
    image = shown.locator("img").first
    image.scroll_into_view_if_needed()
    public.wait_for_function(
        "img => img.complete && img.naturalWidth === 64", arg=image.element_handle()
    )
