"""What the assistant stores: fingerprints computed when an entry is written, key-point
suggestions when the desk next asks after a write; never on a reader's request.

Only published entries have a fingerprint: an entry that is deleted, unpublished or taken down
loses its fingerprint, its band keys and any suggestion drawn from it in the same transaction.
"""

from __future__ import annotations

from django.db import models

from bulletin.blogs.models import KEY_POINT_MAX, Entry, LiveBlog

# Measured on bench/data/assist (docs/benchmarks.md): the score at which precision and recall
# of repeat warnings both meet their targets.
DEFAULT_REPEAT_THRESHOLD = 0.6


class EntryPrint(models.Model):
    """A published entry's sentences and terms, as repeat checks and key points read them."""

    entry = models.OneToOneField(
        Entry, primary_key=True, on_delete=models.CASCADE, related_name="assist_print"
    )
    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="+")
    headline = models.CharField(max_length=300, blank=True)
    shown_at = models.DateTimeField()
    is_key_event = models.BooleanField(default=False)
    # [[sentence, {term: weight}], ...]: the headline first, then the body's sentences.
    sentences = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["blog", "-shown_at"], name="assist_print_recent")]

    def __str__(self) -> str:
        return f"print of entry {self.entry_id}"


class RepeatBand(models.Model):
    """One LSH band key of a published entry (bulletin.assist.minhash)."""

    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField()
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["blog", "key"], name="assist_band_lookup")]

    def __str__(self) -> str:
        return f"band {self.key} of entry {self.entry_id}"


class AssistSettings(models.Model):
    """Per-blog settings of the assistant."""

    blog = models.OneToOneField(
        LiveBlog, primary_key=True, on_delete=models.CASCADE, related_name="assist_settings"
    )
    repeat_threshold = models.FloatField(
        default=DEFAULT_REPEAT_THRESHOLD,
        help_text="Warn when this share of a draft's words (0 to 1) is already published.",
    )

    def __str__(self) -> str:
        return f"assist settings of blog {self.blog_id}"


class KeyPointSuggestion(models.Model):
    """One suggested key point, best first; nothing reaches readers until an editor accepts."""

    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=KEY_POINT_MAX)
    # The published entries that say it, the first one the key point links to.
    entry_ids = models.JSONField(default=list)
    # Names the suggestion across recomputations, so a dismissal sticks.
    key = models.CharField(max_length=64)

    class Meta:
        ordering = ["blog", "position"]

    def __str__(self) -> str:
        return self.text


class SuggestionsDue(models.Model):
    """A blog whose stored suggestions are older than its published entries.

    Publishing or editing only adds this row (one insert that ignores a row already there);
    the suggestions are recomputed when next read (:func:`bulletin.assist.keypoints.current`),
    outside the writer's transaction and off the path of the change to readers. A removal does
    not wait for a read: what it took away leaves the suggestions in its own transaction.
    """

    blog = models.OneToOneField(
        LiveBlog, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return f"suggestions of blog {self.blog_id} due"


class DismissedSuggestion(models.Model):
    """A suggestion an editor dismissed: it is not suggested again."""

    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blog", "key"], name="assist_dismissed_once")
        ]

    def __str__(self) -> str:
        return self.key
