"""Take an entry down: the legal or safety removal that leaves no public trace.

Deleting an entry takes it out of the stream. A takedown also removes its words and images
from everything Bulletin keeps or replays (the entry row, every change-log payload of it, its
place in the header) and withholds its revision history from everyone but the blog's owners,
who keep the record of who took it down, when and why.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bulletin.accounts.permissions import Action, require
from bulletin.blogs.changelog import append_change, lock_blog, redact_entry
from bulletin.blogs.events import entry_written
from bulletin.blogs.fields import Takedown
from bulletin.blogs.models import (
    Activity,
    ChangeKind,
    Entry,
    EntryRevision,
    EntryStatus,
    KeyPoint,
)
from bulletin.blogs.services.common import Actor, acting_user, locked_entry
from bulletin.blogs.services.recording import announce_removal, follow_header
from bulletin.blogs.workflow import Move, require_possible


def takedown_entry(actor: Actor, entry: Entry, *, reason: str) -> Entry:
    """Remove an entry and every public trace of it, recording who, when and why."""
    reason = Takedown.read({"reason": reason}).reason
    user = acting_user(actor)
    with transaction.atomic():
        blog = lock_blog(entry.blog_id)
        require(actor, blog, Action.TAKE_DOWN)
        entry = locked_entry(blog, entry.pk)
        require_possible(entry, Move.TAKE_DOWN)
        media_ids = (entry.image_id,) if entry.image_id is not None else ()
        redact_entry(blog, entry.pk)
        EntryRevision.objects.filter(entry=entry).update(withheld=True)
        # A key point that points at it may quote it: it goes too (editors rewrite the box).
        KeyPoint.objects.filter(blog=blog, entry=entry).delete()
        now = timezone.now()
        _wipe(entry)
        entry.status = EntryStatus.DELETED
        entry.taken_down_at = now
        entry.taken_down_by = user
        entry.takedown_reason = reason
        entry.revision += 1
        entry.updated_at = now
        entry.save()
        EntryRevision.objects.create(
            entry=entry,
            revision=entry.revision,
            status=entry.status,
            data={"taken_down": True},
            withheld=True,
            edited_by=user,
        )
        # A bare tombstone, public even for an entry readers never saw: every hub, page
        # cache and CDN in front hears of it, and it says nothing but the id.
        append_change(
            blog,
            ChangeKind.DELETE,
            {"id": entry.pk},
            action=Activity.TAKEN_DOWN,
            entry=entry,
            actor=user,
        )
        follow_header(blog, entry, user)
        entry_written.send(sender=Entry, entry=entry)
        announce_removal(blog, entry, media_ids=media_ids, takedown=True)
    return entry


def _wipe(entry: Entry) -> None:
    entry.headline = ""
    entry.subtitle = ""
    entry.body = ""
    entry.html = ""
    entry.embeds = []  # the post cards' quoted words and authors too
    entry.related_url = ""
    entry.related_title = ""
    entry.image = None
    entry.correction_note = ""
    entry.is_key_event = False
    entry.is_breaking = False
    entry.scheduled_for = None
