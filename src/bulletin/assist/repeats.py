"""Published entries of a blog that already say what a draft says.

Candidates are the ``BANDED`` entries sharing the most LSH bands with the draft
(bulletin.assist.minhash) and the ``RECENT`` newest entries (a repeat is most often of the
last hour, and a short draft repeating one sentence of a long entry shares few bands with it).
Each candidate is scored on its sentences (bulletin.assist.compare.repeat_score); only scores
at the blog's threshold or above are returned, best first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count

from bulletin.assist.compare import Known, repeat_score
from bulletin.assist.minhash import band_keys
from bulletin.assist.models import DEFAULT_REPEAT_THRESHOLD, AssistSettings, EntryPrint, RepeatBand
from bulletin.assist.prints import all_terms, analyse
from bulletin.blogs.models import LiveBlog

RECENT = 40
BANDED = 60
# A candidate sharing less than this share of the draft's weighted terms word for word is not
# scored: fuzzy matches seldom make up that much, and no threshold may be set below 0.3.
PREFILTER = 0.25
MAX_RESULTS = 5


@dataclass(frozen=True)
class Repeat:
    entry_id: int
    headline: str
    shown_at: datetime
    score: float
    new_sentences: list[str]

    def as_dict(self) -> dict[str, object]:
        return {
            "entry_id": self.entry_id,
            "headline": self.headline,
            "display_at": self.shown_at.isoformat().replace("+00:00", "Z"),
            "score": round(self.score, 3),
            "new_sentences": self.new_sentences,
        }


def threshold_of(blog: LiveBlog) -> float:
    found = AssistSettings.objects.filter(blog=blog).values_list("repeat_threshold", flat=True)
    value = found.first()
    return DEFAULT_REPEAT_THRESHOLD if value is None else value


def scored(
    blog_id: int, headline: str, body_html: str, *, exclude: int | None = None
) -> list[Repeat]:
    """Every candidate entry with its score, best first (the threshold is the caller's)."""
    draft = analyse(headline, body_html)
    if not draft:
        return []
    keys = band_keys(all_terms(draft))
    # The more bands an entry shares with the draft, the more alike their terms: a blog
    # that keeps returning to one story can share a band with hundreds of entries.
    ids = set(
        RepeatBand.objects.filter(blog_id=blog_id, key__in=keys)
        .values("entry_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "-entry_id")
        .values_list("entry_id", flat=True)[:BANDED]
    )
    ids.update(
        EntryPrint.objects.filter(blog_id=blog_id)
        .order_by("-shown_at")
        .values_list("entry_id", flat=True)[:RECENT]
    )
    ids.discard(exclude)  # type: ignore[arg-type]
    found = []
    rows = EntryPrint.objects.filter(entry_id__in=ids).values_list(
        "entry_id", "headline", "shown_at", "sentences"
    )
    draft_terms = {term: weight for _text, terms in draft for term, weight in terms.items()}
    least = PREFILTER * sum(draft_terms.values())
    for entry_id, entry_headline, shown_at, analysed in rows:
        known = {term for _text, terms in analysed for term in terms}
        if sum(w for term, w in draft_terms.items() if term in known) < least:
            continue  # too little in common to come near any threshold
        comparison = repeat_score(draft, Known(known))
        new = [s for s in comparison.new_sentences if s != headline.strip()]
        found.append(Repeat(entry_id, entry_headline, shown_at, comparison.score, new))
    found.sort(key=lambda repeat: (-repeat.score, -repeat.entry_id))
    return found


def similar(
    blog: LiveBlog, headline: str, body_html: str, *, exclude: int | None = None
) -> list[Repeat]:
    """The entries the draft repeats, at or above the blog's warning threshold, best first."""
    threshold = threshold_of(blog)
    found = scored(blog.pk, headline, body_html, exclude=exclude)
    return [repeat for repeat in found if repeat.score >= threshold][:MAX_RESULTS]
