"""Topics by rules: the gazetteer's places and organisations, people by their capitalised
names with titles taken off, places after "in"."""

from __future__ import annotations

from bulletin.extract.text import blocks_of
from bulletin.extract.topics import read_topics, topic_key


def _topics(body: str, known: list[str] | None = None) -> list[tuple[str, str]]:
    return [(m.label, m.kind) for m in read_topics(blocks_of("", body), known or [])]


def test_gazetteer_aliases_name_one_topic_each():
    found = _topics("<p>The US and Nato met the UN. U.S. officials and NATO diplomats agreed.</p>")
    assert found == [
        ("United States", "place"),
        ("NATO", "organisation"),
        ("United Nations", "organisation"),
    ]


def test_people_are_named_without_their_titles():
    found = _topics(
        "<p>Meanwhile US President Joe Biden met Nato Secretary General Jens Stoltenberg.</p>"
    )
    assert ("Joe Biden", "person") in found
    assert ("Jens Stoltenberg", "person") in found
    assert not any("President" in label for label, _ in found)


def test_a_lone_surname_counts_for_the_person_the_blog_named():
    assert _topics("<p>Kirby spoke to reporters.</p>", ["John Kirby"]) == [("John Kirby", "person")]
    assert _topics("<p>Kirby spoke to reporters.</p>") == []


def test_places_after_in_and_organisations_by_their_head_word():
    found = _topics(
        "<p>Shelling was reported in Kramatorsk, the Ministry of Defence said. "
        "The Harbour Police Service closed the road.</p>"
    )
    assert ("Kramatorsk", "place") in found
    assert ("Ministry of Defence", "organisation") in found
    assert ("Harbour Police Service", "organisation") in found


def test_days_months_and_sentence_words_are_not_people():
    assert _topics("<p>On Monday January traffic was light. However Officials said so.</p>") == []


def test_german_names_and_places():
    found = _topics("<p>Bundeskanzler Olaf Scholz sagte in Berlin, die Bundesregierung prüfe.</p>")
    assert ("Olaf Scholz", "person") in found
    assert ("Berlin", "place") in found
    assert ("Bundesregierung", "organisation") in found


def test_keys_are_stable_words_whatever_the_label():
    assert topic_key("John Kirby") == "john-kirby"
    assert topic_key("Ukraine's air force") == "ukraine-s-air-force"
