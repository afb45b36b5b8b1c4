"""Every write to live blogs, entries and key points.

Each public function checks permissions (:mod:`bulletin.accounts.permissions`), validates its
input before touching the database, then runs one transaction that writes the rows, takes the
blog's next ``seq`` and appends one :class:`~bulletin.blogs.models.Change`. The change is
announced (:mod:`bulletin.blogs.events`) only after commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from bulletin.accounts.models import Membership, Role, User
from bulletin.accounts.permissions import Action, can, require, require_create_blogs
from bulletin.blogs.changelog import append_change, lock_blog
from bulletin.blogs.models import (
    BlogStatus,
    ChangeKind,
    Entry,
    EntryRevision,
    EntryStatus,
    KeyPoint,
    LiveBlog,
)
from bulletin.blogs.rendering import blog_json, render_entry
from bulletin.blogs.validation import (
    BlogFields,
    EntryFields,
    check_coverage_window,
    check_moment,
    clean_blog_fields,
    clean_correction,
    clean_entry_fields,
    clean_key_points,
)
from bulletin.errors import Conflict, InvalidState, NotFound, ValidationFailed

Actor = User | AnonymousUser | None
# Entries readers can see, or could once (a deleted tombstone was public).
_EDITABLE: set[str] = {
    EntryStatus.DRAFT,
    EntryStatus.SUBMITTED,
    EntryStatus.SCHEDULED,
    EntryStatus.PUBLISHED,
}


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


# --- blogs -------------------------------------------------------------------------------


def create_blog(actor: Actor, fields: BlogFields) -> LiveBlog:
    """Create a live blog in draft; its creator becomes its owner."""
    require_create_blogs(actor)
    owner = _user(actor)
    assert owner is not None  # require_create_blogs admits only signed-in users
    values = clean_blog_fields(fields)
    for required in ("slug", "title"):
        if required not in values:
            raise ValidationFailed.on(required, "is required")
    check_coverage_window(values.get("coverage_start"), values.get("coverage_end"))
    values.setdefault("timezone", settings.BULLETIN["TIME_ZONE"])
    values.setdefault("language", settings.BULLETIN["LANGUAGE"])
    try:
        with transaction.atomic():
            blog = LiveBlog.objects.create(created_by=owner, **values)
            Membership.objects.create(blog=blog, user=owner, role=Role.OWNER)
            blog = lock_blog(blog.pk)
            append_change(blog, ChangeKind.BLOG, {"blog": blog_json(blog)}, actor=_user(actor))
    except IntegrityError:
        if LiveBlog.objects.filter(slug=values["slug"]).exists():
            raise Conflict(
                f"slug must be unique: a live blog called {values['slug']!r} already exists",
                fields={"slug": "already taken"},
            ) from None
        raise
    return blog


def update_blog(actor: Actor, blog: LiveBlog, fields: BlogFields) -> LiveBlog:
    """Change a blog's title, slug, standfirst, language, time zone, order, cover or window."""
    require(actor, blog, Action.CONFIGURE)
    values = clean_blog_fields(fields)
    try:
        with transaction.atomic():
            blog = lock_blog(blog.pk)
            for name, value in values.items():
                setattr(blog, name, value)
            check_coverage_window(blog.coverage_start, blog.coverage_end)
            blog.save()
            if {"language", "timezone", "slug"} & values.keys():
                _rerender_entries(blog)
                if blog.pinned_entry is not None:
                    blog.pinned_entry.refresh_from_db()
            append_change(blog, ChangeKind.BLOG, {"blog": blog_json(blog)}, actor=_user(actor))
    except IntegrityError:
        raise Conflict(
            f"slug must be unique: a live blog called {values.get('slug')!r} already exists",
            fields={"slug": "already taken"},
        ) from None
    return blog


