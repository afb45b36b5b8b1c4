"""Seed the fictional demo live blog through the service layer, as a newsroom would write it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from bulletin.accounts.members import set_role
from bulletin.accounts.models import Role, User
from bulletin.blogs import services
from bulletin.blogs.demo_content import DEMO_BLOG, DemoBlog, DemoEntry
from bulletin.blogs.fields import BlogFields, EntryFields
from bulletin.blogs.models import Entry, LiveBlog

ADMIN_USERNAME = "admin"
# Where `bulletin demo` keeps the administrator's password, in plain text (development only).
CREDENTIALS_FILE = "admin-password.txt"
# The newest demo entry is this old when the demo is seeded.
LATEST_ENTRY_AGE = timedelta(minutes=5)


@dataclass(frozen=True)
class DemoResult:
    blog: LiveBlog
    created: bool
    admin_username: str
    admin_password: str | None  # None when the admin existed before and we do not know it


def _moment(content: DemoBlog, entry: DemoEntry, today: datetime) -> datetime:
    zone = ZoneInfo(content.timezone)
    day = today.astimezone(zone).date() - timedelta(days=entry.days_ago)
    hour, minute = (int(part) for part in entry.time.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def ensure_admin(credentials_file: Path) -> tuple[User, str | None]:
    """Create the site administrator once; its random password is kept in a private file."""
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is not None:
        known = credentials_file.read_text().strip() if credentials_file.exists() else None
        return admin, known
    password = secrets.token_urlsafe(12)
    admin = User.objects.create_superuser(ADMIN_USERNAME, "", password, display_name="Desk Editor")
    credentials_file.parent.mkdir(parents=True, exist_ok=True)
    credentials_file.touch(mode=0o600)
    credentials_file.write_text(password + "\n")
    return admin, password


def seed(
    credentials_file: Path, content: DemoBlog = DEMO_BLOG, now: datetime | None = None
) -> DemoResult:
    """Create the demo blog unless it exists; always make sure an admin can sign in."""
    admin, password = ensure_admin(credentials_file)
    existing = LiveBlog.objects.filter(slug=content.slug).first()
    if existing is not None:
        return DemoResult(existing, False, ADMIN_USERNAME, password)
    now = now or timezone.now()
    with transaction.atomic():
        blog = _seed_blog(admin, content, now)
    return DemoResult(blog, True, ADMIN_USERNAME, password)


def _timeline(content: DemoBlog, now: datetime) -> list[datetime]:
    """When each entry appears: the written days and times, moved back as a whole when the
    latest would still be in the future (a demo seeded in the morning)."""
    moments = [_moment(content, entry, now) for entry in content.entries]
    latest = max(moments, default=now)
    if latest > now - LATEST_ENTRY_AGE:
        shift = latest - (now - LATEST_ENTRY_AGE)
        moments = [moment - shift for moment in moments]
    return moments


def _seed_blog(admin: User, content: DemoBlog, now: datetime) -> LiveBlog:
    moments = _timeline(content, now)
    start = min(moments, default=now)
    blog = services.create_blog(
        admin,
        BlogFields(
            slug=content.slug,
            title=content.title,
            description=content.description,
            timezone=content.timezone,
            language=content.language,
            coverage_start=start,
        ),
    )
    authors: dict[str, User] = {}
    for person in content.authors:
        user, _ = User.objects.get_or_create(
            username=person.username,
            defaults={"first_name": person.first_name, "last_name": person.last_name},
        )
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        set_role(admin, blog, user, Role.EDITOR)
        authors[person.username] = user
    blog = services.go_live(admin, blog)
    pinned: Entry | None = None
    for item, moment in zip(content.entries, moments, strict=True):
        author = authors.get(item.author, admin)
        entry = services.publish_entry(
            author,
            blog,
            EntryFields(
                headline=item.headline,
                body=item.body_html,
                author_ids=[] if item.guest_byline else [author.pk],
                guest_byline=item.guest_byline,
                embed_url=item.embed_url,
                embed_author=item.embed_author,
                embed_handle=item.embed_handle,
                embed_description=item.embed_text,
                # The post a few minutes before the entry that quotes it.
                embed_date=(
                    (moment - timedelta(minutes=12)).isoformat() if item.embed_author else ""
                ),
                related_url=item.related_url,
                related_title=item.related_title,
                key_event=item.key_event,
                breaking=item.breaking,
                display_at=moment,
            ),
        )
        if item.correction_note:
            entry = services.update_entry(
                admin, entry, EntryFields(), correction_note=item.correction_note
            )
        if item.pinned:
            pinned = entry
    services.set_key_points(admin, blog, list(content.key_points))
    if pinned is not None:
        services.pin_entry(admin, blog, pinned)
    blog.refresh_from_db()
    return blog
