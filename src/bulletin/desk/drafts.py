"""Shared drafts: what a composer or an edit form holds, kept on the server while its writer
types.

The form's script posts the whole form after each pause in typing; the words are checked like
an entry (the form's own reading, :func:`bulletin.desk.forms.read_entry_form`) and kept as that
person's draft: of a new entry (the composer, one per person and blog) or of an edit (one per
person and entry, until the edit is saved, cancelled or discarded). The writer finds it again
on any device, and editors see it listed and may open it. Each save names the version it
started from: a save from an older copy is refused with the newer one in the answer, so that
nothing is overwritten unseen.

Drafts are desk-only: they never reach the change log, pages or feeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from bulletin.accounts.models import User
from bulletin.accounts.permissions import Action, require, role_allows, visible_entries
from bulletin.blogs.models import Entry, EntryStatus, LiveBlog
from bulletin.blogs.workflow import Move, permitted, require_possible
from bulletin.desk.access import Desk
from bulletin.desk.forms import embed_form_rows, embed_rows, read_entry_form
from bulletin.desk.models import EntryDraft
from bulletin.errors import Conflict, NotFound, ValidationFailed
from bulletin.numbers import whole_number


def on_entry_written(sender: Any, entry: Entry, **_kwargs: Any) -> None:
    """A takedown leaves no working copy of the words behind: the entry's edit drafts go in
    the takedown's transaction, like the words of the entry row (the revisions, the record,
    stay withheld for owners). A deleted entry keeps them hidden, for a restore."""
    if entry.taken_down_at is not None:
        EntryDraft.objects.filter(entry=entry).delete()


# Inputs of the form that are not the entry's words: the form's own machinery.
NOT_KEPT = frozenset({"csrfmiddlewaretoken", "action", "image", "draft_version", "draft_author"})
# Enough for every input of the composer or the edit form; more means the post is not theirs.
MAX_INPUTS = 60


@dataclass(frozen=True)
class DraftView:
    """A draft as the desk shows it: whose, of which entry, how far, saved when (in the blog's
    time zone)."""

    pk: int
    author: User
    headline: str
    version: int
    saved_at: datetime
    saved_by: str
    age_seconds: int
    # The entry being edited (None: a new entry's composer) and how the desk names it.
    entry_id: int | None = None
    entry_label: str = ""
    base_revision: str = ""

    @property
    def saved_clock(self) -> str:
        return self.saved_at.strftime("%H:%M:%S %Z")


def may_read(desk: Desk, author_id: int) -> bool:
    """One's own draft, or anyone's for those who read every draft (editors, owners)."""
    return author_id == desk.user.pk or role_allows(desk.role, Action.READ_ALL_DRAFTS)


def require_may_write(desk: Desk, author_id: int, entry: Entry | None = None) -> None:
    """Writers keep their own drafts (of edits they may make); changing a colleague's takes
    someone who may publish."""
    if author_id != desk.user.pk:
        require(desk.user, desk.blog, Action.PUBLISH)
        return
    require(desk.user, desk.blog, Action.WRITE_DRAFT)
    if entry is not None:
        if not permitted(desk.role, desk.user.pk, entry, Move.EDIT):
            require(desk.user, desk.blog, Action.PUBLISH)  # raises with the role in the message
        require_possible(entry, Move.EDIT)  # a deleted entry takes no more edits


def _not_found(desk: Desk, author_id: int, entry: Entry | None) -> NotFound:
    of = f" of entry {entry.pk}" if entry is not None else ""
    return NotFound(f"no draft{of} of person {author_id} in live blog {desk.blog.slug!r}")


def draft_of(desk: Desk, author_id: int, entry: Entry | None = None) -> EntryDraft | None:
    """This person's draft on the desk's blog (of ``entry``, or their composer's), if the
    reader may see it (else NotFound)."""
    if not may_read(desk, author_id):
        raise _not_found(desk, author_id, entry)
    return (
        EntryDraft.objects.select_related("author", "saved_by")
        .filter(blog=desk.blog, author_id=author_id, entry=entry)
        .first()
    )


def held_author(desk: Desk, post: QueryDict) -> int:
    """Whose draft a posted form holds (``draft_author``; the poster's own without one)."""
    author_id = whole_number(post.get("draft_author", "").strip())
    return author_id if author_id is not None else desk.user.pk


def form_values(draft: EntryDraft | None) -> dict[str, Any]:
    """The form's ``values`` for a kept draft: one string per input, lists where the form
    repeats a name (bylines, embed rows)."""
    if draft is None:
        return {}
    kept = QueryDict(mutable=True)
    for name, given in draft.values.items():
        kept.setlist(name, [str(value) for value in given])
    return {
        **{name: (given[0] if given else "") for name, given in kept.lists()},
        "authors": kept.getlist("authors"),
        "contributors": kept.getlist("contributors"),
        "embeds": embed_form_rows(embed_rows(kept)),
    }


def _entry_label(entry: Entry | None) -> str:
    if entry is None:
        return ""
    return entry.headline or f"entry {entry.pk}"


def described(draft: EntryDraft, zone: str) -> DraftView:
    saved_by = draft.saved_by.byline if draft.saved_by else "someone"
    headline = (draft.values.get("headline") or [""])[0]
    return DraftView(
        pk=draft.pk,
        author=draft.author,
        headline=headline,
        version=draft.version,
        saved_at=timezone.localtime(draft.saved_at, ZoneInfo(zone)),
        saved_by=saved_by,
        age_seconds=max(0, int((timezone.now() - draft.saved_at).total_seconds())),
        entry_id=draft.entry_id,
        entry_label=_entry_label(draft.entry) if draft.entry_id else "",
        base_revision=(draft.values.get("revision") or [""])[0],
    )


def being_written(blog: LiveBlog, user: User, role: str | None) -> list[DraftView]:
    """The drafts the desk lists as "Being written" for this person, newest first.

    Editors and owners: colleagues' composers and everyone's edits. Contributors: their own
    edits only (a colleague's draft is theirs and the editors' business). One's own composer
    is not listed: it is in one's composer.
    """
    rows = EntryDraft.objects.filter(blog=blog).exclude(author_id=user.pk, entry__isnull=True)
    if not role_allows(role, Action.READ_ALL_DRAFTS):
        rows = rows.filter(author_id=user.pk)
    # Only edits of entries this person may see and that may still be edited.
    editable = visible_entries(user, blog, Entry.objects.filter(blog=blog), role=role).exclude(
        status=EntryStatus.DELETED
    )
    rows = rows.filter(Q(entry__isnull=True) | Q(entry__in=editable))
    ordered = rows.select_related("author", "saved_by", "entry").order_by("-saved_at", "-pk")
    return [described(draft, blog.timezone) for draft in ordered]


def signature(views: list[DraftView]) -> str:
    """What the "Being written" list shows, in brief: it differs whenever the list would."""
    return " ".join(f"{view.pk}.{view.version}" for view in views)


def expected_version(post: QueryDict) -> int:
    """The draft version the form started from (0: it holds no saved draft)."""
    raw = post.get("draft_version", "").strip()
    version = whole_number(raw)
    if version is None:
        raise ValidationFailed.on(
            "draft_version", f"must be the draft's version number (0 for none), got {raw[:20]!r}"
        )
    return version


def _kept_values(desk: Desk, post: QueryDict, entry: Entry | None) -> dict[str, list[str]]:
    """The form's inputs as they will be kept, refused as a publication or a save of the edit
    would refuse them."""
    if entry is None:
        form = read_entry_form(post, desk.blog, may_flag=desk.may_curate)
    else:
        form = read_entry_form(
            post, desk.blog, editing=True, may_flag=desk.may_curate, current=entry
        )
    values = {name: post.getlist(name) for name in post if name not in NOT_KEPT}
    if len(values) > MAX_INPUTS:
        raise ValidationFailed.on(
            "draft", f"must be the form's inputs (at most {MAX_INPUTS}), got {len(values)}"
        )
    # Kept as it would be published: cleaned by the sanitiser like every stored body.
    values["body"] = [form.fields.body]
    return values


def _is_empty(values: dict[str, list[str]]) -> bool:
    def first(name: str) -> str:
        return (values.get(name) or [""])[0].strip()

    return not (first("headline") or first("body") or first("image_id"))


def _where(entry: Entry | None) -> str:
    return "your composer" if entry is None else "this edit form"


def _conflict(
    draft: EntryDraft | None, expected: int, zone: str, entry: Entry | None, *, then: str = ""
) -> Conflict:
    then = then or f"what you typed is still in {_where(entry)} and was not saved"
    if draft is None:
        return Conflict(
            f"this draft was saved, published or cleared meanwhile (you had version "
            f"{expected}); {then}",
            extra={"current": None},
        )
    shown = described(draft, zone)
    return Conflict(
        f"{shown.saved_by} changed this draft at {shown.saved_clock} (version {draft.version}; "
        f"yours was version {expected}); {then}",
        extra={
            "current": {
                "version": draft.version,
                "saved_by": shown.saved_by,
                "saved_clock": shown.saved_clock,
                "values": draft.values,
            }
        },
    )


def _locked(desk: Desk, author_id: int, entry: Entry | None) -> EntryDraft | None:
    return (
        # Only the draft's row: PostgreSQL cannot lock the nullable side of the outer joins.
        EntryDraft.objects.select_for_update(of=("self",))
        .select_related("saved_by", "entry")
        .filter(blog=desk.blog, author_id=author_id, entry=entry)
        .first()
    )


def save(
    desk: Desk, author_id: int, post: QueryDict, entry: Entry | None = None
) -> EntryDraft | None:
    """Keep the form's contents as ``author_id``'s draft (of ``entry``, or of their composer);
    None when a composer was emptied.

    Raises Conflict when the draft moved on from the version the form started from.
    """
    if not may_read(desk, author_id):
        raise _not_found(desk, author_id, entry)
    require_may_write(desk, author_id, entry)
    expected = expected_version(post)
    values = _kept_values(desk, post, entry)
    with transaction.atomic():
        draft = _locked(desk, author_id, entry)
        current = draft.version if draft else 0
        if current != expected:
            raise _conflict(draft, expected, desk.blog.timezone, entry)
        # An emptied composer has nothing to keep; an emptied edit form is still an edit.
        if entry is None and _is_empty(values):
            if draft is not None:
                draft.delete()
            return None
        now = timezone.now()
        if draft is None:
            # Two first saves at once: the unique constraint lets one in, the other conflicts.
            draft, created = EntryDraft.objects.get_or_create(
                blog=desk.blog,
                author_id=author_id,
                entry=entry,
                defaults={"values": values, "saved_at": now, "saved_by": desk.user, "version": 1},
            )
            if not created:
                raise _conflict(draft, expected, desk.blog.timezone, entry)
            return draft
        draft.values = values
        draft.version += 1
        draft.saved_at = now
        draft.saved_by = desk.user
        draft.save()
        return draft


def discard(desk: Desk, author_id: int, entry: Entry, post: QueryDict) -> bool:
    """Drop ``author_id``'s draft of ``entry`` (cancelled or discarded on purpose); False when
    there was none. A draft changed since the version the form knew is kept (Conflict)."""
    if not may_read(desk, author_id):
        raise _not_found(desk, author_id, entry)
    if author_id != desk.user.pk:
        require(desk.user, desk.blog, Action.PUBLISH)
    expected = expected_version(post)
    with transaction.atomic():
        draft = _locked(desk, author_id, entry)
        if draft is None:
            return False
        if draft.version != expected:
            raise _conflict(
                draft, expected, desk.blog.timezone, entry, then="it was kept, not discarded"
            )
        draft.delete()
        return True


def _clear(desk: Desk, post: QueryDict, entry: Entry | None) -> None:
    author_id = whole_number(post.get("draft_author", "").strip())
    if author_id is None:
        return  # a form without a kept draft (no script, or an API-like post)
    if author_id != desk.user.pk and not role_allows(desk.role, Action.PUBLISH):
        return  # not theirs to clear
    EntryDraft.objects.filter(blog=desk.blog, author_id=author_id, entry=entry).delete()


def published(desk: Desk, post: QueryDict) -> None:
    """The composer's entry was created: its draft is done with (in the same transaction)."""
    _clear(desk, post, None)


def edit_saved(desk: Desk, entry: Entry, post: QueryDict) -> None:
    """The edit form's changes were saved into the entry: its draft is done with."""
    _clear(desk, post, entry)