def _set_status(
    actor: Actor,
    blog: LiveBlog,
    action: Action,
    target: BlogStatus,
    allowed_from: set[str],
    kind: ChangeKind,
) -> LiveBlog:
    require(actor, blog, action)
    with transaction.atomic():
        blog = lock_blog(blog.pk)
        if blog.status not in allowed_from:
            raise InvalidState(
                f"a live blog can become {target} only from "
                f"{' or '.join(sorted(allowed_from))}, it is {blog.status}"
            )
        now = timezone.now()
        blog.status = target
        if target == BlogStatus.LIVE and blog.coverage_start is None:
            blog.coverage_start = now
        if target == BlogStatus.LIVE:
            blog.coverage_end = None
        if target == BlogStatus.ENDED:
            blog.coverage_end = now
        blog.save()
        append_change(blog, kind, {"blog": blog_json(blog)}, actor=_user(actor))
    return blog


def go_live(actor: Actor, blog: LiveBlog) -> LiveBlog:
    """Open coverage (or reopen it after it ended): readers can see the blog."""
    return _set_status(
        actor,
        blog,
        Action.RUN_COVERAGE,
        BlogStatus.LIVE,
        {BlogStatus.DRAFT, BlogStatus.ENDED},
        ChangeKind.BLOG,
    )


def end_coverage(actor: Actor, blog: LiveBlog) -> LiveBlog:
    """End coverage: readers keep the page, their live streams close."""
    return _set_status(
        actor, blog, Action.RUN_COVERAGE, BlogStatus.ENDED, {BlogStatus.LIVE}, ChangeKind.END
    )


def archive_blog(actor: Actor, blog: LiveBlog) -> LiveBlog:
    """Archive an ended blog: it stays readable and no longer takes entries."""
    return _set_status(
        actor, blog, Action.CONFIGURE, BlogStatus.ARCHIVED, {BlogStatus.ENDED}, ChangeKind.BLOG
    )


def set_key_points(
    actor: Actor, blog: LiveBlog, points: Sequence[str | tuple[str, int | None]]
) -> LiveBlog:
    """Replace the key points box with these bullets, in this order."""
    require(actor, blog, Action.CURATE)
    pairs = [(p, None) if isinstance(p, str) else p for p in points]
    cleaned = clean_key_points(pairs)
    linked = {entry_id for _text, entry_id in cleaned if entry_id is not None}
    with transaction.atomic():
        blog = lock_blog(blog.pk)
        _require_open(blog)
        found = set(
            Entry.objects.filter(
                blog=blog, pk__in=linked, status=EntryStatus.PUBLISHED
            ).values_list("pk", flat=True)
        )
        if linked - found:
            raise ValidationFailed.on(
                "key_points",
                f"may link only to published entries of this blog, got {sorted(linked - found)}",
            )
        blog.key_points.all().delete()
        KeyPoint.objects.bulk_create(
            KeyPoint(blog=blog, position=index, text=text, entry_id=entry_id)
            for index, (text, entry_id) in enumerate(cleaned)
        )
        append_change(blog, ChangeKind.BLOG, {"blog": blog_json(blog)}, actor=_user(actor))
    return blog


def add_member(actor: Actor, blog: LiveBlog, user: User, role: str) -> Membership:
    """Give a colleague a role on the blog (or change it)."""
    require(actor, blog, Action.MANAGE_MEMBERS)
    if role not in Role.values:
        raise ValidationFailed.on("role", f"must be one of {', '.join(Role.values)}, got {role!r}")
    membership, _created = Membership.objects.update_or_create(
        blog=blog, user=user, defaults={"role": role}
    )
    return membership


# --- entries -----------------------------------------------------------------------------


