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
