"""Writes to entries: create, edit, the review workflow, scheduling, pins and key events."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from bulletin.accounts.models import User
from bulletin.accounts.permissions import Action, can, require, role_of
from bulletin.blogs.changelog import append_change, lock_blog
from bulletin.blogs.fields import EntryFields, read_value
from bulletin.blogs.fields.kinds import Correction, Moment
from bulletin.blogs.models import (
    Activity,
    BlogStatus,
    Change,
    ChangeKind,
    Entry,
    EntryRevision,
    EntryStatus,
    LiveBlog,
)
from bulletin.blogs.rendering import blog_json
from bulletin.blogs.services.common import (
    Actor,
    acting_user,
    locked_entry,
    require_active_authors,
    require_blog_contributors,
    require_open,
    require_team_authors,
    require_usable_image,
)
from bulletin.blogs.services.recording import record_entry_change
from bulletin.blogs.workflow import MOVES, Move, permitted, require_possible
from bulletin.errors import Conflict, PermissionDenied, ValidationFailed

# Noted on a deletion's revision when the entry was the blog's pinned one (deleting it
# unpins it): restoring it pins it again, unless another entry was pinned since.
_WAS_PINNED = "pinned"


def _snapshot(
    entry: Entry, actor: User | None, correction: str = "", noted: dict[str, object] | None = None
) -> None:
    data = {
        "subtitle": entry.subtitle,
        "authors": sorted(entry.authors.values_list("pk", flat=True)),
        "contributors": sorted(entry.contributors.values_list("pk", flat=True)),
        "guest_byline": entry.guest_byline,
        "image_id": entry.image_id,
        "embeds": entry.embeds,
        "related_url": entry.related_url,
        "related_title": entry.related_title,
        "key_event": entry.is_key_event,
        "breaking": entry.is_breaking,
        "display_at": entry.display_at.isoformat() if entry.display_at else None,
        **(noted or {}),
    }
    EntryRevision.objects.create(
        entry=entry,
        revision=entry.revision,
        headline=entry.headline,
        body=entry.body,
        data=data,
        status=entry.status,
        correction_note=correction,
        edited_by=actor,
    )


# What creating an entry in each status is called in the activity log.
_CREATED: dict[str, Activity] = {
    EntryStatus.DRAFT: Activity.DRAFTED,
    EntryStatus.SUBMITTED: Activity.SUBMITTED,
    EntryStatus.SCHEDULED: Activity.SCHEDULED,
    EntryStatus.PUBLISHED: Activity.PUBLISHED,
}


def _publishing_actions(status: str) -> Action:
    return (
        Action.WRITE_DRAFT
        if status in {EntryStatus.DRAFT, EntryStatus.SUBMITTED}
        else Action.PUBLISH
    )


# Flags that put an entry in front of readers (key-events list and feed, breaking label):
# an editor's call, made when publishing or approving, never a contributor's.
_EDITORIAL_FLAGS = {"is_key_event": "key_event", "is_breaking": "breaking"}


def _require_may_flag(
    actor: Actor, blog: LiveBlog, values: dict[str, object], current: Entry | None
) -> None:
    """Refuse a change of the key-event or breaking flag from someone who may not curate."""
    changed = [
        name
        for attribute, name in _EDITORIAL_FLAGS.items()
        if attribute in values
        and bool(values[attribute]) != (getattr(current, attribute) if current else False)
    ]
    if changed and not can(actor, blog, Action.CURATE):
        raise PermissionDenied(
            f"{' and '.join(changed)}: only editors and owners may mark key events or breaking "
            "news; an editor decides when approving the entry",
            fields={name: "editors and owners only" for name in changed},
        )


def create_entry(
    actor: Actor,
    blog: LiveBlog,
    fields: EntryFields,
    *,
    status: str = EntryStatus.PUBLISHED,
    scheduled_for: datetime | None = None,
) -> Entry:
    """Create an entry as a draft, submitted for review, scheduled, or published now."""
    if status not in {
        EntryStatus.DRAFT,
        EntryStatus.SUBMITTED,
        EntryStatus.SCHEDULED,
        EntryStatus.PUBLISHED,
    }:
        raise ValidationFailed.on(
            "status", f"must be draft, submitted, scheduled or published, got {status!r}"
        )
    require(actor, blog, _publishing_actions(status))
    values = fields.attributes([])
    _require_may_flag(actor, blog, values, None)
    require_usable_image(actor, blog, "image_id", values.get("image_id"))
    author_ids = values.pop("author_ids", None)
    contributor_ids = values.pop("contributor_ids", None) or []
    user = acting_user(actor)
    if author_ids is None:
        # The writer, unless the entry is credited to someone else (an agency, a stringer).
        credited = contributor_ids or values.get("guest_byline")
        author_ids = [user.pk] if user and not credited else []
    require_active_authors(author_ids)
    require_team_authors(actor, blog, author_ids)
    require_blog_contributors(blog, contributor_ids)
    now = timezone.now()
    if status == EntryStatus.SCHEDULED:
        _check_schedule(scheduled_for, now)
    if status == EntryStatus.PUBLISHED:
        _check_publishable(
            values.get("headline", ""),
            values.get("body", ""),
            values.get("image_id"),
            values.get("embeds", []),
        )
    with transaction.atomic():
        blog = lock_blog(blog.pk)
        require_open(blog)
        entry = Entry(
            blog=blog, status=status, created_by=user, created_at=now, updated_at=now, **values
        )
        if status == EntryStatus.PUBLISHED:
            entry.published_at = now
            entry.display_at = entry.display_at or now
        if status == EntryStatus.SCHEDULED:
            entry.scheduled_for = scheduled_for
        entry.save()
        entry.authors.set(author_ids)
        entry.contributors.set(contributor_ids)
        _snapshot(entry, user)
        record_entry_change(entry, blog, user, _CREATED[status], was_public=False)
    return entry


def publish_entry(actor: Actor, blog: LiveBlog, fields: EntryFields) -> Entry:
    """Publish a new entry now: readers see it at once."""
    return create_entry(actor, blog, fields, status=EntryStatus.PUBLISHED)


def save_draft(actor: Actor, blog: LiveBlog, fields: EntryFields) -> Entry:
    """Save a new entry as a draft that only the desk sees."""
    return create_entry(actor, blog, fields, status=EntryStatus.DRAFT)


def _check_publishable(
    headline: str, body: str, image_id: int | None, embeds: list[dict[str, str]]
) -> None:
    """Readers need something to read or look at: a headline, text, a photo or an embed (an
    entry that is only a photo with its caption, a quoted post or a video is news too)."""
    if not headline.strip() and not body.strip() and image_id is None and not embeds:
        raise ValidationFailed(
            "an entry needs a headline, text, a photo or an embed before it is published, got none",
            fields={
                "headline": "required when there is no text, photo or embed",
                "body": "required when there is no headline, photo or embed",
                "image_id": "required when there is no headline, text or embed",
                "embeds": "required when there is no headline, text or photo",
            },
        )


def _check_schedule(when: datetime | None, now: datetime) -> None:
    if when is None:
        raise ValidationFailed.on("scheduled_for", "is required to schedule an entry")
    read_value(Moment, "scheduled_for", when)
    if when <= now:
        raise ValidationFailed.on(
            "scheduled_for",
            f"must be in the future (after {now.isoformat()}), got {when.isoformat()}",
        )


def _require_may(actor: Actor, blog: LiveBlog, entry: Entry, move: Move) -> None:
    """Refuse a move this person may not make on this entry (workflow.MOVES): editors act on
    anything, a contributor on their own drafts and submissions where the move allows it."""
    user = acting_user(actor)
    if not permitted(role_of(actor, blog), user.pk if user else None, entry, move):
        step = MOVES[move]
        if step.writer_may:
            require(actor, blog, Action.WRITE_DRAFT)  # a stranger hears that first
        require(actor, blog, step.needs)  # raises with the role in the message


def _require_revision(entry: Entry, expected: int | None, verb: str) -> None:
    """Refuse to act on an entry that changed since the person acting last saw it."""
    if expected is not None and expected != entry.revision:
        raise Conflict(
            f"entry {entry.pk} was changed by someone else: you {verb} revision "
            f"{expected}, the current revision is {entry.revision}",
            extra={"current_revision": entry.revision},
        )


def _bump(
    entry: Entry, user: User | None, correction: str = "", noted: dict[str, object] | None = None
) -> None:
    entry.revision += 1
    entry.updated_at = timezone.now()
    entry.save()
    _snapshot(entry, user, correction, noted)


def _changes_nothing(
    entry: Entry,
    values: dict[str, object],
    related: dict[str, list[int] | None],
    correction: str | None,
) -> bool:
    """Whether an edit would leave the entry exactly as it is: every sent value equal to the
    stored one, the same people (in any order), the same correction note."""
    if correction is not None and correction != entry.correction_note:
        return False
    for name, ids in related.items():
        if ids is not None and set(ids) != set(getattr(entry, name).values_list("pk", flat=True)):
            return False
    return all(getattr(entry, name) == value for name, value in values.items())


def update_entry(
    actor: Actor,
    entry: Entry,
    fields: EntryFields,
    *,
    expected_revision: int | None = None,
    correction_note: str | None = None,
) -> Entry:
    """Edit an entry; refuse a stale ``expected_revision`` rather than overwrite silently."""
    correction = (
        read_value(Correction, "correction_note", correction_note)
        if correction_note is not None
        else None
    )
    user = acting_user(actor)
    with transaction.atomic():
        blog = lock_blog(entry.blog_id)
        entry = locked_entry(blog, entry.pk)
        _require_may(actor, blog, entry, Move.EDIT)
        values = fields.attributes(entry.embeds)
        _require_may_flag(actor, blog, values, entry)
        require_usable_image(actor, blog, "image_id", values.get("image_id"))
        require_open(blog)
        require_possible(entry, Move.EDIT)
        _require_revision(entry, expected_revision, "edited")
        previous_image_id = entry.image_id
        author_ids = values.pop("author_ids", None)
        if author_ids is not None:
            require_active_authors(author_ids)
            current = frozenset(entry.authors.values_list("pk", flat=True))
            require_team_authors(actor, blog, author_ids, keep=current)
        contributor_ids = values.pop("contributor_ids", None)
        if contributor_ids is not None:
            require_blog_contributors(blog, contributor_ids)
        related = {"authors": author_ids, "contributors": contributor_ids}
        if _changes_nothing(entry, values, related, correction):
            # Saved as it was (desk or API): no revision, no change row, no "Updated".
            return entry
        for name, value in values.items():
            setattr(entry, name, value)
        if entry.is_public:
            _check_publishable(entry.headline, entry.body, entry.image_id, entry.embeds)
            entry.edited_at = timezone.now()
        if correction is not None:
            entry.correction_note = correction
        _bump(entry, user, correction or "")
        if author_ids is not None:
            entry.authors.set(author_ids)
        if contributor_ids is not None:
            entry.contributors.set(contributor_ids)
        record_entry_change(
            entry,
            blog,
            user,
            Activity.EDITED,
            was_public=entry.is_public,
            previous_image_id=previous_image_id,
        )
    return entry


def _transition(
    actor: Actor,
    entry: Entry,
    move: Move,
    *,
    activity: Activity,
    scheduled_for: datetime | None = None,
    expected_revision: int | None = None,
) -> Entry:
    """Make one move of the entry's life (workflow.MOVES says from where, to where, by whom)."""
    target = MOVES[move].target
    assert target is not None  # only moves that change the status come here
    user = acting_user(actor)
    with transaction.atomic():
        blog = lock_blog(entry.blog_id)
        entry = locked_entry(blog, entry.pk)
        _require_may(actor, blog, entry, move)
        require_open(blog)
        require_possible(entry, move)
        _require_revision(entry, expected_revision, "reviewed")
        was_public = entry.is_public
        now = timezone.now()
        if target == EntryStatus.PUBLISHED:
            _check_publishable(entry.headline, entry.body, entry.image_id, entry.embeds)
            entry.published_at = now
            # Published early by hand: readers see the real time, not the planned one.
            entry.display_at = entry.display_at or now
            entry.scheduled_for = None
        if target == EntryStatus.SCHEDULED:
            entry.scheduled_for = scheduled_for
        if (
            target != EntryStatus.SCHEDULED
            and entry.status == EntryStatus.SCHEDULED
            and target != EntryStatus.PUBLISHED
        ):
            entry.scheduled_for = None
        unpinned = target == EntryStatus.DELETED and blog.pinned_entry_id == entry.pk
        entry.status = target
        _bump(entry, user, noted={_WAS_PINNED: True} if unpinned else None)
        record_entry_change(entry, blog, user, activity, was_public=was_public)
    return entry