def _snapshot(entry: Entry, actor: User | None, correction: str = "") -> None:
    data = {
        "authors": sorted(entry.authors.values_list("pk", flat=True)),
        "image_id": entry.image_id,
        "embed": entry.embed,
        "related_url": entry.related_url,
        "related_title": entry.related_title,
        "key_event": entry.is_key_event,
        "breaking": entry.is_breaking,
        "display_at": entry.display_at.isoformat() if entry.display_at else None,
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


def _record(entry: Entry, blog: LiveBlog, actor: User | None, *, was_public: bool) -> None:
    """Render the entry once, store the HTML, and log the change for readers or the desk."""
    entry.blog = blog
    data, html = render_entry(entry)
    entry.html = html
    entry.save(update_fields=["html"])
    if entry.is_public:
        append_change(
            blog, ChangeKind.ENTRY, {"entry": data, "html": html}, entry=entry, actor=actor
        )
    elif was_public:
        # Leaving the stream (unpublished or deleted): readers only need to drop it.
        append_change(blog, ChangeKind.DELETE, {"id": entry.pk}, entry=entry, actor=actor)
    else:
        append_change(
            blog,
            ChangeKind.DESK,
            {"entry": data, "html": html},
            entry=entry,
            actor=actor,
            public=False,
        )


def _require_open(blog: LiveBlog) -> None:
    if blog.status == BlogStatus.ARCHIVED:
        raise InvalidState("this live blog is archived and takes no more changes")


def _publishing_actions(status: str) -> Action:
    return (
        Action.WRITE_DRAFT
        if status in {EntryStatus.DRAFT, EntryStatus.SUBMITTED}
        else Action.PUBLISH
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
    values = clean_entry_fields(fields, {})
    author_ids = values.pop("author_ids", None)
    user = _user(actor)
    if author_ids is None:
        author_ids = [user.pk] if user else []
    now = timezone.now()
    if status == EntryStatus.SCHEDULED:
        _check_schedule(scheduled_for, now)
    if status == EntryStatus.PUBLISHED:
        _check_publishable(values.get("headline", ""), values.get("body", ""))
    with transaction.atomic():
        blog = lock_blog(blog.pk)
        _require_open(blog)
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
        _snapshot(entry, user)
        _record(entry, blog, user, was_public=False)
    return entry


def publish_entry(actor: Actor, blog: LiveBlog, fields: EntryFields) -> Entry:
    """Publish a new entry now: readers see it at once."""
    return create_entry(actor, blog, fields, status=EntryStatus.PUBLISHED)


def save_draft(actor: Actor, blog: LiveBlog, fields: EntryFields) -> Entry:
    """Save a new entry as a draft that only the desk sees."""
    return create_entry(actor, blog, fields, status=EntryStatus.DRAFT)


def _check_publishable(headline: str, body: str) -> None:
    if not headline.strip() and not body.strip():
        raise ValidationFailed(
            "an entry needs a headline or a body before it is published, got neither",
            fields={
                "headline": "required when body is empty",
                "body": "required when headline is empty",
            },
        )


def _check_schedule(when: datetime | None, now: datetime) -> None:
    if when is None:
        raise ValidationFailed.on("scheduled_for", "is required to schedule an entry")
    check_moment("scheduled_for", when)
    if when <= now:
        raise ValidationFailed.on(
            "scheduled_for",
            f"must be in the future (after {now.isoformat()}), got {when.isoformat()}",
        )


def _locked_entry(blog: LiveBlog, entry_id: int) -> Entry:
    entry = Entry.objects.select_for_update().filter(pk=entry_id, blog=blog).first()
    if entry is None:
        raise NotFound(f"no entry {entry_id} in live blog {blog.slug!r}")
    return entry


def _require_may_edit(actor: Actor, blog: LiveBlog, entry: Entry) -> None:
    """Editors edit anything; a contributor edits only their own unpublished entries."""
    if can(actor, blog, Action.PUBLISH):
        return
    require(actor, blog, Action.WRITE_DRAFT)
    own = actor is not None and entry.created_by_id == getattr(actor, "pk", None)
    if not own or entry.status not in {EntryStatus.DRAFT, EntryStatus.SUBMITTED}:
        require(actor, blog, Action.PUBLISH)  # raises with the role in the message


def _bump(entry: Entry, user: User | None, correction: str = "") -> None:
    entry.revision += 1
    entry.updated_at = timezone.now()
    entry.save()
    _snapshot(entry, user, correction)


def update_entry(
    actor: Actor,
    entry: Entry,
    fields: EntryFields,
    *,
    expected_revision: int | None = None,
    correction_note: str | None = None,
) -> Entry:
    """Edit an entry; refuse a stale ``expected_revision`` rather than overwrite silently."""
    correction = clean_correction(correction_note) if correction_note is not None else None
    user = _user(actor)
    with transaction.atomic():
        blog = lock_blog(entry.blog_id)
        entry = _locked_entry(blog, entry.pk)
        _require_may_edit(actor, blog, entry)
        values = clean_entry_fields(fields, entry.embed)
        _require_open(blog)
        if entry.status == EntryStatus.DELETED:
            raise InvalidState(f"entry {entry.pk} was deleted and can no longer be edited")
        if expected_revision is not None and expected_revision != entry.revision:
            raise Conflict(
                f"entry {entry.pk} was changed by someone else: you edited revision "
                f"{expected_revision}, the current revision is {entry.revision}",
                extra={"current_revision": entry.revision},
            )
        author_ids = values.pop("author_ids", None)
        for name, value in values.items():
            setattr(entry, name, value)
        if entry.is_public:
            _check_publishable(entry.headline, entry.body)
            entry.edited_at = timezone.now()
        if correction is not None:
            entry.correction_note = correction
        _bump(entry, user, correction or "")
        if author_ids is not None:
            entry.authors.set(author_ids)
        _record(entry, blog, user, was_public=entry.is_public)
    return entry


def _transition(
    actor: Actor,
    entry: Entry,
    action: Action,
    allowed_from: set[str],
    target: str,
    *,
    scheduled_for: datetime | None = None,
) -> Entry:
    user = _user(actor)
    with transaction.atomic():
        blog = lock_blog(entry.blog_id)
        entry = _locked_entry(blog, entry.pk)
        if action == Action.WRITE_DRAFT:
            _require_may_edit(actor, blog, entry)
        else:
            require(actor, blog, action)
        _require_open(blog)
        if entry.status not in allowed_from:
            raise InvalidState(
                f"entry {entry.pk} can become {target} only from "
                f"{' or '.join(sorted(allowed_from))}, it is {entry.status}"
            )
        was_public = entry.is_public
        now = timezone.now()
        if target == EntryStatus.PUBLISHED:
            _check_publishable(entry.headline, entry.body)
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
        entry.status = target
        if was_public and target != EntryStatus.PUBLISHED and blog.pinned_entry_id == entry.pk:
            blog.pinned_entry = None
            blog.save(update_fields=["pinned_entry"])
        _bump(entry, user)
        _record(entry, blog, user, was_public=was_public)
    return entry


def submit_for_review(actor: Actor, entry: Entry) -> Entry:
    """Hand a draft to the editors' review queue."""
    return _transition(actor, entry, Action.WRITE_DRAFT, {EntryStatus.DRAFT}, EntryStatus.SUBMITTED)


def approve_entry(actor: Actor, entry: Entry) -> Entry:
    """Publish an entry a contributor submitted."""
    return _transition(actor, entry, Action.PUBLISH, {EntryStatus.SUBMITTED}, EntryStatus.PUBLISHED)


def reject_entry(actor: Actor, entry: Entry) -> Entry:
    """Send a submitted entry back to its writer as a draft."""
    return _transition(actor, entry, Action.PUBLISH, {EntryStatus.SUBMITTED}, EntryStatus.DRAFT)


def publish_draft(actor: Actor, entry: Entry) -> Entry:
    """Publish an existing draft, submitted or scheduled entry now."""
    return _transition(
        actor,
        entry,
        Action.PUBLISH,
        {EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.SCHEDULED},
        EntryStatus.PUBLISHED,
    )


def unpublish_entry(actor: Actor, entry: Entry) -> Entry:
    """Take a published entry back to draft: readers see it disappear."""
    return _transition(actor, entry, Action.PUBLISH, {EntryStatus.PUBLISHED}, EntryStatus.DRAFT)


def schedule_entry(actor: Actor, entry: Entry, when: datetime) -> Entry:
    """Publish this draft automatically at ``when`` (exactly once, whatever the workers)."""
    _check_schedule(when, timezone.now())
    return _transition(
        actor,
        entry,
        Action.PUBLISH,
        {EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.SCHEDULED},
        EntryStatus.SCHEDULED,
        scheduled_for=when,
    )


def delete_entry(actor: Actor, entry: Entry) -> Entry:
    """Delete an entry: it leaves the stream and readers are told; the row stays a tombstone."""
    return _transition(actor, entry, _delete_action(actor, entry), _EDITABLE, EntryStatus.DELETED)


def _delete_action(actor: Actor, entry: Entry) -> Action:
    # Contributors may throw away their own drafts; everything else needs an editor.
    if entry.status in {EntryStatus.DRAFT, EntryStatus.SUBMITTED}:
        return Action.WRITE_DRAFT
    return Action.PUBLISH


def set_key_event(actor: Actor, entry: Entry, on: bool) -> Entry:
    """Mark or unmark an entry as a key event (shown in the key-events list and feed)."""
    user = _user(actor)
    with transaction.atomic():
        blog = lock_blog(entry.blog_id)
        require(actor, blog, Action.CURATE)
        _require_open(blog)
        entry = _locked_entry(blog, entry.pk)
        if entry.status == EntryStatus.DELETED:
            raise InvalidState(f"entry {entry.pk} was deleted")
        entry.is_key_event = on
        _bump(entry, user)
        _record(entry, blog, user, was_public=entry.is_public)
    return entry


def pin_entry(actor: Actor, blog: LiveBlog, entry: Entry | None) -> LiveBlog:
    """Pin this published entry under the key points (replacing any other); None unpins."""
    require(actor, blog, Action.CURATE)
    with transaction.atomic():
        blog = lock_blog(blog.pk)
        _require_open(blog)
        if entry is not None:
            entry = _locked_entry(blog, entry.pk)
            if not entry.is_public:
                raise InvalidState(
                    f"only a published entry can be pinned, entry {entry.pk} is {entry.status}"
                )
        blog.pinned_entry = entry
        blog.save(update_fields=["pinned_entry"])
        append_change(
            blog, ChangeKind.BLOG, {"blog": blog_json(blog)}, entry=entry, actor=_user(actor)
        )
    return blog


def publish_due(now: datetime | None = None) -> list[Entry]:
    """Publish every scheduled entry whose time has come; safe to run in every worker."""
    now = now or timezone.now()
    published = []
    due = Entry.objects.filter(status=EntryStatus.SCHEDULED, scheduled_for__lte=now)
    for entry_id, blog_id in due.values_list("pk", "blog_id").order_by("scheduled_for"):
        with transaction.atomic():
            blog = lock_blog(blog_id)
            entry = _locked_entry(blog, entry_id)
            # Another worker may have published it between our query and our lock.
            if entry.status != EntryStatus.SCHEDULED or blog.status == BlogStatus.ARCHIVED:
                continue
            entry.status = EntryStatus.PUBLISHED
            entry.published_at = now
            entry.display_at = entry.scheduled_for or now
            entry.scheduled_for = None
            _bump(entry, None)
            _record(entry, blog, None, was_public=False)
            published.append(entry)
    return published


def _rerender_entries(blog: LiveBlog) -> int:
    # Times, words and permalinks inside the stored HTML depend on these blog settings.
    count = 0
    entries = Entry.objects.filter(blog=blog).select_related("image")
    for entry in entries.prefetch_related("authors").iterator(chunk_size=500):
        entry.blog = blog
        _data, html = render_entry(entry)
        if html != entry.html:
            Entry.objects.filter(pk=entry.pk).update(html=html)
            count += 1
    return count
