"""Suggested key points: extractive lines from the last hours of coverage, for an editor to take.

From the published entries of the ``WINDOW`` before the blog's newest entry, each body sentence
is scored by how much of the coverage it speaks for (its terms weighted by the number of
entries that use them), key events counting ``KEY_EVENT_WEIGHT`` times and older entries less
(half as much every ``HALF_LIFE``). The best sentences that say different things become
suggestions; entries that say the same thing are listed with the one suggested. A sentence that
leans on context ("He said…", a question) or runs past 280 characters without a clause to cut
at is not suggested. Stored, read by the desk and the API; nothing is shown to readers until an
editor accepts a line into the key points box.

When: a publish or an edit only marks the blog's suggestions due (:func:`mark_due`), and the
next read recomputes them (:func:`current`). Recomputing weighs every sentence of the last
hours against one another, a fifth of a publish's CPU when it ran in every write; in the
writer's transaction it held the blog's lock and delayed the change to every reader. A removal
still recomputes in its own transaction (:mod:`bulletin.assist.prints`): nothing drawn from a
deleted entry is kept, even unread.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models, transaction

from bulletin.assist.compare import says_the_same
from bulletin.assist.models import (
    DismissedSuggestion,
    EntryPrint,
    KeyPointSuggestion,
    SuggestionsDue,
)
from bulletin.assist.text import weighted_terms
from bulletin.blogs.changelog import lock_blog
from bulletin.blogs.models import KEY_POINT_MAX, Entry, KeyPoint

WINDOW = timedelta(hours=6)
HALF_LIFE = timedelta(hours=3)
KEY_EVENT_WEIGHT = 2.0
LEAD_WEIGHT = 1.25
MAX_ENTRIES = 100
MAX_SUGGESTIONS = 5
# Only the best-scored sentences are weighed against one another (pairwise, so kept short).
SHORTLIST = 40
MIN_TERMS = 4

# Openings that need the sentence before them to make sense.
_LEANS_ON_CONTEXT = re.compile(
    "^[\"'\u201c\u2018]?(he|she|they|it|this|that|these|those|his|her|their|its|we|i|but|and|so|"
    "meanwhile|however|also|there|here)\\b",
    re.I,
)
_CLAUSE_END = re.compile("[;:\u2014\u2013]\\s|,\\s")


def key_of(terms: dict[str, float]) -> str:
    """A name for a suggestion that survives recomputation (its terms, not its position)."""
    return hashlib.blake2b(" ".join(sorted(terms)).encode(), digest_size=16).hexdigest()


def fit(sentence: str) -> str | None:
    """The sentence as a key point line: whole, or cut at its last clause that fits."""
    text = sentence.strip()
    if len(text) <= KEY_POINT_MAX:
        return text
    cuts = [m.start() for m in _CLAUSE_END.finditer(text) if m.start() < KEY_POINT_MAX - 1]
    if not cuts or cuts[-1] < 60:
        return None
    return text[: cuts[-1]].rstrip(" ,;:") + "."


@dataclass
class Candidate:
    text: str
    terms: dict[str, float]
    score: float
    entry_ids: list[int] = field(default_factory=list)


def shown_at(entry: Entry) -> datetime:
    return entry.display_at or entry.published_at or entry.created_at


def compute(blog_id: int) -> list[Candidate]:
    """The suggestions for the blog as it is now, best first."""
    prints = list(
        EntryPrint.objects.filter(blog_id=blog_id)
        .order_by("-shown_at", "-entry_id")
        .values_list("entry_id", "headline", "shown_at", "is_key_event", "sentences")[:MAX_ENTRIES]
    )
    if not prints:
        return []
    newest = prints[0][2]
    prints = [row for row in prints if row[2] >= newest - WINDOW]
    used = Counter(term for row in prints for term in {t for _text, terms in row[4] for t in terms})
    candidates: list[tuple[Candidate, int]] = []
    for entry_id, headline, when, key_event, analysed in prints:
        boost = (KEY_EVENT_WEIGHT if key_event else 1.0) * 0.5 ** ((newest - when) / HALF_LIFE)
        body = [(t, terms) for t, terms in analysed if t != headline.strip()]
        for index, (sentence, terms) in enumerate(body):
            line = fit(sentence)
            if (
                line is None
                or len(terms) < MIN_TERMS
                or line.rstrip("\"'\u201d\u2019").endswith("?")
            ):
                continue
            if _LEANS_ON_CONTEXT.match(line):
                continue
            weight = sum(w * math.log2(1 + used[t]) for t, w in terms.items())
            score = weight / math.sqrt(len(terms)) * boost * (LEAD_WEIGHT if index == 0 else 1)
            line_terms = terms if line == sentence.strip() else weighted_terms(line)
            candidates.append((Candidate(line, line_terms, score), entry_id))
    candidates.sort(key=lambda pair: -pair[0].score)
    return _choose(blog_id, candidates[:SHORTLIST])


def _choose(blog_id: int, ranked: list[tuple[Candidate, int]]) -> list[Candidate]:
    dismissed = set(
        DismissedSuggestion.objects.filter(blog_id=blog_id).values_list("key", flat=True)
    )
    present = [weighted_terms(text) for text in current_key_points(blog_id)]
    chosen: list[Candidate] = []
    for candidate, entry_id in ranked:
        same = next((c for c in chosen if says_the_same(c.terms, candidate.terms)), None)
        if same is not None:
            if entry_id not in same.entry_ids:
                same.entry_ids.append(entry_id)
            continue
        if len(chosen) == MAX_SUGGESTIONS or key_of(candidate.terms) in dismissed:
            continue
        if any(says_the_same(point, candidate.terms) for point in present):
            continue
        candidate.entry_ids.append(entry_id)
        chosen.append(candidate)
    return chosen


def current_key_points(blog_id: int) -> list[str]:
    return list(KeyPoint.objects.filter(blog_id=blog_id).values_list("text", flat=True))


def mark_due(blog_id: int) -> None:
    """The blog's coverage changed: recompute its suggestions before they are next read."""
    SuggestionsDue.objects.bulk_create([SuggestionsDue(blog_id=blog_id)], ignore_conflicts=True)


def current(blog_id: int) -> models.QuerySet[KeyPointSuggestion]:
    """The blog's stored suggestions, recomputed first if a write marked them due."""
    if SuggestionsDue.objects.filter(blog_id=blog_id).exists():
        with transaction.atomic():
            # The blog's row lock queues this behind writers and other readers of the same
            # blog: only the first to get it finds the mark and recomputes, once.
            lock_blog(blog_id)
            if SuggestionsDue.objects.filter(blog_id=blog_id).delete()[0]:
                refresh(blog_id)
    return KeyPointSuggestion.objects.filter(blog_id=blog_id)


def refresh(blog_id: int) -> None:
    """Recompute and store the blog's suggestions now (the caller holds the blog's lock)."""
    SuggestionsDue.objects.filter(blog_id=blog_id).delete()
    chosen = compute(blog_id)
    KeyPointSuggestion.objects.filter(blog_id=blog_id).delete()
    KeyPointSuggestion.objects.bulk_create(
        KeyPointSuggestion(
            blog_id=blog_id,
            position=position,
            text=candidate.text,
            entry_ids=candidate.entry_ids,
            key=key_of(candidate.terms),
        )
        for position, candidate in enumerate(chosen)
    )
