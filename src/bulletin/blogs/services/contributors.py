"""Writes to a blog's contributor profiles: people entries credit who have no account.

A profile's name, role and photo are printed in every entry that credits it, so changing or
removing one re-renders each of those entries and logs it, like any edit readers see, in the
transaction that changes the profile.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bulletin.accounts.permissions import Action, require
from bulletin.blogs.changelog import lock_blog
from bulletin.blogs.fields import ContributorFields, NewContributor
from bulletin.blogs.models import Activity, Contributor, Entry, EntryStatus, LiveBlog
from bulletin.blogs.services.common import (
    Actor,
    acting_user,
    require_open,
    require_usable_image,
)
from bulletin.blogs.services.recording import record_entry_change
from bulletin.errors import NotFound


def create_contributor(actor: Actor, blog: LiveBlog, fields: ContributorFields) -> Contributor:
    """Add a contributor profile to the blog (owners)."""
    require(actor, blog, Action.MANAGE_CONTRIBUTORS)
    require_open(blog)
    values = NewContributor.read(fields.given()).given()
    require_usable_image(actor, blog, "photo_id", values.get("photo_id"))
    return Contributor.objects.create(blog=blog, **values)


def locked_contributor(blog: LiveBlog, contributor_id: int) -> Contributor:
    found = Contributor.objects.select_for_update().filter(blog=blog, pk=contributor_id).first()
    if found is None:
        raise NotFound(f"no contributor {contributor_id} in live blog {blog.slug!r}")
    return found


def update_contributor(
    actor: Actor, blog: LiveBlog, contributor: Contributor, fields: ContributorFields
) -> Contributor:
    """Change a profile's name, role or photo; every entry crediting it shows the change."""
    require(actor, blog, Action.MANAGE_CONTRIBUTORS)
    require_open(blog)
    values = fields.given()
    require_usable_image(actor, blog, "photo_id", values.get("photo_id"))
    with transaction.atomic():
        blog = lock_blog(blog.pk)
        contributor = locked_contributor(blog, contributor.pk)
        if all(getattr(contributor, name) == value for name, value in values.items()):
            return contributor  # nothing changes: no entry is re-rendered
        for name, value in values.items():
            setattr(contributor, name, value)
        contributor.updated_at = timezone.now()
        contributor.save()
        _rerender_crediting(actor, blog, contributor)
    return contributor


def delete_contributor(actor: Actor, blog: LiveBlog, contributor: Contributor) -> None:
    """Remove a profile; the entries that credited it no longer do."""
    require(actor, blog, Action.MANAGE_CONTRIBUTORS)
    require_open(blog)
    with transaction.atomic():
        blog = lock_blog(blog.pk)
        contributor = locked_contributor(blog, contributor.pk)
        crediting = list(_crediting(contributor))
        contributor.delete()
        for entry in crediting:
            record_entry_change(
                entry, blog, acting_user(actor), Activity.EDITED, was_public=entry.is_public
            )


def _crediting(contributor: Contributor) -> list[Entry]:
    return list(
        Entry.objects.select_for_update()
        .filter(contributors=contributor)
        .exclude(status=EntryStatus.DELETED)
        .order_by("pk")
    )


def _rerender_crediting(actor: Actor, blog: LiveBlog, contributor: Contributor) -> None:
    for entry in _crediting(contributor):
        record_entry_change(
            entry, blog, acting_user(actor), Activity.EDITED, was_public=entry.is_public
        )