def submit_for_review(actor: Actor, entry: Entry) -> Entry:
    """Hand a draft to the editors' review queue."""
    return _transition(actor, entry, Move.SUBMIT, activity=Activity.SUBMITTED)


def approve_entry(actor: Actor, entry: Entry, *, expected_revision: int | None = None) -> Entry:
    """Publish an entry a contributor submitted, as it was at ``expected_revision``.

    The revision is the one the editor reviewed: if the writer changed the entry since,
    approving is refused (Conflict) rather than publishing words nobody checked.
    """
    return _transition(
        actor,
        entry,
        Move.APPROVE,
        activity=Activity.APPROVED,
        expected_revision=expected_revision,
    )


def reject_entry(actor: Actor, entry: Entry) -> Entry:
    """Send a submitted entry back to its writer as a draft."""
    return _transition(actor, entry, Move.REJECT, activity=Activity.REJECTED)


def publish_draft(actor: Actor, entry: Entry, *, expected_revision: int | None = None) -> Entry:
    """Publish an existing draft, submitted or scheduled entry now (as at ``expected_revision``)."""
    return _transition(
        actor,
        entry,
        Move.PUBLISH,
        activity=Activity.PUBLISHED,
        expected_revision=expected_revision,
    )


def unpublish_entry(actor: Actor, entry: Entry) -> Entry:
    """Take a published entry back to draft: readers see it disappear."""
    return _transition(actor, entry, Move.UNPUBLISH, activity=Activity.UNPUBLISHED)


