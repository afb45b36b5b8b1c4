"""Writes to live blogs: create, configure, go live, end, archive, key points, members."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bulletin.accounts.models import Membership, Role, User
from bulletin.accounts.permissions import Action, require, require_create_blogs
from bulletin.blogs.changelog import append_change, lock_blog
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
from bulletin.blogs.validation import (
    BlogFields,
    check_coverage_window,
    clean_blog_fields,
    clean_key_points,
)
from bulletin.errors import Conflict, InvalidState, ValidationFailed


def create_blog(actor: Actor, fields: BlogFields) -> LiveBlog:
    """Create a live blog in draft; its creator becomes its owner."""
    require_create_blogs(actor)
    owner = acting_user(actor)
    assert owner is not None  # require_create_blogs admits only signed-in users
    values = clean_blog_fields(fields)
    for required in ("slug", "title"):
        if required not in values:
            raise ValidationFailed.on(required, "is required")
    check_coverage_window(values.get("coverage_start"), values.get("coverage_end"))
    require_usable_image(actor, None, "cover_image_id", values.get("cover_image_id"))
    values.setdefault("timezone", settings.BULLETIN["TIME_ZONE"])
    values.setdefault("language", settings.BULLETIN["LANGUAGE"])
    try:
        with transaction.atomic():
            blog = LiveBlog.objects.create(created_by=owner, **values)
            Membership.objects.create(blog=blog, user=owner, role=Role.OWNER)
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
    values = clean_blog_fields(fields)
    require_usable_image(actor, blog, "cover_image_id", values.get("cover_image_id"))
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
    actor: Actor, blog: LiveBlog, points: Sequence[str | tuple[str, int | None]]
) -> LiveBlog:
    """Replace the key points box with these bullets, in this order."""
    require(actor, blog, Action.CURATE)
    pairs = [(p, None) if isinstance(p, str) else p for p in points]
    cleaned = clean_key_points(pairs)
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


def add_member(actor: Actor, blog: LiveBlog, user: User, role: str) -> Membership:
    """Give a colleague a role on the blog (or change it)."""
    require(actor, blog, Action.MANAGE_MEMBERS)
    if role not in Role.values:
        raise ValidationFailed.on("role", f"must be one of {', '.join(Role.values)}, got {role!r}")
    membership, _created = Membership.objects.update_or_create(
        blog=blog, user=user, defaults={"role": role}
    )
    return membership


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
