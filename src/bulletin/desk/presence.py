"""Who is editing which entry: heartbeats from open edit forms, shown to the rest of the desk.

An open edit form renews its row every ``HEARTBEAT_SECONDS``; a row not renewed for
``PRESENCE_SECONDS`` has gone (closed tab, lost network), so nothing needs cleaning up for
the indicator to be right.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from bulletin.accounts.models import User
from bulletin.blogs.models import Entry, LiveBlog
from bulletin.desk.models import Editing

HEARTBEAT_SECONDS = 10
PRESENCE_SECONDS = 25


def start_editing(user: User, entry: Entry) -> None:
    """Say that ``user`` has ``entry`` open (or still has it)."""
    until = timezone.now() + timedelta(seconds=PRESENCE_SECONDS)
    updated = Editing.objects.filter(entry=entry, user=user).update(until=until)
    if not updated:
        try:
            with transaction.atomic():
                Editing.objects.create(blog_id=entry.blog_id, entry=entry, user=user, until=until)
        except IntegrityError:
            # Two heartbeats of one person raced; the other one made the row.
            Editing.objects.filter(entry=entry, user=user).update(until=until)


def stop_editing(user: User, entry: Entry) -> None:
    """The edit form closed (saved, cancelled or left)."""
    Editing.objects.filter(entry=entry, user=user).delete()


def editors_of(blog: LiveBlog) -> dict[int, list[str]]:
    """Entry id → bylines of the people editing it now."""
    rows = (
        Editing.objects.filter(blog=blog, until__gt=timezone.now())
        .select_related("user")
        .order_by("entry_id", "user_id")
    )
    editing: dict[int, list[str]] = {}
    for row in rows:
        editing.setdefault(row.entry_id, []).append(row.user.byline)
    return editing


def others_editing(entry: Entry, user: User) -> list[str]:
    """Bylines of everyone but ``user`` who has ``entry`` open."""
    rows = Editing.objects.filter(entry=entry, until__gt=timezone.now()).exclude(user=user)
    return [row.user.byline for row in rows.select_related("user").order_by("user_id")]
