"""Reading an entry is linear in its length and bounded, whatever the text.

The rules run inside the writer's transaction on every write, so an entry of the largest body
allowed, or one written to hurt, must cost work in proportion to its length. These tests count
the work structurally (how much text each backward-looking rule is given, how often the text
is scanned for a closing mark, how much text is read at all); they never time anything. The
hostile strings at the end would take minutes with a quadratic or backtracking rule: that they
finish inside pytest's timeout (pyproject.toml) is the check there.
"""

# Quotation marks are this test's data.
# ruff: noqa: RUF001

from __future__ import annotations

from typing import Any

import pytest

from bulletin.config import current
from bulletin.extract import quotes, reading, topics
from bulletin.extract.names import RUN
from bulletin.extract.reading import MOST_READ, read_entry
from bulletin.extract.text import Block

# As many capitalised words, quotations and sentences as the largest body holds.
SENTENCE = (
    "“We will hold the line,” Kirby said in Kyiv, as Nato Secretary General Jens Stoltenberg "
)
LONGEST = "<p>" + SENTENCE * (current.MAX_BODY_BYTES // len(SENTENCE.encode())) + "</p>"


class _Recorder:
    """Stands in for a compiled pattern and records how much text each search was given."""

    def __init__(self, pattern: Any) -> None:
        self.pattern = pattern
        self.widths: list[int] = []

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> Any:
        end = len(text) if endpos is None else endpos
        self.widths.append(end - pos)
        return self.pattern.search(text, pos, end)


def test_the_largest_body_is_read_whole_and_every_quotation_attributed():
    assert len(LONGEST.encode()) <= current.MAX_BODY_BYTES

    found, mentions = read_entry("Live", LONGEST, ["John Kirby"])

    assert len(found) == LONGEST.count("“")
    assert {quote.speaker for quote in found} == {"John Kirby"}
    assert {"Kyiv", "NATO", "Jens Stoltenberg"} <= {mention.label for mention in mentions}


def test_the_place_rule_looks_at_a_window_before_each_run_not_the_text_before_it(monkeypatch):
    recorder = _Recorder(topics._PLACE_BEFORE)
    monkeypatch.setattr(topics, "_PLACE_BEFORE", recorder)

    read_entry("Live", LONGEST, [])

    assert len(recorder.widths) > 1000
    assert max(recorder.widths) <= topics.PLACE_WINDOW


def test_the_rules_before_a_quotation_read_a_bounded_head(monkeypatch):
    heads: list[int] = []
    attribute = quotes._attribute

    def recording(reader: Any, inner: str, head: str, tail: str, ends_clause: bool) -> Any:
        heads.append(len(head))
        return attribute(reader, inner, head, tail, ends_clause)

    monkeypatch.setattr(quotes, "_attribute", recording)
    # One sentence, a thousand quoted words (one word is not a quotation, so every one is
    # attributed afresh): the sentence before the last is the whole text before it.
    text = "<p>" + "Kirby called it “firm” and " * 1000 + "that was it.</p>"

    read_entry("Live", text, ["John Kirby"])

    assert len(heads) == 1000
    assert max(heads) <= quotes.LOOK_BACK


@pytest.mark.parametrize("mark", ["“", "„", "«", "‘", '"'])
def test_unclosed_quotation_marks_are_scanned_for_a_closing_mark_once_per_kind(monkeypatch, mark):
    calls: list[int] = []
    closing = quotes._closing

    def counting(text: str, i: int, closers: str) -> int | None:
        calls.append(i)
        found: int | None = closing(text, i, closers)
        return found

    monkeypatch.setattr(quotes, "_closing", counting)

    assert quotes.quote_spans(f"{mark}open " * 20_000) == []
    assert len(calls) == 1


def test_no_more_text_is_read_than_the_default_body_limit_holds():
    blocks = [Block("Kirby said so. " * 1000) for _ in range(20)]

    kept = reading.within_limit(blocks)

    assert sum(len(block.text) for block in kept) == MOST_READ
    assert len(kept) < len(blocks)


@pytest.mark.parametrize(
    "text",
    [
        "A " * 50_000,
        '"' * 50_000,
        "„" * 50_000,
        "“a " * 30_000,
        "The " * 25_000,
        "Kirby said " * 9_000 + ":",
        "in Kyiv said " * 8_000,
        "x, according to Reuters " * 4_000,
        "Water is over the quay wall and still rising. " * 2_000,
    ],
    ids=[
        "capitals",
        "straight-quotes",
        "low-quotes",
        "open-quotes",
        "sentence-words",
        "colon",
        "no-stops",
        "according",
        "stops",
    ],
)
def test_hostile_text_is_read_in_linear_time(text):
    read_entry("Live", f"<p>{text}</p>", ["John Kirby"])


@pytest.mark.parametrize(
    "text",
    ["A " + "von de " * 40 + "x", "A" + "-Bc" * 40 + "1", "A " + "van de " * 40 + "1"],
)
def test_names_that_cannot_go_on_give_up_without_backtracking(text):
    # Each of these took 2**40 steps before the name patterns were made possessive.
    assert RUN.fullmatch(text) is None
    assert RUN.match(text) is not None
