"""Entry bodies keep a small allowlist of markup; nothing a browser would run survives."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bulletin.blogs.sanitize import (
    ALLOWED_TAGS,
    EXTERNAL_REL,
    is_external,
    plain_text,
    removals,
    sanitize_html,
)

NEVER_ALLOWED = {"script", "style", "iframe", "svg", "math", "object", "embed", "template"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = {"href", "src", "cite"}


class Parsed(HTMLParser):
    """Every start tag of some HTML with its attributes, as a browser-like parser sees them."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def as_a_browser_reads_it(url: str) -> str:
    # Browsers drop tabs and newlines anywhere in a URL and control characters and spaces
    # around it, so "java\tscript:" and " javascript:" both run script.
    url = re.sub(r"[\t\n\r]", "", html.unescape(url))
    return url.strip("".join(map(chr, range(33)))).lower()


def dangerous_urls(markup: str, attributes: set[str]) -> list[str]:
    return [
        f"<{tag} {name}={value!r}>"
        for tag, attrs in Parsed(markup).tags
        for name, value in attrs.items()
        if name in attributes and as_a_browser_reads_it(value).startswith(DANGEROUS_SCHEMES)
    ]


# --- what is kept ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    [
        "<p>Plain <strong>bold</strong> and <em>italic</em>.</p>",
        "<ul><li>one</li><li>two</li></ul>",
        "<ol><li>first</li></ol>",
        "<h3>Sub-heading</h3><h4>Smaller</h4>",
        "<p>line<br>break</p>",
        '<blockquote cite="https://example.org/speech"><p>We will rebuild.</p>'
        "<cite>The mayor</cite></blockquote>",
        '<figure><img src="https://cdn.example.org/a.jpg" alt="Flooded street" width="640" '
        'height="480"><figcaption>Main Street at noon</figcaption></figure>',
        '<a href="/live/storm">Earlier coverage</a>',
    ],
)
def test_allowlisted_markup_is_kept_as_it_is(markup):
    assert sanitize_html(markup) == markup


def test_a_tag_off_the_list_loses_its_markup_but_keeps_its_words():
    assert sanitize_html("<mark>Big</mark><span>words</span>") == "Bigwords"


def test_comments_are_dropped():
    assert sanitize_html("<p>a<!-- secret -->b</p>") == "<p>ab</p>"


def test_plain_text_keeps_only_the_words():
    assert (
        plain_text("<p>Bridge&nbsp;<strong>closed</strong></p><script>x()</script>")
        == "Bridge closed"
    )


# --- what is removed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    [
        "<p>a<script>alert(1)</script>b</p>",
        "<p>a<style>p { color: red }</style>b</p>",
        '<p>a<iframe src="https://evil.example/">alert(1)</iframe>b</p>',
        "<p>a<noscript>alert(1)</noscript>b</p>",
        "<p>a<template>alert(1)</template>b</p>",
    ],
)
def test_script_style_and_iframe_are_dropped_with_their_content(markup):
    assert sanitize_html(markup) == "<p>ab</p>"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<p onclick="steal()">Hi</p>', "<p>Hi</p>"),
        ("<img src=x onerror=alert(1)>", '<img src="x">'),
        ('<p style="background:url(javascript:alert(1))">Hi</p>', "<p>Hi</p>"),
        (
            '<a href="https://example.org/" target="_blank" rel="opener">x</a>',
            f'<a href="https://example.org/" rel="{EXTERNAL_REL}">x</a>',
        ),
    ],
)
def test_event_handlers_style_and_other_attributes_are_removed(markup, expected):
    assert sanitize_html(markup) == expected


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "  JaVaScRiPt:alert(1)",
        "java&#x09;script:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ],
)
def test_script_and_data_links_lose_their_href(href):
    assert sanitize_html(f'<a href="{href}">x</a>') == "<a>x</a>"


def test_data_images_lose_their_src():
    assert sanitize_html('<img src="data:image/png;base64,AAAA">') == "<img>"


@pytest.mark.parametrize("cite", ["javascript:alert(1)", "data:text/html,x"])
def test_a_quote_cannot_cite_a_script_or_data_url(cite):
    output = sanitize_html(f'<blockquote cite="{cite}">q</blockquote>')

    assert output == "<blockquote>q</blockquote>"


