"""How desk views find the blog they work on and turn service errors into pages.

Permissions are decided in :mod:`bulletin.accounts.permissions` (through the services); this
module only asks it, and renders its refusals: sign in for nobody, 403 for too little.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse

from bulletin.accounts.models import User
from bulletin.accounts.permissions import (
    Action,
    may_see_entry,
    require,
    role_allows,
    role_of,
    visible_entries,
)
from bulletin.blogs.models import Entry, LiveBlog
from bulletin.errors import BulletinError, NotAuthenticated, NotFound, PermissionDenied

View = TypeVar("View", bound=Callable[..., HttpResponse])


@dataclass(frozen=True)
class Desk:
    """The blog a desk page works on, and what the signed-in person may do there."""

    blog: LiveBlog
    user: User
    role: str | None
    may_write: bool
    may_publish: bool
    may_curate: bool
    may_run_coverage: bool
    may_configure: bool
    may_manage_members: bool
    may_manage_contributors: bool


def desk_for(request: HttpRequest, slug: str) -> Desk:
    """The blog by slug, if the signed-in person may see its desk."""
    blog = LiveBlog.objects.select_related("pinned_entry", "cover_image").filter(slug=slug).first()
    if blog is None:
        raise NotFound(f"no live blog called {slug!r}")
    user = request.user
    role = role_of(user, blog)
    if not role_allows(role, Action.VIEW_DESK):
        require(user, blog, Action.VIEW_DESK)  # raises with the reason
    assert isinstance(user, User)  # only signed-in people hold a role
    return Desk(
        blog=blog,
        user=user,
        role=role,
        may_write=role_allows(role, Action.WRITE_DRAFT),
        may_publish=role_allows(role, Action.PUBLISH),
        may_curate=role_allows(role, Action.CURATE),
        may_run_coverage=role_allows(role, Action.RUN_COVERAGE),
        may_configure=role_allows(role, Action.CONFIGURE),
        may_manage_members=role_allows(role, Action.MANAGE_MEMBERS),
        may_manage_contributors=role_allows(role, Action.MANAGE_CONTRIBUTORS),
    )


def entries_of(desk: Desk) -> QuerySet[Entry]:
    """The blog's entries this desk member may see (a contributor: no colleague's drafts)."""
    return visible_entries(
        desk.user, desk.blog, Entry.objects.filter(blog=desk.blog), role=desk.role
    )


def entry_of(desk: Desk, entry_id: int) -> Entry:
    """The entry, if it exists for this member: a hidden draft is "not found", like no entry."""
    entry = (
        Entry.objects.select_related("image", "blog", "created_by")
        .filter(pk=entry_id, blog=desk.blog)
        .first()
    )
    if entry is None or not may_see_entry(desk.user, desk.blog, entry, role=desk.role):
        raise NotFound(f"no entry {entry_id} in live blog {desk.blog.slug!r}")
    return entry


def refusal(request: HttpRequest, error: BulletinError) -> HttpResponse:
    """The page for an error no form can show next to a field."""
    if isinstance(error, NotAuthenticated):
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
    status = error.status if isinstance(error, PermissionDenied | NotFound) else 400
    return render(request, "desk/refused.html", {"message": error.message}, status=status)


def desk_page(view: View) -> View:
    """Render refusals (sign in, 403, 404) for a page view; errors of forms are the view's."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (NotAuthenticated, PermissionDenied, NotFound) as error:
            return refusal(request, error)

    return cast(View, wrapper)


def desk_action(view: View) -> View:
    """For one-button actions (publish, pin…): do it, then go back with a message either way.

    Refusals of the action itself (a stale state, a bad value) are shown as a message on the
    page the button was on, with status 303 like a success, so the desk never shows a dead end.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (NotAuthenticated, PermissionDenied, NotFound) as error:
            return refusal(request, error)
        except BulletinError as error:
            messages.error(request, error.message)
            return back(request, kwargs.get("slug"))

    return cast(View, wrapper)


def back(request: HttpRequest, slug: Any = None) -> HttpResponse:
    """303 to where the button was (a same-site ``next``), else the blog's desk."""
    target = request.POST.get("next", "")
    if not (target.startswith(reverse("desk")) and "//" not in target and "\\" not in target):
        target = reverse("desk-blog", args=[slug]) if slug else reverse("desk")
    return see_other(target)


def see_other(target: str) -> HttpResponse:
    """303 See Other: after a form post, the browser fetches the target with GET."""
    response = HttpResponseRedirect(target)
    response.status_code = 303
    return response
