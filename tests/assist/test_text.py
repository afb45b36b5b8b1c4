"""English news text: sentences, abbreviations, and the terms compared."""

from __future__ import annotations

from bulletin.assist.text import plain_text, sentences, shorten, stem, weighted_terms


def test_sentences_end_at_full_stops_but_not_after_titles_initials_or_abbreviations():
    text = (
        "Mr. Smith met Dr. J. Brown in St. Louis on Jan. 5. The U.S. embassy said so! "
        'Was it 4.5 million? "Yes," he said.'
    )

    assert sentences(text) == [
        "Mr. Smith met Dr. J. Brown in St. Louis on Jan. 5.",
        "The U.S. embassy said so!",
        "Was it 4.5 million?",
        '"Yes," he said.',
    ]


def test_blocks_of_html_end_sentences_and_entities_are_decoded():
    text = plain_text("<p>Roads closed</p><ul><li>Ferries &amp; trains stopped</li></ul>")

    assert sentences(text) == ["Roads closed", "Ferries & trains stopped"]


def test_forms_of_a_word_meet_at_one_stem():
    assert stem("evacuated") == stem("evacuation") == stem("evacuate")
    assert stem("homes") == stem("home")


def test_numbers_are_normalised_and_weigh_double_with_names():
    terms = weighted_terms("Twelve people were killed in Kessport, and 1,200 fled.")

    assert terms["12"] == 2.0
    assert terms["1200"] == 2.0
    assert terms["kessport"] == 2.0
    assert terms["people"] == 1.0


def test_news_synonyms_and_reporting_verbs_fold_together():
    killed = weighted_terms("Four were killed, police said.")
    died = weighted_terms("Four died, according to officers.")

    assert set(killed) & set(died) >= {"4", "die", "police"}
    assert "said" not in killed


def test_shorten_cuts_at_a_word():
    assert shorten("Russian officials discuss a prisoner exchange", 25) == "Russian officials…"
    assert shorten("Short", 25) == "Short"