# --- links -------------------------------------------------------------------------------


def test_an_external_link_gets_noopener_noreferrer_nofollow():
    assert sanitize_html('<a href="https://other.example/a?x=1&y=2">x</a>') == (
        f'<a href="https://other.example/a?x=1&amp;y=2" rel="{EXTERNAL_REL}">x</a>'
    )


def test_a_protocol_relative_link_to_another_host_is_external():
    assert f'rel="{EXTERNAL_REL}"' in sanitize_html('<a href="//other.example/a">x</a>')


@pytest.mark.parametrize("href", ["/live/storm", "#entry-4", "live/storm?page=2"])
def test_relative_links_get_no_rel(href):
    assert "rel=" not in sanitize_html(f'<a href="{href}">x</a>')


def test_links_to_this_site_get_no_rel_and_other_hosts_do(settings):
    settings.SITE_URL = "https://news.example"

    assert "rel=" not in sanitize_html('<a href="https://news.example/live/storm">x</a>')
    assert "rel=" not in sanitize_html('<a href="https://NEWS.example/live/storm">x</a>')
    assert f'rel="{EXTERNAL_REL}"' in sanitize_html('<a href="https://news.example.evil/">x</a>')
    assert f'rel="{EXTERNAL_REL}"' in sanitize_html('<a href="http://127.0.0.1:8000/">x</a>')


@pytest.mark.parametrize(
    "markup",
    [
        '<a title="Read more" href="https://other.example/">x</a>',
        '<a href="https://other.example/" lang="en">x</a>',
    ],
)
def test_an_external_link_with_other_attributes_still_gets_rel(markup):
    anchors = [attrs for tag, attrs in Parsed(sanitize_html(markup)).tags if tag == "a"]
    assert [attrs.get("rel") for attrs in anchors] == [EXTERNAL_REL]


# --- properties over hostile input --------------------------------------------------------

FRAGMENTS = [
    "<script>alert(1)</script>",
    "<script>",
    "</script>",
    "<style>p{}</style>",
    "<style>",
    "<iframe src=//evil.example>",
    "</iframe>",
    "<svg onload=alert(1)>",
    "<svg><script>x</script>",
    "<math><mi>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<img src=data:image/png;base64,AA>",
    '<a href="JaVaScRiPt:alert(1)">',
    '<a href="java&#x09;script:alert(1)">',
    "<a href='&#106;avascript:x'>",
    '<a href=" data:text/html,x">',
    '<a href="vbscript:x">',
    '<a href="https://ok.example/">',
    '<a title="t" href="/rel">',
    "</a>",
    '<p style="color:red" onclick="x()">',
    "<p>",
    "</p>",
    '<blockquote cite="https://ok.example/">',
    "</blockquote>",
    " onerror=",
    " style=",
    " onmouseover=alert(1) ",
    "javascript:",
    "&lt;script&gt;",
    "&#60;script&#62;",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    '"',
    "'",
    "<",
    ">",
    "=",
    "/",
    "<noscript>",
    "</noscript>",
    '<p title="</noscript><img src=x onerror=alert(1)>">',
    "<object data=x>",
    "<embed src=x>",
    "<form action=javascript:x>",
    "<input onfocus=x autofocus>",
    "<body onload=x>",
    "<template><script>x</script></template>",
    "<h3>",
    "<h2>",
    "</h1>",
    '<table border=1><tr><td colspan=2 style="x">',
    "</table>",
    "<li>",
    "<ul>",
    "<br/>",
]

hostile_html = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)),
    max_size=16,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(hostile_html)
@example('<svg onload=alert(1)><p style="x" onclick="y">t</p><script>z</script>')
@example('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>')
def test_sanitised_output_holds_only_allowlisted_tags_and_no_handlers_or_styles(markup):
    output = sanitize_html(markup)

    for tag, attrs in Parsed(output).tags:
        assert tag in ALLOWED_TAGS, output
        assert tag not in NEVER_ALLOWED, output
        assert not [name for name in attrs if name.startswith("on")], output
        assert "style" not in attrs, output


@settings(max_examples=300, deadline=None)
@given(hostile_html)
@example('<a href="java&#x09;script:alert(1)">x</a><img src="data:image/png;base64,AA">')
def test_sanitised_links_and_images_never_point_at_script_or_data(markup):
    output = sanitize_html(markup)

    assert dangerous_urls(output, {"href", "src"}) == [], output


