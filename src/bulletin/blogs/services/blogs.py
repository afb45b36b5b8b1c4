"""Writes to live blogs: create, configure, go live, end, archive, key points, members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from bulletin import config
from bulletin.accounts.members import assign_role
from bulletin.accounts.models import Role
from bulletin.accounts.permissions import Action, require, require_create_blogs
from bulletin.blogs.changelog import append_change, lock_blog
from bulletin.blogs.fields import BlogFields, KeyPoints, NewBlog
from bulletin.blogs.models import (
    Activity,
    BlogStatus,
    ChangeKind,
    Entry,
    EntryStatus,
    KeyPoint,
    LiveBlog,
)
from bulletin.blogs.rendering import blog_json, render_entry
from bulletin.blogs.services.common import (
    Actor,
    acting_user,
    require_open,
    require_usable_image,
)
from bulletin.errors import Conflict, InvalidState, ValidationFailed


def _check_coverage_window(start: datetime | None, end: datetime | None) -> None:
    if start and end and end < start:
        raise ValidationFailed.on(
            "coverage_end",
            f"must not be before coverage_start ({start.isoformat()}), got {end.isoformat()}",
        )


def create_blog(actor: Actor, fields: BlogFields) -> LiveBlog:
    """Create a live blog in draft; its creator becomes its owner."""
    require_create_blogs(actor)
    owner = acting_user(actor)
    assert owner is not None  # require_create_blogs admits only signed-in users
    # Read again as a new blog: what a new blog must have, the field model says.
    values = NewBlog.read(fields.given()).given()
    _check_coverage_window(values.get("coverage_start"), values.get("coverage_end"))
    require_usable_image(actor, None, "cover_image_id", values.get("cover_image_id"))
    values.setdefault("timezone", config.current.TIME_ZONE)
    values.setdefault("language", config.current.LANGUAGE)
    try:
        with transaction.atomic():
            blog = LiveBlog.objects.create(created_by=owner, **values)
            assign_role(blog, owner, Role.OWNER)
            blog = lock_blog(blog.pk)
            append_change(
                blog,
                ChangeKind.BLOG,
                {"blog": blog_json(blog)},
                action=Activity.BLOG_CREATED,
                actor=acting_user(actor),
            )
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
    values = fields.given()
    require_usable_image(actor, blog, "cover_image_id", values.get("cover_image_id"))
    try:
        with transaction.atomic():
            blog = lock_blog(blog.pk)
            for name, value in values.items():
                setattr(blog, name, value)
            _check_coverage_window(blog.coverage_start, blog.coverage_end)
            blog.save()
            if {"language", "timezone", "slug"} & values.keys():
                _rerender_entries(blog)
                if blog.pinned_entry is not None:
                    blog.pinned_entry.refresh_from_db()
            append_change(
                blog,
                ChangeKind.BLOG,
                {"blog": blog_json(blog)},
                action=Activity.BLOG_UPDATED,
                actor=acting_user(actor),
            )
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
    activity: Activity,
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
        append_change(
            blog, kind, {"blog": blog_json(blog)}, action=activity, actor=acting_user(actor)
        )
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
        Activity.WENT_LIVE,
    )


def end_coverage(actor: Actor, blog: LiveBlog) -> LiveBlog:
    """End coverage: readers keep the page, their live streams close."""
    return _set_status(
        actor,
        blog,
        Action.RUN_COVERAGE,
        BlogStatus.ENDED,
        {BlogStatus.LIVE},
        ChangeKind.END,
        Activity.ENDED,
    )


def archive_blog(actor: Actor, blog: LiveBlog) -> LiveBlog:
    """Archive an ended blog: it stays readable and no longer takes entries."""
    return _set_status(
        actor,
        blog,
        Action.CONFIGURE,
        BlogStatus.ARCHIVED,
        {BlogStatus.ENDED},
        ChangeKind.BLOG,
        Activity.ARCHIVED,
    )


def set_key_points(
    actor: Actor,
    blog: LiveBlog,
    points: KeyPoints | Sequence[str | tuple[str, int | None]],
) -> LiveBlog:
    """Replace the key points box with these bullets (text, or text and linked entry id)."""
    require(actor, blog, Action.CURATE)
    if not isinstance(points, KeyPoints):
        pairs = [(point, None) if isinstance(point, str) else point for point in points]
        points = KeyPoints.read(
            {"key_points": [{"text": text, "entry_id": entry_id} for text, entry_id in pairs]}
        )
    cleaned = [(point.text, point.entry_id) for point in points.key_points]
    linked = {entry_id for _text, entry_id in cleaned if entry_id is not None}
    with transaction.atomic():
        blog = lock_blog(blog.pk)
        require_open(blog)
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
        append_change(
            blog,
            ChangeKind.BLOG,
            {"blog": blog_json(blog)},
            action=Activity.KEY_POINTS,
            actor=acting_user(actor),
        )
    return blog


def _rerender_entries(blog: LiveBlog) -> int:
    # Times, words and permalinks inside the stored HTML depend on these blog settings.
    count = 0
    entries = Entry.objects.filter(blog=blog).select_related("image")
    for entry in entries.prefetch_related("authors", "contributors__photo").iterator(
        chunk_size=500
    ):
        entry.blog = blog
        _data, html = render_entry(entry)
        if html != entry.html:
            Entry.objects.filter(pk=entry.pk).update(html=html)
            count += 1
    return count
