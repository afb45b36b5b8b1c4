"""Who works on a live blog: the one place a person's role on a blog is given, changed or taken
away (the desk, invitations, ``bulletin createuser``, the demo and a new blog's first owner all
come here; only the importer's bulk insert writes memberships itself).

Every change keeps at least one owner on the blog, so that someone can always manage it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from bulletin.accounts.models import Membership, Role, User
from bulletin.accounts.permissions import Action, require
from bulletin.errors import InvalidState, NotFound, ValidationFailed

if TYPE_CHECKING:
    from bulletin.blogs.models import LiveBlog


Actor = User | AnonymousUser | None


@overload
def set_role(actor: Actor, blog: LiveBlog, user: User, role: str) -> Membership: ...


@overload
def set_role(actor: Actor, blog: LiveBlog, user: User, role: None) -> None: ...


def set_role(actor: Actor, blog: LiveBlog, user: User, role: str | None) -> Membership | None:
    """Give a colleague a role on the blog, or a different one; ``None`` takes them off it.

    Only those who may manage the blog's members may; the last owner stays an owner.
    """
    require(actor, blog, Action.MANAGE_MEMBERS)
    return assign_role(blog, user, role)


def remove_member(actor: Actor, blog: LiveBlog, user: User) -> None:
    """Take a colleague off the blog, unless they are its last owner."""
    set_role(actor, blog, user, None)


@overload
def assign_role(blog: LiveBlog, user: User, role: str) -> Membership: ...


@overload
def assign_role(blog: LiveBlog, user: User, role: None) -> None: ...


def assign_role(blog: LiveBlog, user: User, role: str | None) -> Membership | None:
    """:func:`set_role` without asking who acts: for callers that are the permission
    themselves (whoever runs ``bulletin createuser``, a new blog making its creator owner)."""
    if role is not None and role not in Role.values:
        raise ValidationFailed.on("role", f"must be one of {', '.join(Role.values)}, got {role!r}")
    with transaction.atomic():
        current = Membership.objects.select_for_update().filter(blog=blog, user=user).first()
        if current is None:
            if role is None:
                raise NotFound(f"{user.get_username()!r} is not a member of this live blog")
            return Membership.objects.create(blog=blog, user=user, role=role)
        if role != Role.OWNER:
            _keep_an_owner(blog, current)
        if role is None:
            current.delete()
            return None
        if current.role != role:
            current.role = role
            current.save(update_fields=["role"])
        return current


def _keep_an_owner(blog: LiveBlog, leaving: Membership) -> None:
    """Refuse to let the last owner stop being one (locks the owners until commit)."""
    if leaving.role != Role.OWNER:
        return
    owners = list(
        Membership.objects.select_for_update()
        .filter(blog=blog, role=Role.OWNER)
        .values_list("pk", flat=True)
    )
    if owners == [leaving.pk]:
        raise InvalidState(
            "a live blog needs at least one owner: make another colleague owner before "
            f"removing {leaving.user.get_username()!r} or changing their role"
        )
