"""Each quotation pattern of English and German news copy, read by the rules alone."""

# Typography is the data here: curly quotes and apostrophes.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from bulletin.extract.quotes import Found, read_quotes
from bulletin.extract.text import blocks_of

KNOWN = ["John Kirby", "Olaf Scholz", "Volodymyr Zelensky"]


def _read(body: str, known: list[str] | None = None) -> list[tuple[str, str, str]]:
    found = read_quotes(blocks_of("", body), KNOWN if known is None else known)
    return [(quote.speaker, quote.text, quote.pattern) for quote in found]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "<p>“We are deeply concerned about the escalation,” Nuland said.</p>",
            ("Nuland", "We are deeply concerned about the escalation", "said-after"),
            id="quote-then-name-said",
        ),
        pytest.param(
            '<p>"We will not waver," said White House spokesperson John Kirby on Tuesday.</p>',
            ("John Kirby", "We will not waver", "said-after"),
            id="quote-then-said-name-with-title",
        ),
        pytest.param(
            "<p>‘We have never seen anything like it,’ the mayor, Anna Ek, said.</p>",
            ("Anna Ek", "We have never seen anything like it", "said-after"),
            id="british-single-quotes-with-apposition",
        ),
        pytest.param(
            "<p>Victoria Nuland said: “The door to diplomacy remains open.”</p>",
            ("Victoria Nuland", "The door to diplomacy remains open.", "said-before"),
            id="name-said-colon-quote",
        ),
        pytest.param(
            "<p>Kirby told reporters at the Pentagon: “There is no change to our posture.”</p>",
            ("John Kirby", "There is no change to our posture.", "said-before"),
            id="name-told-reporters-colon",
        ),
        pytest.param(
            "<p>The strikes hit three fuel depots overnight, according to the Pentagon.</p>",
            ("Pentagon", "The strikes hit three fuel depots overnight", "according-to"),
            id="clause-according-to",
        ),
        pytest.param(
            "<p>According to Ukraine's air force, 40 drones were shot down.</p>",
            ("Ukraine's air force", "40 drones were shot down", "according-to"),
            id="according-to-first",
        ),
        pytest.param(
            "<p>“Glory to our defenders,” Zelensky tweeted.</p>",
            ("Volodymyr Zelensky", "Glory to our defenders", "tweeted"),
            id="quote-then-tweeted",
        ),
        pytest.param(
            "<p>Mette Frederiksen wrote on X: “Denmark stands ready to help.”</p>",
            ("Mette Frederiksen", "Denmark stands ready to help.", "tweeted"),
            id="wrote-on-x-colon",
        ),
        pytest.param(
            "<blockquote><p>We stand with our allies.</p>"
            "<cite>Jens Stoltenberg, Nato secretary general</cite></blockquote>",
            ("Jens Stoltenberg", "We stand with our allies.", "blockquote"),
            id="block-quote-with-cite",
        ),
        pytest.param(
            "<blockquote><p>The ceasefire must hold.</p><p>— Antonio Guterres</p></blockquote>",
            ("Antonio Guterres", "The ceasefire must hold.", "blockquote"),
            id="block-quote-with-dash-line",
        ),
        pytest.param(
            "<p>The Red Cross said in a statement:</p>"
            "<blockquote><p>Aid convoys must be allowed through.</p></blockquote>",
            ("Red Cross", "Aid convoys must be allowed through.", "blockquote"),
            id="block-quote-after-said-colon",
        ),
        pytest.param(
            "<p>„Wir stehen fest an der Seite der Ukraine“, sagte Bundeskanzler Olaf Scholz "
            "am Dienstag.</p>",
            ("Olaf Scholz", "Wir stehen fest an der Seite der Ukraine", "said-after"),
            id="german-quote-sagte-name",
        ),
        pytest.param(
            "<p>„Das ist inakzeptabel“, so Scholz.</p>",
            ("Olaf Scholz", "Das ist inakzeptabel", "said-after"),
            id="german-quote-so-surname",
        ),
        pytest.param(
            "<p>Annalena Baerbock sagte: „Wir werden nicht nachlassen.“</p>",
            ("Annalena Baerbock", "Wir werden nicht nachlassen.", "said-before"),
            id="german-name-sagte-colon",
        ),
        pytest.param(
            "<p>»Die Lage ist ernst«, erklärte Innenministerin Nancy Faeser.</p>",
            ("Nancy Faeser", "Die Lage ist ernst", "said-after"),
            id="german-guillemets-erklaerte",
        ),
        pytest.param(
            "<p>John Kirby said the talks were “constructive and frank”.</p>",
            ("John Kirby", "constructive and frank", "said-before"),
            id="fragment-inside-a-sentence",
        ),
    ],
)
def test_each_pattern_names_the_speaker_and_the_words(body, expected):
    assert _read(body) == [expected]


def test_a_later_surname_resolves_to_the_full_name_named_before():
    assert _read("<p>“We are watching closely,” Kirby said.</p>", ["John Kirby"]) == [
        ("John Kirby", "We are watching closely", "said-after")
    ]


def test_a_surname_two_known_people_share_stays_as_written():
    known = ["John Kirby", "Anna Kirby"]
    assert _read("<p>“We are watching,” Kirby said.</p>", known)[0][0] == "Kirby"


def test_he_said_continues_the_last_speaker_and_a_quote_split_by_its_attribution_is_one():
    body = (
        "<p>“We are ready,” Kirby said, “and we will act if needed.”</p>"
        "<p>“Nothing has changed,” he added.</p>"
        "<p>“Our allies know where we stand.”</p>"
    )
    assert _read(body) == [
        ("John Kirby", "We are ready and we will act if needed.", "said-after"),
        ("John Kirby", "Nothing has changed", "continued"),
        ("John Kirby", "Our allies know where we stand.", "continued"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param('<p>The operation, dubbed "Iron Sky", began at dawn.</p>', id="scare-quotes"),
        pytest.param("<p>“It was terrifying,” a resident said.</p>", id="unnamed-speaker"),
        pytest.param("<p>“We will respond,” he added.</p>", id="pronoun-with-no-one-before"),
        pytest.param("<p>Officials said the roads were closed.</p>", id="no-quotation"),
        pytest.param("<p>The Ukraine’s soldiers’ families wait.</p>", id="apostrophes"),
    ],
)
def test_what_no_rule_attributes_is_left_out(body):
    assert _read(body, []) == []


def test_found_quotes_are_plain_values():
    assert read_quotes(blocks_of("", "<p>“Yes we can,” Obama said.</p>"), []) == [
        Found("Obama", "Yes we can", "said-after")
    ]
