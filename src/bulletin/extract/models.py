"""What the rules read out of published entries, and what editors decided about it.

Rows are written on every entry write (:mod:`bulletin.extract.store`), inside its transaction:
only public entries have quotes and topic links, so a deleted, unpublished or taken-down entry
loses them in the same commit. Editors' decisions (a rejected quote, a fixed speaker, a
renamed, merged or hidden topic, the reader switches) are kept beside them and never
overwritten by the rules.
"""

from __future__ import annotations

from django.db import models

from bulletin.blogs.models import Entry, LiveBlog

LABEL_MAX = 200


class TopicKind(models.TextChoices):
    PERSON = "person", "Person"
    PLACE = "place", "Place"
    ORGANISATION = "organisation", "Organisation"


class ReaderSwitches(models.Model):
    """What the reader page shows of this: nothing until an editor switches it on."""

    blog = models.OneToOneField(
        LiveBlog, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    quotes_public = models.BooleanField(
        default=False, help_text="Readers see the 'Who said what' panel and the quotes API."
    )
    topics_public = models.BooleanField(
        default=False, help_text="Readers see the topic chips and the topics API."
    )

    def __str__(self) -> str:
        return f"switches of {self.blog_id}"


class Topic(models.Model):
    """A person, place or organisation some entry of the blog names."""

    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="+")
    # Stable whatever editors do to the label: what entries carry in data-topics.
    key = models.CharField(max_length=100)
    name = models.CharField(max_length=LABEL_MAX, help_text="The name as the rules found it.")
    kind = models.CharField(max_length=20, choices=TopicKind.choices)
    label = models.CharField(max_length=LABEL_MAX, blank=True, help_text="An editor's rename.")
    hidden = models.BooleanField(default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blog", "key"], name="one_topic_per_key"),
        ]

    def __str__(self) -> str:
        return self.shown_label

    @property
    def shown_label(self) -> str:
        return self.label or self.name

    @property
    def edited(self) -> bool:
        return bool(self.label or self.hidden or self.merged_into_id)


class EntryTopic(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "topic"], name="one_link_per_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.topic_id}"


class Quote(models.Model):
    """One attributed quotation of a public entry."""

    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    speaker = models.CharField(max_length=LABEL_MAX, help_text="As the rules attributed it.")
    text = models.TextField()
    pattern = models.CharField(max_length=20)
    fixed_speaker = models.CharField(
        max_length=LABEL_MAX, blank=True, help_text="An editor's correction of the speaker."
    )
    rejected = models.BooleanField(default=False, help_text="An editor said this is wrong.")

    class Meta:
        ordering = ["entry", "position"]
        indexes = [
            models.Index(fields=["blog", "speaker"], name="quote_speaker"),
            # The panel and the API: a blog's quotes, newest entry first.
            models.Index(fields=["blog", "-entry"], name="quote_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.shown_speaker}: {self.text[:40]}"

    @property
    def shown_speaker(self) -> str:
        return self.fixed_speaker or self.speaker
