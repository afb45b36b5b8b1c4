"""Desk-only state: who has which entry open for editing right now."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Editing(models.Model):
    """One person with one entry open in an editor, until ``until`` (renewed by a heartbeat).

    Readers never see this; it lets the desk say "Anna is editing this entry".
    """

    blog = models.ForeignKey("blogs.LiveBlog", on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey("blogs.Entry", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "user"], name="one_editing_row_per_person"),
        ]
        indexes = [models.Index(fields=["blog", "until"], name="editing_by_blog")]

    def __str__(self) -> str:
        return f"{self.user_id} editing {self.entry_id} until {self.until:%H:%M:%S}"


class EntryDraft(models.Model):
    """The words in one person's composer or edit form, kept on the server as they type.

    A composer's draft (no ``entry``): one per person and blog. An edit's draft: one per person
    and entry, the unsaved changes to that entry. The form of ``author`` reloads it, on any
    device, and editors may open it. ``version`` goes up by one at every save, so a save made
    from an older copy (another window, a colleague) is refused instead of overwriting what it
    never saw. Readers never see a draft: no change row, no page, no feed.
    """

    blog = models.ForeignKey("blogs.LiveBlog", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The entry being edited; None for a new entry's composer.
    entry = models.ForeignKey(
        "blogs.Entry", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The composer's inputs by name, each a list of values (a form may repeat a name).
    values = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    saved_at = models.DateTimeField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["blog", "author"],
                condition=models.Q(entry__isnull=True),
                name="one_composer_draft_each",
            ),
            models.UniqueConstraint(
                fields=["entry", "author"],
                condition=models.Q(entry__isnull=False),
                name="one_edit_draft_each",
            ),
        ]

    def __str__(self) -> str:
        kind = f"edit of entry {self.entry_id}" if self.entry_id else "composer"
        return f"draft ({kind}) of {self.author_id} on {self.blog_id} v{self.version}"
