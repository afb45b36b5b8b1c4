"""How much of one text another already says: the measure behind repeats and key points.

A draft sentence is *covered* by a published entry when at least ``COVERED`` of its weighted
terms appear there and it brings no number the entry lacks ("the toll rose to 14" is news
next to "12 died"). Terms match exactly, or, for words of five letters or more, at a
rapidfuzz ratio of ``FUZZY`` or better ("Zelensky"/"Zelenskyy", "injur"/"injuri").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

COVERED = 0.6
FUZZY = 85.0
# Each unit of weight in a new sentence counts this much against a repeat: a follow-up with one
# sentence of real news on a restated background is not a repeat (see repeat_score).
NEW_PENALTY = 2.0

Terms = Mapping[str, float]


class Known:
    """The terms of a published text, with the words fuzzy matching may try (made once)."""

    def __init__(self, terms: Collection[str]) -> None:
        self.terms = terms
        self._pool: list[str] | None = None

    @property
    def pool(self) -> list[str]:
        if self._pool is None:
            self._pool = [t for t in self.terms if len(t) >= 4 and not t[0].isdigit()]
        return self._pool


def matched_weight(terms: Terms, known: Known) -> tuple[float, bool]:
    """The weight of ``terms`` found in ``known``, and whether a number is missing from it."""
    found = 0.0
    new_number = False
    for term, weight in terms.items():
        if term in known.terms:
            found += weight
        elif term[0].isdigit():
            new_number = True
        elif len(term) >= 5 and process.extractOne(
            term, known.pool, scorer=fuzz.ratio, score_cutoff=FUZZY
        ):
            found += weight
    return found, new_number


@dataclass(frozen=True)
class Comparison:
    score: float
    new_sentences: list[str]


def repeat_score(draft: Sequence[tuple[str, Terms]], known: Known) -> Comparison:
    """How far the draft is a repeat of the text whose terms are ``known`` (0 to 1).

    The share of the draft's weighted terms already published, with the weight of its new
    sentences counted ``NEW_PENALTY`` times against it:
    ``covered / (total + NEW_PENALTY * new)``. A reworded copy scores near its coverage; a
    follow-up that adds a sentence of real news falls well below it.
    """
    total = covered = new = 0.0
    fresh: list[str] = []
    for sentence, terms in draft:
        weight = sum(terms.values())
        if weight == 0:
            continue
        found, new_number = matched_weight(terms, known)
        total += weight
        covered += found
        if new_number or found < COVERED * weight:
            new += weight - found
            fresh.append(sentence)
    if total == 0:
        return Comparison(0.0, fresh)
    return Comparison(covered / (total + NEW_PENALTY * new), fresh)


def says_the_same(a: Terms, b: Terms) -> bool:
    """Whether two short texts (key points) say the same: each mostly covers the other."""
    # Most pairs share almost nothing: skip the fuzzy matching for them.
    if len(a.keys() & b.keys()) < min(2, len(a), len(b)):
        return False
    found_a, _ = matched_weight(a, Known(b.keys()))
    found_b, _ = matched_weight(b, Known(a.keys()))
    return found_a >= COVERED * sum(a.values()) and found_b >= COVERED * sum(b.values())
