"""What changed, by whom and when: an entry's revisions and a blog's activity log."""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bulletin.accounts.models import User
from bulletin.blogs.models import (
    Activity,
    Change,
    Contributor,
    Entry,
    EntryRevision,
    LiveBlog,
    Media,
)
from bulletin.blogs.rendering import entry_json, render_entry_html
from bulletin.blogs.sanitize import plain_text
from bulletin.blogs.workflow import Move, possible, restore_deadline

ACTIVITY_PAGE = 100

# The revision's ``data`` keys the history names, in the order it lists them.
DATA_LABELS = {
    "authors": "Authors",
    "contributors": "Contributors",
    "guest_byline": "Guest byline",
    "image_id": "Image",
    "embed": "Embed",  # revisions saved before entries had several
    "embeds": "Embeds",
    "related_url": "Related story link",
    "related_title": "Related story title",
    "key_event": "Key event",
    "breaking": "Breaking",
    "display_at": "Time shown to readers",
}


@dataclass
class RevisionView:
    revision: EntryRevision
    status_changed: tuple[str, str] | None = None
    headline_diff: SafeString | None = None
    body_diff: SafeString | None = None
    other_changes: list[str] = field(default_factory=list)
    # A takedown withheld this revision's text from the viewer (see revision_history).
    withheld: bool = False

    @property
    def unchanged(self) -> bool:
        return not (
            self.status_changed
            or self.headline_diff
            or self.body_diff
            or self.other_changes
            or self.withheld
        )


def word_diff(old: str, new: str) -> SafeString:
    """The words of ``new`` with what was removed in <del> and what was added in <ins>."""
    before = re.findall(r"\S+|\s+", old)
    after = re.findall(r"\S+|\s+", new)
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(before[a1:a2])))
            continue
        if op in {"delete", "replace"}:
            parts.append(f"<del>{escape(''.join(before[a1:a2]))}</del>")
        if op in {"insert", "replace"}:
            parts.append(f"<ins>{escape(''.join(after[b1:b2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308  (every piece is escaped above)


def _label(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return str(value.get("url") or "none")
    if value in (None, "", []):
        return "none"
    return str(value)


def revision_history(entry: Entry, *, may_read_withheld: bool = False) -> list[RevisionView]:
    """Every revision of the entry, newest first, each with what it changed.

    A takedown withholds the text of its revisions: unless ``may_read_withheld`` (the blog's
    owners, the legal record), they show who and when but no word of what, and no diff is
    drawn against them either (a diff would quote them).
    """
    revisions = list(entry.revisions.select_related("edited_by").order_by("revision"))
    views: list[RevisionView] = []
    previous: EntryRevision | None = None
    for revision in revisions:
        view = RevisionView(revision, withheld=revision.withheld and not may_read_withheld)
        if revision.data.get("taken_down"):
            view.other_changes.append("Taken down")
        if previous is not None:
            if previous.status != revision.status:
                view.status_changed = (previous.status, revision.status)
            if not view.withheld and not (previous.withheld and not may_read_withheld):
                _describe_changes(view, previous, revision)
        views.append(view)
        previous = revision
    views.reverse()
    return views


def _describe_changes(view: RevisionView, previous: EntryRevision, revision: EntryRevision) -> None:
    if previous.headline != revision.headline:
        view.headline_diff = word_diff(previous.headline, revision.headline)
    old_body, new_body = plain_text(previous.body), plain_text(revision.body)
    if old_body != new_body or previous.body != revision.body:
        view.body_diff = word_diff(old_body, new_body)
    for key, label in DATA_LABELS.items():
        old, new = previous.data.get(key), revision.data.get(key)
        if old != new:
            view.other_changes.append(f"{label}: {_label(old)} → {_label(new)}")
    if revision.correction_note:
        view.other_changes.append(f"Correction note: {revision.correction_note}")


def revision_html(entry: Entry, number: int) -> str | None:
    """Revision ``number`` of the entry as readers would have seen it, to set beside the
    present one (None if there is no such revision, or a takedown withheld its text)."""
    revision = entry.revisions.filter(revision=number).first()
    if revision is None or revision.withheld:
        return None
    then = copy.copy(entry)
    data = revision.data
    then.headline, then.body, then.revision = revision.headline, revision.body, number
    then.related_url = data.get("related_url") or ""
    then.related_title = data.get("related_title") or ""
    older = data.get("embed")  # a revision saved before entries had several embeds
    then.embeds = data.get("embeds", [older] if older else [])
    then.is_key_event = bool(data.get("key_event"))
    then.is_breaking = bool(data.get("breaking"))
    image_id = data.get("image_id")
    then.image = Media.objects.filter(pk=image_id).first() if image_id else None
    authors = list(User.objects.filter(pk__in=data.get("authors") or []))
    then.guest_byline = data.get("guest_byline") or ""
    contributors = list(Contributor.objects.filter(pk__in=data.get("contributors") or []))
    return render_entry_html(then, entry_json(then, authors=authors, contributors=contributors))


@dataclass
class ActivityRow:
    seq: int
    when: datetime
    who: str
    what: str
    entry_id: int | None
    entry_headline: str
    public: bool
    # Why an entry was taken down (on the takedown's row only).
    reason: str = ""
    # Until when the deleted entry may still be restored (on its deletion's row; None: not).
    restorable_until: datetime | None = None


def activity_log(
    blog: LiveBlog, *, before: int | None = None, visible: QuerySet[Entry] | None = None
) -> list[ActivityRow]:
    """The blog's changes, newest first, as sentences: who did what to which entry.

    With ``visible`` (the entries the viewer may see), changes of any other entry are left
    out altogether: a contributor's log neither names nor links a colleague's draft.
    """
    changes = Change.objects.filter(blog=blog).select_related("actor", "entry")
    if visible is not None:
        changes = changes.filter(Q(entry__isnull=True) | Q(entry__in=visible.values("pk")))
    if before is not None:
        changes = changes.filter(seq__lt=before)
    rows = []
    offered: set[int] = set()  # entries whose Restore is shown: on their latest deletion only
    for change in changes.order_by("-seq")[:ACTIVITY_PAGE]:
        entry = change.entry
        restorable = (
            entry is not None
            and entry.pk not in offered
            and change.action == Activity.DELETED
            and possible(entry, Move.RESTORE)
        )
        if restorable:
            offered.add(entry.pk)  # type: ignore[union-attr]
        rows.append(
            ActivityRow(
                seq=change.seq,
                when=change.created_at,
                who=change.actor.byline if change.actor else "The scheduler",
                what=_action_words(change),
                entry_id=entry.pk if entry else None,
                entry_headline=(entry.headline or f"entry {entry.pk}") if entry else "",
                public=change.public,
                reason=(
                    entry.takedown_reason
                    if entry is not None and change.action == Activity.TAKEN_DOWN
                    else ""
                ),
                restorable_until=restore_deadline(entry) if restorable and entry else None,
            )
        )
    return rows


def _action_words(change: Change) -> str:
    if change.action:
        return str(Activity(change.action).label)
    # Changes logged before actions were recorded: say what kind they were.
    return str(change.get_kind_display()).lower()