def schedule_entry(actor: Actor, entry: Entry, when: datetime) -> Entry:
    """Publish this draft automatically at ``when`` (exactly once, whatever the workers)."""
    _check_schedule(when, timezone.now())
    return _transition(actor, entry, Move.SCHEDULE, scheduled_for=when, activity=Activity.SCHEDULED)


def delete_entry(actor: Actor, entry: Entry) -> Entry:
    """Delete an entry: it leaves the stream and readers are told; the row stays a tombstone.
    Contributors may throw away their own drafts; everything else needs an editor."""
    return _transition(actor, entry, Move.DELETE, activity=Activity.DELETED)


# What a restored entry becomes, by the status it had when it was deleted: a scheduled one
# lost its time when deleted, so it comes back as a draft to be scheduled again.
_RESTORED_AS: dict[str, str] = {
    EntryStatus.DRAFT: EntryStatus.DRAFT,
    EntryStatus.SUBMITTED: EntryStatus.SUBMITTED,
    EntryStatus.SCHEDULED: EntryStatus.DRAFT,
    EntryStatus.PUBLISHED: EntryStatus.PUBLISHED,
}


def restore_entry(actor: Actor, entry: Entry) -> Entry:
    """Bring a deleted entry back as it was (within DESK_RESTORE_DAYS; never a taken-down one):
    re-rendered and logged like any write, so readers see a published one come back, pinned
    again if it was the pinned entry and no other entry has been pinned since."""
    user = acting_user(actor)
    with transaction.atomic():
        blog = lock_blog(entry.blog_id)
        entry = locked_entry(blog, entry.pk)
        _require_may(actor, blog, entry, Move.RESTORE)
        require_open(blog)
        require_possible(entry, Move.RESTORE)
        repin = _pin_kept_for(blog, entry)
        before = (
            entry.revisions.filter(revision__lt=entry.revision)
            .exclude(status=EntryStatus.DELETED)
            .order_by("-revision")
            .values_list("status", flat=True)
            .first()
        )
        entry.status = _RESTORED_AS.get(before or EntryStatus.DRAFT, EntryStatus.DRAFT)
        if entry.status == EntryStatus.PUBLISHED:
            _check_publishable(entry.headline, entry.body, entry.image_id, entry.embeds)
            entry.published_at = entry.published_at or timezone.now()
            entry.display_at = entry.display_at or entry.published_at
        _bump(entry, user)
        record_entry_change(entry, blog, user, Activity.RESTORED, was_public=False)
        # Undoing the deletion undoes what it did to the header; the restore's own permission
        # covers it, as the deletion's covered the unpinning.
        if repin and entry.is_public:
            _set_pin(blog, entry, user)
    return entry


