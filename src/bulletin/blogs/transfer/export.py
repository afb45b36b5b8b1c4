"""Write one live blog, with everything it holds, to a JSON file (``bulletin export``).

The file is written as it is read: the header first, then entries 500 at a time, then the
images and people the entries named. Memory stays flat however long the blog is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from bulletin.accounts.models import Membership, User
from bulletin.blogs.fields import plain_blog_fields
from bulletin.blogs.models import (
    Contributor,
    Entry,
    EntryRevision,
    EntryStatus,
    KeyPoint,
    LiveBlog,
    Media,
)
from bulletin.blogs.transfer.common import (
    FORMAT,
    VERSION,
    Report,
    Writer,
    chunks,
    contributor_ref,
    counted,
    entry_ref,
    media_ref,
    should_report,
    utc,
)


@dataclass(frozen=True)
class ExportSummary:
    entries: int
    revisions: int
    media: int
    users: int


class _Names:
    """Gives people their usernames and images their references, and remembers both."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self.media: dict[int, tuple[str, Media]] = {}
        self._missing_users: set[int] = set()
        self._missing_media: set[int] = set()

    def user(self, user: User | None) -> str | None:
        if user is None:
            return None
        self.users.setdefault(user.pk, user)
        return user.username

    def user_id(self, pk: object) -> str | None:
        """A username for an id kept inside revision data (None once the user is gone)."""
        if not isinstance(pk, int) or pk in self._missing_users:
            return None
        if pk not in self.users:
            found = User.objects.filter(pk=pk).first()
            if found is None:
                self._missing_users.add(pk)
                return None
            self.users[pk] = found
        return self.users[pk].username

    def image(self, media: Media | None) -> str | None:
        if media is None:
            return None
        if media.pk not in self.media:
            self.media[media.pk] = (media_ref(len(self.media)), media)
        return self.media[media.pk][0]

    def image_id(self, pk: object) -> str | None:
        if not isinstance(pk, int) or pk in self._missing_media:
            return None
        if pk not in self.media:
            found = Media.objects.select_related("uploaded_by").filter(pk=pk).first()
            if found is None:
                self._missing_media.add(pk)
                return None
            return self.image(found)
        return self.media[pk][0]


def export_blog(
    blog: LiveBlog, out: Writer, *, report: Report | None = None, public: bool = False
) -> ExportSummary:
    """Write ``blog`` and everything it holds to ``out`` as one JSON document.

    ``public`` writes only what readers may see now: published entries as they are, without
    drafts, deleted or taken-down entries, revision history or the team.
    """
    with _consistent_reads():
        return _Exporter(blog, out, report, public=public).run()


@contextmanager
def _consistent_reads() -> Iterator[None]:
    # On PostgreSQL one REPEATABLE READ transaction makes every query see the same moment
    # while reporters keep writing. SQLite opens its transactions IMMEDIATE (the write lock)
    # here, which would stop the newsroom for the length of the export, so reads run as
    # they come; entries created meanwhile are left out (see the id bound below).
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


