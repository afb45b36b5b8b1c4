"""Recreate a live blog from an export file (``bulletin import``), in one transaction.

Importing is a site administrator's action: no per-blog role is checked (like
``bulletin createuser``). People are matched by username; someone the database does not know
is created inactive with an unusable password, so that bylines and history keep their names
without giving anyone a way in. Image rows are recreated with the same file paths; the files
themselves are copied separately (see docs/operations.md).

This is the one writer besides :mod:`bulletin.blogs.services`: it restores a blog whole rather
than replaying its history, so its change log starts again, written through
:mod:`bulletin.blogs.changelog` in the same transaction — one public ``blog`` change, then one
``entry`` change per published entry in the order they were shown — so that ``seq``, page
ETags and the live stream protocol hold from the first request. Any refusal or failure leaves
the database as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bulletin.accounts.models import Membership, Role, User
from bulletin.blogs import events
from bulletin.blogs.changelog import append_change, lock_blog
from bulletin.blogs.models import (
    Activity,
    ChangeKind,
    Contributor,
    Entry,
    EntryRevision,
    EntryStatus,
    KeyPoint,
    LiveBlog,
    Media,
)
from bulletin.blogs.rendering import blog_json, entry_json, render_entry
from bulletin.blogs.transfer.common import Report, chunks, counted, should_report
from bulletin.blogs.transfer.plan import EntryPlan, MediaPlan, Plan, plan_import
from bulletin.errors import Conflict, ValidationFailed


@dataclass(frozen=True)
class ImportResult:
    blog: LiveBlog
    entries: int
    revisions: int
    media: int
    users_created: list[str]
    # Image files the rows name that are not (yet) under MEDIA_ROOT: copy the media folder.
    missing_files: list[str]


def read_export(source: IO[str] | IO[bytes]) -> Any:
    """Parse an export file; anything that is not JSON is refused in one line."""
    try:
        return json.load(source)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            f"the file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except UnicodeDecodeError as exc:
        raise ValidationFailed(f"the file is not UTF-8 text: {exc.reason}") from None


def import_blog(
    data: Any,
    *,
    slug: str | None = None,
    owner: User | None = None,
    report: Report | None = None,
) -> ImportResult:
    """Recreate the exported blog here, under ``slug`` if given, with ``owner`` as an owner."""
    plan = plan_import(data, slug)
    _check_slug_free(plan.slug)
    try:
        with transaction.atomic():
            blog, created = _Restorer(plan, owner, report).run()
    except IntegrityError:
        _check_slug_free(plan.slug)  # another import or the desk took it meanwhile
        raise
    return ImportResult(
        blog=blog,
        entries=len(plan.entries),
        revisions=plan.revision_count,
        media=len(plan.media),
        users_created=created,
        missing_files=_missing_files(plan.media),
    )


def _check_slug_free(slug: str) -> None:
    if LiveBlog.objects.filter(slug=slug).exists():
        raise Conflict(
            f"slug {slug!r} is taken: pass --slug to import under another address",
            fields={"slug": "already taken"},
        )


def _missing_files(media: list[MediaPlan]) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    paths = [p for item in media for p in [item.values["file"], *item.values["variants"].values()]]
    return [path for path in paths if not (root / path).is_file()]


class _Restorer:
    def __init__(self, plan: Plan, owner: User | None, report: Report | None) -> None:
        self.plan = plan
        self.owner = owner
        self.report = report
        self.users: dict[str, User] = {}
        self.media: dict[str, Media] = {}
        self.entries: dict[str, int] = {}  # ref → new primary key, in the file's order
        self.contributors: dict[str, int] = {}  # ref → new primary key

    def run(self) -> tuple[LiveBlog, list[str]]:
        plan = self.plan
        created = self._users()
        self._media()
        blog = LiveBlog.objects.create(
            slug=plan.slug,
            cover_image=self.media.get(plan.cover_image or ""),
            created_by=self._user(plan.created_by),
            seq=0,
            **plan.blog,
        )
        self._contributors(blog)
        self._entries(blog)
        KeyPoint.objects.bulk_create(
            KeyPoint(blog=blog, position=position, text=text, entry_id=self._entry(ref))
            for position, (text, ref) in enumerate(plan.key_points)
        )
        self._memberships(blog)
        if plan.pinned_entry is not None:
            blog.pinned_entry_id = self._entry(plan.pinned_entry)
            blog.save(update_fields=["pinned_entry"])
        events.blog_imported.send(sender=LiveBlog, blog=blog)
        self._render(blog)
        self._restart_change_log(blog)
        # The change log was just written, but the blog was last changed when it was exported.
        LiveBlog.objects.filter(pk=blog.pk).update(updated_at=plan.blog["updated_at"])
        blog.refresh_from_db()
        return blog, created

    def _user(self, username: str | None) -> User | None:
        return self.users[username] if username is not None else None

    def _entry(self, ref: str | None) -> int | None:
        return self.entries[ref] if ref is not None else None

    def _users(self) -> list[str]:
        wanted = [person["username"] for person in self.plan.users]
        for names in chunks(wanted):
            self.users.update((u.username, u) for u in User.objects.filter(username__in=names))
        missing = []
        for person in self.plan.users:
            if person["username"] not in self.users:
                user = User(**person, is_active=False)
                user.set_unusable_password()
                missing.append(user)
        for user in User.objects.bulk_create(missing):
            self.users[user.username] = user
        return [user.username for user in missing]

    def _media(self) -> None:
        rows = [
            Media(**item.values, uploaded_by=self._user(item.uploaded_by))
            for item in self.plan.media
        ]
        for item, row in zip(self.plan.media, Media.objects.bulk_create(rows), strict=True):
            self.media[item.ref] = row

    def _contributors(self, blog: LiveBlog) -> None:
        rows = Contributor.objects.bulk_create(
            Contributor(blog=blog, photo=self.media.get(item.photo or ""), **item.values)
            for item in self.plan.contributors
        )
        for item, row in zip(self.plan.contributors, rows, strict=True):
            self.contributors[item.ref] = row.pk

    def _entries(self, blog: LiveBlog) -> None:
        total = len(self.plan.entries)
        done = 0
        for batch in chunks(self.plan.entries):
            rows = Entry.objects.bulk_create(self._entry_row(blog, item) for item in batch)
            for item, row in zip(batch, rows, strict=True):
                self.entries[item.ref] = row.pk
            Entry.authors.through.objects.bulk_create(
                Entry.authors.through(entry_id=row.pk, user_id=self.users[name].pk)
                for item, row in zip(batch, rows, strict=True)
                for name in item.authors
            )
            Entry.contributors.through.objects.bulk_create(
                Entry.contributors.through(entry_id=row.pk, contributor_id=self.contributors[ref])
                for item, row in zip(batch, rows, strict=True)
                for ref in item.contributors
            )
            EntryRevision.objects.bulk_create(
                EntryRevision(
                    entry_id=row.pk,
                    data=self._revision_data(revision.data),
                    edited_by=self._user(revision.edited_by),
                    **revision.values,
                )
                for item, row in zip(batch, rows, strict=True)
                for revision in item.revisions
            )
            done += len(batch)
            if self.report and should_report(done, total):
                self.report(counted(done, total, "imported", "entries"))

    def _entry_row(self, blog: LiveBlog, item: EntryPlan) -> Entry:
        return Entry(
            blog=blog,
            image=self.media.get(item.image or ""),
            created_by=self._user(item.created_by),
            **item.values,
        )

    def _revision_data(self, data: dict[str, Any]) -> dict[str, Any]:
        # Back from names and references to this database's ids (see the exporter).
        stored = dict(data)
        if "authors" in stored:
            stored["authors"] = sorted(self.users[name].pk for name in stored["authors"])
        if "contributors" in stored:
            stored["contributors"] = sorted(
                self.contributors[ref] for ref in stored["contributors"]
            )
        if "image" in stored:
            image = self.media.get(stored.pop("image") or "")
            stored["image_id"] = image.pk if image else None
        return stored

    def _memberships(self, blog: LiveBlog) -> None:
        roles = {username: (role, since) for username, role, since in self.plan.memberships}
        if self.owner is not None:
            _role, since = roles.get(self.owner.username, (Role.OWNER, timezone.now()))
            roles[self.owner.username] = (Role.OWNER, since)
            self.users.setdefault(self.owner.username, self.owner)
        Membership.objects.bulk_create(
            Membership(blog=blog, user=self.users[username], role=role, created_at=since)
            for username, (role, since) in roles.items()
        )

    def _render(self, blog: LiveBlog) -> None:
        # Stored HTML holds the slug and the new ids in its links: render it here, again.
        pks = list(self.entries.values())
        done = 0
        for batch in chunks(pks):
            rows = list(
                Entry.objects.filter(pk__in=batch)
                .select_related("image")
                .prefetch_related("authors", "contributors__photo")
            )
            for entry in rows:
                entry.blog = blog
                _data, entry.html = render_entry(entry)
            Entry.objects.bulk_update(rows, ["html"])
            done += len(rows)
            if self.report and should_report(done, len(pks)):
                self.report(counted(done, len(pks), "rendered", "entries"))

    def _restart_change_log(self, blog: LiveBlog) -> None:
        blog = lock_blog(blog.pk)
        append_change(
            blog,
            ChangeKind.BLOG,
            {"blog": blog_json(blog)},
            action=Activity.BLOG_CREATED,
            actor=self.owner,
        )
        shown = list(
            Entry.objects.filter(blog=blog, status=EntryStatus.PUBLISHED)
            .order_by(F("display_at").asc(nulls_first=True), "pk")
            .values_list("pk", flat=True)
        )
        done = 0
        for batch in chunks(shown):
            rows = Entry.objects.filter(pk__in=batch).select_related("image")
            by_pk = {
                entry.pk: entry for entry in rows.prefetch_related("authors", "contributors__photo")
            }
            for pk in batch:
                entry = by_pk[pk]
                entry.blog = blog
                append_change(
                    blog,
                    ChangeKind.ENTRY,
                    {"entry": entry_json(entry), "html": entry.html},
                    action=Activity.PUBLISHED,
                    entry=entry,
                    actor=self.owner,
                )
            done += len(batch)
            if self.report and should_report(done, len(shown)):
                self.report(counted(done, len(shown), "announced", "published entries"))
