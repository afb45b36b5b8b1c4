"""The desk editor's schema and the server's sanitiser name the same HTML.

frontend/editor/build.mjs writes frontend/editor/schema.json from the editor's schema (every
node and mark, with the tags and attributes its toDOM writes) when it builds the vendored
bundle. Whatever the editor writes must survive the sanitiser, and whatever the sanitiser keeps
must be something the editor can write, or a tag the editor only reads (listed below).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bulletin.blogs.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_html

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "frontend" / "editor" / "schema.json"
BUNDLE = ROOT / "src" / "bulletin" / "desk" / "static" / "desk" / "vendor" / "prosemirror.js"
LOCK = ROOT / "frontend" / "editor" / "package-lock.json"
# Allowed in stored bodies (from the API or older entries) but not written by the editor:
# a table's caption and row groups are read, and the editor writes its rows in one <tbody>.
READ_ONLY_TAGS = frozenset({"caption", "thead", "tfoot"})


def _written() -> dict[str, set[str]]:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    written: dict[str, set[str]] = {}
    for kind in ("nodes", "marks"):
        for tags in manifest[kind].values():
            for tag, attributes in tags.items():
                written.setdefault(tag, set()).update(attributes)
    return written


def test_every_tag_and_attribute_the_editor_writes_is_kept_by_the_sanitiser() -> None:
    written = _written()
    assert set(written) - ALLOWED_TAGS == set()
    for tag, attributes in written.items():
        assert attributes <= ALLOWED_ATTRIBUTES.get(tag, set()), tag


def test_every_tag_the_sanitiser_keeps_is_written_by_the_editor_or_only_read() -> None:
    written = _written()
    assert ALLOWED_TAGS - set(written) == READ_ONLY_TAGS
    for tag, attributes in ALLOWED_ATTRIBUTES.items():
        if tag not in READ_ONLY_TAGS:
            assert attributes <= written[tag], tag


def test_the_editors_own_output_passes_the_sanitiser_unchanged() -> None:
    # What the editor writes for a quote, lists, a picture and a table (see editor.js).
    body = (
        "<h3>Results</h3><p>Turnout <strong>high</strong>, <em>says</em> "
        '<a href="/x">the clerk</a>.<br>Count at 22:00.</p>'
        '<blockquote cite="https://example.org/a"><p>We will recount.</p><cite>The clerk</cite>'
        "</blockquote><ul><li>North</li><li><p>South</p><ol><li>East</li></ol></li></ul>"
        '<figure><img src="/media/uploads/2026/12/a.png" width="64" height="48" alt="Ballots">'
        "<figcaption>Counting</figcaption></figure>"
        '<table><tbody><tr><th scope="col">Party</th><th colspan="2" scope="col">Seats</th></tr>'
        '<tr><td><p>Blue</p></td><td rowspan="2"><p>12</p></td></tr></tbody></table><h4>More</h4>'
    )
    assert sanitize_html(body) == body


def test_the_bundle_names_the_locked_package_versions() -> None:
    header = BUNDLE.read_text(encoding="utf-8").split("*/", 1)[0]
    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    for path, info in lock["packages"].items():
        if path.startswith("node_modules/") and not info.get("dev"):
            name = path.removeprefix("node_modules/")
            assert f"{name}@{info['version']} (MIT)" in header
    assert re.search(r"esbuild@\d+\.\d+\.\d+ by scripts/build-editor\.sh", header)