class _Exporter:
    def __init__(
        self, blog: LiveBlog, out: Writer, report: Report | None, *, public: bool = False
    ) -> None:
        self.blog = (
            LiveBlog.objects.select_related("cover_image__uploaded_by", "created_by")
            .filter(pk=blog.pk)
            .get()
        )
        self.out = out
        self.report = report
        self.names = _Names()
        self.public = public
        entries = Entry.objects.filter(blog=self.blog)
        if public:
            entries = entries.filter(status=EntryStatus.PUBLISHED)
        pks = list(entries.order_by("pk").values_list("pk", flat=True))
        self.entry_pks = pks
        self.refs = {pk: entry_ref(position) for position, pk in enumerate(pks)}
        self.revisions = 0
        self.contributor_refs: dict[int, str] = {}

    def run(self) -> ExportSummary:
        head = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": utc(timezone.now()),
            "source": {"site": settings.SITE_URL, "blog_id": self.blog.pk},
            "blog": self._blog(),
            "key_points": self._key_points(),
            "memberships": self._memberships(),
            "contributors": self._contributors(),
        }
        self.out.write("{\n")
        for key, value in head.items():
            self.out.write(f"{_dump(key)}: {_dump(value)},\n")
        self.out.write('"entries": [')
        total = len(self.entry_pks)
        done = 0
        for chunk in chunks(self.entry_pks):
            for entry in self._load(chunk):
                self.out.write(("," if done else "") + "\n" + _dump(self._entry(entry)))
                done += 1
                if self.report and should_report(done, total):
                    self.report(counted(done, total, "exported", "entries"))
        self.out.write("\n],\n")
        media = [_media(ref, media, self.names) for ref, media in self.names.media.values()]
        self.out.write(f'"media": {_dump(media)},\n')
        people = [_person(user) for _pk, user in sorted(self.names.users.items())]
        self.out.write(f'"users": {_dump(people)}\n}}\n')
        return ExportSummary(total, self.revisions, len(media), len(people))

    def _blog(self) -> dict[str, Any]:
        blog = self.blog
        return {
            **plain_blog_fields(blog),
            "status": blog.status,
            "coverage_start": utc(blog.coverage_start),
            "coverage_end": utc(blog.coverage_end),
            "seq": blog.seq,
            "cover_image": self.names.image(blog.cover_image),
            "pinned_entry": self.refs.get(blog.pinned_entry_id) if blog.pinned_entry_id else None,
            "created_by": self.names.user(blog.created_by),
            "created_at": utc(blog.created_at),
            "updated_at": utc(blog.updated_at),
        }

    def _key_points(self) -> list[dict[str, Any]]:
        points = KeyPoint.objects.filter(blog=self.blog).order_by("position")
        return [
            {"text": point.text, "entry": self.refs.get(point.entry_id) if point.entry_id else None}
            for point in points
        ]

    def _memberships(self) -> list[dict[str, Any]]:
        if self.public:
            return []
        members = Membership.objects.filter(blog=self.blog).select_related("user").order_by("pk")
        return [
            {
                "username": self.names.user(member.user),
                "role": member.role,
                "created_at": utc(member.created_at),
            }
            for member in members
        ]

    def _contributors(self) -> list[dict[str, Any]]:
        people = Contributor.objects.filter(blog=self.blog).select_related("photo__uploaded_by")
        found = []
        for position, person in enumerate(people.order_by("pk")):
            self.contributor_refs[person.pk] = contributor_ref(position)
            found.append(
                {
                    "ref": self.contributor_refs[person.pk],
                    "name": person.name,
                    "role": person.role,
                    "photo": self.names.image(person.photo),
                }
            )
        return found

    def _load(self, pks: Any) -> list[Entry]:
        revisions = EntryRevision.objects.select_related("edited_by").order_by("revision")
        return list(
            Entry.objects.filter(pk__in=pks)
            .select_related("image__uploaded_by", "created_by")
            .prefetch_related("authors", "contributors", Prefetch("revisions", queryset=revisions))
            .order_by("pk")
        )

    def _entry(self, entry: Entry) -> dict[str, Any]:
        names = self.names
        history = () if self.public else entry.revisions.all()
        revisions = [self._revision(revision) for revision in history]
        self.revisions += len(revisions)
        return {
            "ref": self.refs[entry.pk],
            "id": entry.pk,
            "status": entry.status,
            "headline": entry.headline,
            "subtitle": entry.subtitle,
            "body": entry.body,
            "authors": sorted(
                name for name in (names.user(author) for author in entry.authors.all()) if name
            ),
            "contributors": [
                self.contributor_refs[person.pk]
                for person in sorted(entry.contributors.all(), key=lambda person: person.pk)
            ],
            "guest_byline": entry.guest_byline,
            "image": names.image(entry.image),
            "embeds": entry.embeds,
            "related_url": entry.related_url,
            "related_title": entry.related_title,
            "key_event": entry.is_key_event,
            "breaking": entry.is_breaking,
            "display_at": utc(entry.display_at),
            "scheduled_for": utc(entry.scheduled_for),
            "published_at": utc(entry.published_at),
            "edited_at": utc(entry.edited_at),
            "correction_note": entry.correction_note,
            "revision": entry.revision,
            "created_by": names.user(entry.created_by),
            "created_at": utc(entry.created_at),
            "updated_at": utc(entry.updated_at),
            "html": entry.html,
            "revisions": revisions,
        }

    def _revision(self, revision: EntryRevision) -> dict[str, Any]:
        return {
            "revision": revision.revision,
            "status": revision.status,
            "headline": revision.headline,
            "body": revision.body,
            "data": self._portable_data(revision.data),
            "correction_note": revision.correction_note,
            "edited_by": self.names.user(revision.edited_by),
            "created_at": utc(revision.created_at),
        }

    def _portable_data(self, data: Any) -> Any:
        # Revision data names people and images by database id: give names and references.
        if not isinstance(data, dict):
            return data
        portable = dict(data)
        if isinstance(portable.get("authors"), list):
            named = (self.names.user_id(pk) for pk in portable["authors"])
            portable["authors"] = sorted(name for name in named if name)
        if "image_id" in portable:
            portable["image"] = self.names.image_id(portable.pop("image_id"))
        if isinstance(portable.get("contributors"), list):
            refs = (self.contributor_refs.get(pk) for pk in portable["contributors"])
            portable["contributors"] = sorted(ref for ref in refs if ref)
        return portable


def _media(ref: str, media: Media, names: _Names) -> dict[str, Any]:
    return {
        "ref": ref,
        "file": media.file,
        "alt": media.alt,
        "caption": media.caption,
        "credit": media.credit,
        "width": media.width,
        "height": media.height,
        "variants": media.variants,
        "uploaded_by": names.user(media.uploaded_by),
        "created_at": utc(media.created_at),
    }


def _person(user: User) -> dict[str, str]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
    }


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
