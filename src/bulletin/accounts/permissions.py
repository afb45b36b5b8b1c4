"""Who may do what on a live blog: the one place the rules live.

Every write path (API, desk, CLI) calls :func:`require` through the service layer; nothing
else decides permissions.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from bulletin.accounts.models import Membership, Role
from bulletin.errors import NotAuthenticated, PermissionDenied

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from bulletin.accounts.models import User
    from bulletin.blogs.models import Entry, LiveBlog

# role_of() not asked yet: the entry rules below look the role up themselves.
_UNKNOWN = "?"


class Action(StrEnum):
    VIEW_DESK = "view the desk of"  # one's own drafts, published entries, the desk stream
    WRITE_DRAFT = "write drafts for"  # create and submit drafts, edit one's own drafts
    READ_ALL_DRAFTS = "read every draft of"  # everyone's drafts, submissions, scheduled entries
    PUBLISH = "publish on"  # publish, approve, schedule, edit or delete any entry
    CURATE = "curate"  # pin, key events, key points
    # Reject or fix quotes, rename, merge or hide topics, show them to readers (bulletin.extract).
    CHECK_QUOTES_TOPICS = "check the quotes and topics of"
    TAKE_DOWN = "take down entries of"  # remove an entry and every public trace of it
    READ_WITHHELD = "read the withheld history of"  # the text of taken-down entries (owners)
    RUN_COVERAGE = "start or end coverage of"
    CONFIGURE = "change the settings of"  # title, slug, time zone, cover…
    MANAGE_MEMBERS = "manage the members of"
    # The profiles entries may credit besides members (name, role, photo): owners only.
    MANAGE_CONTRIBUTORS = "manage the contributor profiles of"


_ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.CONTRIBUTOR: frozenset({Action.VIEW_DESK, Action.WRITE_DRAFT}),
    Role.EDITOR: frozenset(
        {
            Action.VIEW_DESK,
            Action.WRITE_DRAFT,
            Action.READ_ALL_DRAFTS,
            Action.PUBLISH,
            Action.CURATE,
            Action.CHECK_QUOTES_TOPICS,
            Action.TAKE_DOWN,
            Action.RUN_COVERAGE,
        }
    ),
    Role.OWNER: frozenset(Action),
}


def role_of(user: User | AnonymousUser | None, blog: LiveBlog) -> str | None:
    """The user's role on the blog, or None for readers and strangers."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.OWNER
    return (
        Membership.objects.filter(blog=blog, user_id=user.pk).values_list("role", flat=True).first()
    )


def role_allows(role: str | None, action: Action) -> bool:
    """Whether this role (from :func:`role_of`) may do the action: for pages that ask often."""
    return role is not None and action in _ROLE_ACTIONS[role]


def can(user: User | AnonymousUser | None, blog: LiveBlog, action: Action) -> bool:
    return role_allows(role_of(user, blog), action)


def require(user: User | AnonymousUser | None, blog: LiveBlog, action: Action) -> None:
    """Raise unless the user may do this on the blog (401 for nobody, 403 for too little)."""
    if user is None or not user.is_authenticated:
        raise NotAuthenticated(f"sign in to {action.value} this live blog")
    if not can(user, blog, action):
        role = role_of(user, blog)
        held = f"your role is {role}" if role else "you are not a member of this live blog"
        raise PermissionDenied(f"you may not {action.value} this live blog: {held}")


# --- who sees which entry ------------------------------------------------------------------
# An unpublished entry (draft, submitted, scheduled, deleted) is its writer's and the editors'
# business: a contributor must not read a colleague's unfinished work, and must not learn that
# it exists, so every page and route that finds a hidden entry answers 404, never 403.


def may_see_entry(
    user: User | AnonymousUser | None, blog: LiveBlog, entry: Entry, *, role: str | None = _UNKNOWN
) -> bool:
    """Whether the entry exists for this person (a published one does for anyone who sees the
    blog; an unpublished one for its writer on the desk and for editors and owners)."""
    if entry.is_public:
        return True
    held = role_of(user, blog) if role == _UNKNOWN else role
    if role_allows(held, Action.READ_ALL_DRAFTS):
        return True
    return (
        role_allows(held, Action.VIEW_DESK)
        and user is not None
        and entry.created_by_id is not None
        and entry.created_by_id == user.pk
    )


def visible_entries(
    user: User | AnonymousUser | None,
    blog: LiveBlog,
    entries: QuerySet[Entry],
    *,
    role: str | None = _UNKNOWN,
) -> QuerySet[Entry]:
    """The entries of ``entries`` that exist for this person: :func:`may_see_entry` as a filter."""
    held = role_of(user, blog) if role == _UNKNOWN else role
    if role_allows(held, Action.READ_ALL_DRAFTS):
        return entries
    if role_allows(held, Action.VIEW_DESK) and user is not None:
        return entries.filter(entries.model.PUBLIC | Q(created_by_id=user.pk))
    return entries.filter(entries.model.PUBLIC)


def can_create_blogs(user: User | AnonymousUser | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.has_perm("blogs.add_liveblog"))
    )


def require_create_blogs(user: User | AnonymousUser | None) -> None:
    if user is None or not user.is_authenticated:
        raise NotAuthenticated("sign in to create a live blog")
    if not can_create_blogs(user):
        raise PermissionDenied(
            "you may not create live blogs: ask a site administrator for staff status"
        )