def _pin_kept_for(blog: LiveBlog, entry: Entry) -> bool:
    """Whether the deleted entry was the pinned one when deleted and the pin is still free:
    nothing pinned now, and no entry pinned since the deletion (an editor's later choice
    stands, even if undone)."""
    deletion = entry.revisions.filter(revision=entry.revision).first()
    if deletion is None or not deletion.data.get(_WAS_PINNED) or blog.pinned_entry_id is not None:
        return False
    deleted_at = (
        Change.objects.filter(blog=blog, entry=entry, action=Activity.DELETED)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    if deleted_at is None:  # an imported blog: its change log starts afresh
        return False
    return not Change.objects.filter(blog=blog, seq__gt=deleted_at, action=Activity.PINNED).exists()


def set_key_event(actor: Actor, entry: Entry, on: bool) -> Entry:
    """Mark or unmark an entry as a key event (shown in the key-events list and feed)."""
    user = acting_user(actor)
    with transaction.atomic():
        blog = lock_blog(entry.blog_id)
        require(actor, blog, Action.CURATE)
        require_open(blog)
        entry = locked_entry(blog, entry.pk)
        require_possible(entry, Move.KEY_EVENT)
        entry.is_key_event = on
        _bump(entry, user)
        record_entry_change(
            entry,
            blog,
            user,
            Activity.KEY_EVENT_ON if on else Activity.KEY_EVENT_OFF,
            was_public=entry.is_public,
        )
    return entry


def pin_entry(actor: Actor, blog: LiveBlog, entry: Entry | None) -> LiveBlog:
    """Pin this published entry under the key points (replacing any other); None unpins."""
    require(actor, blog, Action.CURATE)
    with transaction.atomic():
        blog = lock_blog(blog.pk)
        require_open(blog)
        if entry is not None:
            entry = locked_entry(blog, entry.pk)
            require_possible(entry, Move.PIN)
        _set_pin(blog, entry, acting_user(actor))
    return blog


def _set_pin(blog: LiveBlog, entry: Entry | None, user: User | None) -> None:
    """Pin the entry (None: unpin) and send readers the new header, like any header change."""
    blog.pinned_entry = entry
    blog.save(update_fields=["pinned_entry"])
    append_change(
        blog,
        ChangeKind.BLOG,
        {"blog": blog_json(blog)},
        action=Activity.PINNED if entry is not None else Activity.UNPINNED,
        entry=entry,
        actor=user,
    )


def publish_due(now: datetime | None = None) -> list[Entry]:
    """Publish every scheduled entry whose time has come; safe to run in every worker."""
    now = now or timezone.now()
    published = []
    due = Entry.objects.filter(status=EntryStatus.SCHEDULED, scheduled_for__lte=now)
    for entry_id, blog_id in due.values_list("pk", "blog_id").order_by("scheduled_for"):
        with transaction.atomic():
            blog = lock_blog(blog_id)
            entry = locked_entry(blog, entry_id)
            # Another worker may have published it between our query and our lock.
            if entry.status != EntryStatus.SCHEDULED or blog.status == BlogStatus.ARCHIVED:
                continue
            entry.status = EntryStatus.PUBLISHED
            entry.published_at = now
            entry.display_at = entry.scheduled_for or now
            entry.scheduled_for = None
            _bump(entry, None)
            record_entry_change(entry, blog, None, Activity.PUBLISHED_ON_SCHEDULE, was_public=False)
            published.append(entry)
    return published