@settings(max_examples=300, deadline=None)
@given(hostile_html.map(lambda text: f'<blockquote cite="{text}">q</blockquote>'))
@example('<blockquote cite="javascript:alert(1)">q</blockquote>')
def test_sanitised_quotes_never_cite_script_or_data(markup):
    output = sanitize_html(markup)

    assert dangerous_urls(output, URL_ATTRIBUTES) == [], output


@settings(max_examples=300, deadline=None)
@given(hostile_html)
@example('<a title="t" href="https://other.example/">x</a>')
def test_every_external_link_in_sanitised_output_carries_rel(markup):
    output = sanitize_html(markup)

    for tag, attrs in Parsed(output).tags:
        if tag == "a" and is_external(attrs.get("href", "")):
            assert attrs.get("rel") == EXTERNAL_REL, output


# --- tables, headings and what the writer is told -----------------------------------------

RESULTS_TABLE = (
    "<table><caption>Seats won</caption>"
    '<thead><tr><th scope="col">Party</th><th scope="col">Seats</th></tr></thead>'
    '<tbody><tr><td>Harbour</td><td>12</td></tr><tr><td colspan="2" rowspan="1">—</td></tr>'
    "</tbody><tfoot><tr><th>Total</th><td>12</td></tr></tfoot></table>"
)


def test_a_simple_table_is_kept_as_it_is():
    assert sanitize_html(RESULTS_TABLE) == RESULTS_TABLE
    assert removals(RESULTS_TABLE) == []


def test_a_table_keeps_only_its_structure():
    markup = (
        '<table border="1" style="width:100%"><tr><td class="x" width="40" colspan="2">a'
        "</td></tr></table>"
    )

    assert sanitize_html(markup) == '<table><tbody><tr><td colspan="2">a</td></tr></tbody></table>'
    assert removals(markup) == [
        "removed border attribute",
        "removed style attribute",
        "removed class attribute",
        "removed width attribute",
    ]


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<h2>Big</h2>", "<h3>Big</h3>"),
        ('<h1 id="top">Top</h1>', "<h3>Top</h3>"),
        ("<h5>Small</h5><h6>Tiny</h6>", "<h4>Small</h4><h4>Tiny</h4>"),
        ("<h3>Kept</h3><h4>Kept</h4>", "<h3>Kept</h3><h4>Kept</h4>"),
        ('<img alt="<h2>" src="/a.png">', '<img alt="&lt;h2&gt;" src="/a.png">'),
    ],
)
def test_headings_are_mapped_onto_the_entrys_two_levels(markup, expected):
    assert sanitize_html(markup) == expected


@pytest.mark.parametrize(
    ("markup", "warnings"),
    [
        ("<p>Fine <strong>text</strong></p>", []),
        ("<h2>Big</h2><h2>Again</h2>", ["changed <h2> to <h3> (entries use h3 and h4)"]),
        (
            '<iframe src="https://x.example"><p class="c">in</p></iframe>',
            ["removed <iframe> and what was inside it (not allowed in entries)"],
        ),
        (
            "<span>a</span><span>b</span>",
            ["removed <span> (not allowed in entries; its text is kept)"],
        ),
        (
            '<p style="a" onclick="b">x</p>',
            ["removed style attribute", "removed onclick attribute"],
        ),
        ("<p>a<!-- note -->b</p>", ["removed HTML comments"]),
        (
            '<img src="data:image/png;base64,AAAA">',
            [
                "removed image address 'data:image/png;base64,AAAA' (only http, https or "
                "relative addresses are allowed)"
            ],
        ),
        ('<a href="https://x.example/" rel="opener">x</a>', []),
    ],
)
def test_removals_say_in_words_what_sanitising_changes(markup, warnings):
    assert removals(markup) == warnings


@settings(max_examples=200, deadline=None)
@given(hostile_html)
def test_whenever_sanitising_changes_tags_the_writer_is_told(markup):
    output = sanitize_html(markup)
    dropped = {tag for tag, _ in Parsed(markup).tags} - ALLOWED_TAGS - {"br"}

    if dropped:
        assert removals(markup), (markup, output)
