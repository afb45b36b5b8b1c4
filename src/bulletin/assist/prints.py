"""Fingerprints of published entries, kept in step with every entry write.

:func:`entry_written` receives ``bulletin.blogs.events.entry_written`` inside the write's
transaction: a published entry's sentences, terms and LSH band keys are stored; any other
entry (draft, deleted, unpublished, taken down) loses them at once, and the blog's key-point
suggestions are recomputed so nothing drawn from it is suggested again.
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
    """Store or drop the entry's fingerprint, then refresh the blog's suggestions if needed."""
    suggested = KeyPointSuggestion.objects.filter(blog_id=entry.blog_id)
    was_suggested = any(entry.pk in ids for ids in suggested.values_list("entry_ids", flat=True))
    if entry.is_public and entry.taken_down_at is None:
        remember(entry)
    else:
        forget(entry)
    if was_suggested or keypoints.in_window(entry):
        keypoints.refresh(entry.blog_id)


def remember(entry: Entry) -> None:
    analysed = analyse(entry.headline, entry.body)
    shown_at = entry.display_at or entry.published_at or entry.created_at
    EntryPrint.objects.update_or_create(
        entry_id=entry.pk,
        defaults={
            "blog_id": entry.blog_id,
            "headline": entry.headline,
            "shown_at": shown_at,
            "is_key_event": entry.is_key_event,
            "sentences": [[text, terms] for text, terms in analysed],
        },
    )
    RepeatBand.objects.filter(entry_id=entry.pk).delete()
    RepeatBand.objects.bulk_create(
        RepeatBand(blog_id=entry.blog_id, key=key, entry_id=entry.pk)
        for key in band_keys(all_terms(analysed))
    )


def forget(entry: Entry) -> None:
    RepeatBand.objects.filter(entry_id=entry.pk).delete()
    EntryPrint.objects.filter(entry_id=entry.pk).delete()


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
