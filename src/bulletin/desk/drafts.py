"""Shared drafts: what a composer holds, kept on the server while its writer types.

The composer's script posts the whole form after each pause in typing; the words are checked
like an entry (the composer's own reading, :func:`bulletin.desk.forms.read_entry_form`) and
kept as that person's draft. The writer finds it again on any device, and editors see it
listed and may open it. Each save names the version it started from: a save from an older copy
is refused with the newer one in the answer, so that nothing is overwritten unseen.

Drafts are desk-only: they never reach the change log, pages or feeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from bulletin.accounts.models import User
from bulletin.accounts.permissions import Action, require, role_allows
from bulletin.desk.access import Desk
from bulletin.desk.forms import read_entry_form
from bulletin.desk.models import EntryDraft
from bulletin.errors import Conflict, NotFound, ValidationFailed
from bulletin.numbers import whole_number

# Inputs of the composer that are not the entry's words: the form's own machinery.
NOT_KEPT = frozenset({"csrfmiddlewaretoken", "action", "image", "draft_version", "draft_author"})
# Enough for every input of the composer; more means the post is not the composer's.
MAX_INPUTS = 60


@dataclass(frozen=True)
class DraftView:
    """A draft as the desk shows it: whose, how far, saved when (in the blog's time zone)."""

    author: User
    headline: str
    version: int
    saved_at: datetime
    saved_by: str
    age_seconds: int

    @property
    def saved_clock(self) -> str:
        return self.saved_at.strftime("%H:%M:%S %Z")


def may_read(desk: Desk, author_id: int) -> bool:
    """One's own draft, or anyone's for those who read every draft (editors, owners)."""
    return author_id == desk.user.pk or role_allows(desk.role, Action.READ_ALL_DRAFTS)


def require_may_write(desk: Desk, author_id: int) -> None:
    """Writers keep their own drafts; changing a colleague's takes someone who may publish."""
    if author_id == desk.user.pk:
        require(desk.user, desk.blog, Action.WRITE_DRAFT)
    else:
        require(desk.user, desk.blog, Action.PUBLISH)


def draft_of(desk: Desk, author_id: int) -> EntryDraft | None:
    """This person's draft on the desk's blog, if the reader may see it (else NotFound)."""
    if not may_read(desk, author_id):
        raise NotFound(f"no draft of person {author_id} in live blog {desk.blog.slug!r}")
    return (
        EntryDraft.objects.select_related("author", "saved_by")
        .filter(blog=desk.blog, author_id=author_id)
        .first()
    )


def form_values(draft: EntryDraft | None) -> dict[str, Any]:
    """The composer's ``values`` for a kept draft: one string per input, authors a list."""
    if draft is None:
        return {}
    values: dict[str, Any] = {
        name: (kept[0] if kept else "") for name, kept in draft.values.items()
    }
    values["authors"] = list(draft.values.get("authors", []))
    return values


def described(draft: EntryDraft, zone: str) -> DraftView:
    saved_by = draft.saved_by.byline if draft.saved_by else "someone"
    headline = (draft.values.get("headline") or [""])[0]
    return DraftView(
        author=draft.author,
        headline=headline,
        version=draft.version,
        saved_at=timezone.localtime(draft.saved_at, ZoneInfo(zone)),
        saved_by=saved_by,
        age_seconds=max(0, int((timezone.now() - draft.saved_at).total_seconds())),
    )


def colleagues_drafts(desk: Desk) -> list[DraftView]:
    """The drafts being written by others on this blog, for those who read every draft."""
    if not role_allows(desk.role, Action.READ_ALL_DRAFTS):
        return []
    rows = (
        EntryDraft.objects.select_related("author", "saved_by")
        .filter(blog=desk.blog)
        .exclude(author_id=desk.user.pk)
        .order_by("-saved_at")
    )
    return [described(draft, desk.blog.timezone) for draft in rows]


def expected_version(post: QueryDict) -> int:
    """The draft version the composer started from (0: it holds no saved draft)."""
    raw = post.get("draft_version", "").strip()
    version = whole_number(raw)
    if version is None:
        raise ValidationFailed.on(
            "draft_version", f"must be the draft's version number (0 for none), got {raw[:20]!r}"
        )
    return version


def _kept_values(desk: Desk, post: QueryDict) -> dict[str, list[str]]:
    """The composer's inputs as they will be kept, refused as a publication would refuse them."""
    form = read_entry_form(post, desk.blog, may_flag=desk.may_curate)
    values = {name: post.getlist(name) for name in post if name not in NOT_KEPT}
    if len(values) > MAX_INPUTS:
        raise ValidationFailed.on(
            "draft", f"must be the composer's inputs (at most {MAX_INPUTS}), got {len(values)}"
        )
    # Kept as it would be published: cleaned by the sanitiser like every stored body.
    values["body"] = [form.fields.body]
    return values


def _is_empty(values: dict[str, list[str]]) -> bool:
    def first(name: str) -> str:
        return (values.get(name) or [""])[0].strip()

    return not (first("headline") or first("body") or first("image_id"))


def _conflict(draft: EntryDraft | None, expected: int, zone: str) -> Conflict:
    if draft is None:
        return Conflict(
            f"this draft was published or cleared meanwhile (you had version {expected}); "
            "what you typed is still in your composer and was not saved",
            extra={"current": None},
        )
    shown = described(draft, zone)
    return Conflict(
        f"{shown.saved_by} changed this draft at {shown.saved_clock} (version {draft.version}; "
        f"yours was version {expected}); what you typed is still in your composer and was "
        "not saved",
        extra={
            "current": {
                "version": draft.version,
                "saved_by": shown.saved_by,
                "saved_clock": shown.saved_clock,
                "values": draft.values,
            }
        },
    )


def save(desk: Desk, author_id: int, post: QueryDict) -> EntryDraft | None:
    """Keep the composer's contents as ``author_id``'s draft; None when it was emptied.

    Raises Conflict when the draft moved on from the version the composer started from.
    """
    if not may_read(desk, author_id):
        raise NotFound(f"no draft of person {author_id} in live blog {desk.blog.slug!r}")
    require_may_write(desk, author_id)
    expected = expected_version(post)
    values = _kept_values(desk, post)
    with transaction.atomic():
        draft = (
            EntryDraft.objects.select_for_update()
            .filter(blog=desk.blog, author_id=author_id)
            .first()
        )
        current = draft.version if draft else 0
        if current != expected:
            raise _conflict(draft, expected, desk.blog.timezone)
        if _is_empty(values):
            if draft is not None:
                draft.delete()
            return None
        now = timezone.now()
        if draft is None:
            # Two first saves at once: the unique constraint lets one in, the other conflicts.
            draft, created = EntryDraft.objects.get_or_create(
                blog=desk.blog,
                author_id=author_id,
                defaults={"values": values, "saved_at": now, "saved_by": desk.user, "version": 1},
            )
            if not created:
                raise _conflict(draft, expected, desk.blog.timezone)
            return draft
        draft.values = values
        draft.version += 1
        draft.saved_at = now
        draft.saved_by = desk.user
        draft.save()
        return draft


def published(desk: Desk, post: QueryDict) -> None:
    """The composer's entry was created: its draft is done with (in the same transaction)."""
    raw = post.get("draft_author", "").strip()
    author_id = whole_number(raw)
    if author_id is None:
        return  # a composer without a kept draft (no script, or an API-like post)
    if author_id != desk.user.pk and not role_allows(desk.role, Action.PUBLISH):
        return  # not theirs to clear
    EntryDraft.objects.filter(blog=desk.blog, author_id=author_id).delete()
