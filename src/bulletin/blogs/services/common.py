"""What every service shares: who is acting, whether a blog still takes changes, and which
users and uploaded images an entry or a blog may name."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from bulletin.accounts.models import Membership, User
from bulletin.blogs.models import (
    BlogStatus,
    Contributor,
    Entry,
    LiveBlog,
    Media,
)
from bulletin.errors import InvalidState, NotFound, ValidationFailed

Actor = User | AnonymousUser | None


def acting_user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def require_open(blog: LiveBlog) -> None:
    if blog.status == BlogStatus.ARCHIVED:
        raise InvalidState("this live blog is archived and takes no more changes")


def locked_entry(blog: LiveBlog, entry_id: int) -> Entry:
    """The blog's entry, locked for writing until the transaction ends (after lock_blog)."""
    entry = Entry.objects.select_for_update().filter(pk=entry_id, blog=blog).first()
    if entry is None:
        raise NotFound(f"no entry {entry_id} in live blog {blog.slug!r}")
    return entry


def require_active_authors(author_ids: list[int]) -> None:
    """Refuse bylines naming anyone who is not an active user."""
    found = set(User.objects.filter(pk__in=author_ids, is_active=True).values_list("pk", flat=True))
    missing = [pk for pk in author_ids if pk not in found]
    if missing:
        raise ValidationFailed.on(
            "author_ids", f"must be ids of active users, got unknown id(s) {missing}"
        )


def require_blog_contributors(blog: LiveBlog, contributor_ids: list[int]) -> None:
    """Refuse bylines naming a contributor profile that is not this blog's."""
    found = set(
        Contributor.objects.filter(blog=blog, pk__in=contributor_ids).values_list("pk", flat=True)
    )
    missing = [pk for pk in contributor_ids if pk not in found]
    if missing:
        raise ValidationFailed.on(
            "contributor_ids",
            f"must be ids of this live blog's contributor profiles, got unknown id(s) {missing}",
        )


def require_usable_image(
    actor: Actor, blog: LiveBlog | None, field: str, media_id: int | None
) -> None:
    """Refuse an image uploaded for another blog's team, unless this blog already shows it
    (``blog`` is None for a blog being created: only one's own uploads then).

    Media rows belong to no blog, and ids are counted: without this, anyone who may write on
    one blog could attach (and so see) another newsroom's pictures before they are published.
    Images without an uploader (imported, or whose uploader's account is gone) stay usable.
    """
    if media_id is None:
        return
    found = list(Media.objects.filter(pk=media_id).values_list("uploaded_by_id", flat=True))
    if not found:
        raise ValidationFailed.on(field, f"must be the id of an uploaded image, got {media_id}")
    uploader = found[0]
    user = acting_user(actor)
    if uploader is None or (user is not None and uploader == user.pk):
        return
    if blog is not None and (
        blog.cover_image_id == media_id
        or Membership.objects.filter(blog=blog, user_id=uploader).exists()
        or Entry.objects.filter(blog=blog, image_id=media_id).exists()
    ):
        return
    raise ValidationFailed.on(
        field, f"must be an image uploaded by this live blog's team, got {media_id}"
    )


def require_team_authors(
    actor: Actor, blog: LiveBlog, author_ids: list[int], keep: frozenset[int] = frozenset()
) -> None:
    """Refuse bylines naming people outside the blog's team.

    The desk offers only the team; a forged form or an API call must not credit anyone else.
    The writer may always credit themselves, and an edit may keep the authors it already has
    (someone who has since left the team).
    """
    user = acting_user(actor)
    allowed = set(keep) | ({user.pk} if user is not None else set())
    allowed |= set(Membership.objects.filter(blog=blog).values_list("user_id", flat=True))
    strangers = [pk for pk in author_ids if pk not in allowed]
    if strangers:
        raise ValidationFailed.on(
            "author_ids",
            f"must be ids of people on this live blog's team, got {strangers}",
        )
