"""A body the sanitiser changed is still written (201/200), and the writer is told what went."""

from __future__ import annotations

from bulletin.blogs.models import Entry
from tests.api.support import json_of

PASTED = (
    '<h2>Results</h2><p style="color:red">Counted.</p>'
    '<iframe src="https://video.example/x"></iframe>'
    '<table><tr><td colspan="2">Yes</td></tr></table>'
)


def test_a_created_entry_says_what_the_sanitiser_removed_and_is_still_created(desk):
    entry = json_of(desk.api.post(f"{desk.path}/entries", {"body": PASTED}), 201)

    assert entry["warnings"] == [
        "changed <h2> to <h3> (entries use h3 and h4)",
        "removed style attribute",
        "removed <iframe> and what was inside it (not allowed in entries)",
    ]
    assert entry["body"].startswith("<h3>Results</h3><p>Counted.</p><table>")
    assert '<td colspan="2">Yes</td>' in Entry.objects.get(pk=entry["id"]).body


def test_a_clean_body_and_an_entry_without_body_have_no_warnings(desk):
    clean = json_of(desk.api.post(f"{desk.path}/entries", {"body": "<p>Fine.</p>"}), 201)
    headline_only = json_of(desk.api.post(f"{desk.path}/entries", {"headline": "Hi"}), 201)

    assert clean["warnings"] == []
    assert headline_only["warnings"] == []


def test_an_edit_says_what_was_removed_from_the_new_body(desk, make):
    entry = make.entry(desk.blog, body="<p>First.</p>")
    path = f"{desk.path}/entries/{entry.pk}"

    edited = json_of(
        desk.api.patch(path, {"body": '<p><a href="javascript:x()">Go</a></p>'}, if_match="1")
    )
    headline_only = json_of(desk.api.patch(path, {"headline": "New"}, if_match="2"))

    assert edited["warnings"] == [
        "removed link address 'javascript:x()' (only http, https, mailto or relative "
        "addresses are allowed)"
    ]
    assert edited["body"] == "<p><a>Go</a></p>"
    assert headline_only["warnings"] == []


def test_reading_an_entry_has_no_warnings_field(desk, make, anonymous):
    entry = make.entry(desk.blog)

    assert "warnings" not in json_of(anonymous.get(f"{desk.path}/entries/{entry.pk}"))
