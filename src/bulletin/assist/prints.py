"""Fingerprints of published entries, kept in step with every entry write.

:func:`entry_written` receives ``bulletin.blogs.events.entry_written`` inside the write's
transaction: a published entry's sentences, terms and LSH band keys are stored and the blog's
key-point suggestions marked due; any other entry (draft, deleted, unpublished, taken down)
loses them at once, and suggestions drawn from it are recomputed in the same transaction so
nothing drawn from it is suggested again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bulletin.assist import keypoints
from bulletin.assist.minhash import band_keys
from bulletin.assist.models import EntryPrint, KeyPointSuggestion, RepeatBand
from bulletin.assist.text import plain_text, sentences, weighted_terms
from bulletin.blogs.models import Entry, EntryStatus

Analysed = list[tuple[str, dict[str, float]]]


def analyse(headline: str, body_html: str) -> Analysed:
    """The headline, then each sentence of the body, with its weighted terms."""
    found: Analysed = []
    if headline.strip():
        found.append((headline.strip(), weighted_terms(headline)))
    for sentence in sentences(plain_text(body_html)):
        found.append((sentence, weighted_terms(sentence)))
    return [(text, terms) for text, terms in found if terms]


def all_terms(analysed: Analysed) -> set[str]:
    return {term for _text, terms in analysed for term in terms}


def entry_written(sender: Any, entry: Entry, **kwargs: Any) -> None:
    """Store or drop the entry's fingerprint; the blog's suggestions follow (keypoints)."""
    if entry.is_public and entry.taken_down_at is None:
        remember(entry)
        keypoints.mark_due(entry.blog_id)
        return
    if not forget(entry):
        return  # never published, or already gone: the suggestions never drew on it
    drawn_on = KeyPointSuggestion.objects.filter(blog_id=entry.blog_id).values_list(
        "entry_ids", flat=True
    )
    if any(entry.pk in ids for ids in drawn_on):
        keypoints.refresh(entry.blog_id)  # now, in this transaction: see keypoints
    else:
        keypoints.mark_due(entry.blog_id)


def remember(entry: Entry) -> None:
    analysed = analyse(entry.headline, entry.body)
    EntryPrint.objects.update_or_create(
        entry_id=entry.pk,
        defaults={
            "blog_id": entry.blog_id,
            "headline": entry.headline,
            "shown_at": keypoints.shown_at(entry),
            "is_key_event": entry.is_key_event,
            "sentences": [[text, terms] for text, terms in analysed],
        },
    )
    RepeatBand.objects.filter(entry_id=entry.pk).delete()
    RepeatBand.objects.bulk_create(
        RepeatBand(blog_id=entry.blog_id, key=key, entry_id=entry.pk)
        for key in band_keys(all_terms(analysed))
    )


def forget(entry: Entry) -> bool:
    """Drop the entry's fingerprint; whether it had one."""
    RepeatBand.objects.filter(entry_id=entry.pk).delete()
    return EntryPrint.objects.filter(entry_id=entry.pk).delete()[0] > 0


def rebuild_blog(blog_id: int) -> int:
    """Fingerprint every published entry of a blog again (after ``bulletin import``, which
    writes without the services); the number of entries fingerprinted."""
    with transaction.atomic():
        RepeatBand.objects.filter(blog_id=blog_id).delete()
        EntryPrint.objects.filter(blog_id=blog_id).delete()
        published = Entry.objects.filter(
            blog_id=blog_id, status=EntryStatus.PUBLISHED, taken_down_at__isnull=True
        ).order_by("display_at", "pk")
        count = 0
        for entry in published.iterator():
            remember(entry)
            count += 1
        keypoints.refresh(blog_id)
    return count
