"""A blog's contributor profiles: /api/v1/blogs/{slug}/contributors…

People entries credit who have no account (a stringer, a guest writer), with a role and a
photo. The blog's members list them to credit them (``contributor_ids`` on an entry); its
owners add, change and remove them.
"""

from __future__ import annotations

from typing import Any

from ninja import P, PathEx, Router, Status

from bulletin.accounts.permissions import Action, require
from bulletin.api import auth, lookups
from bulletin.api.auth import ApiRequest
from bulletin.api.schemas import (
    MAX_ID,
    ContributorCreateIn,
    ContributorListOut,
    ContributorOut,
    ContributorPatchIn,
    ErrorOut,
)
from bulletin.blogs import services
from bulletin.blogs.models import Contributor, LiveBlog
from bulletin.blogs.rendering import media_json
from bulletin.errors import NotFound

router = Router(tags=["contributors"])

ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409)}
ContributorId = PathEx[int, P(ge=1, le=MAX_ID)]


def contributor_json(contributor: Contributor) -> dict[str, Any]:
    return {
        "id": contributor.pk,
        "name": contributor.name,
        "role": contributor.role,
        "photo": media_json(contributor.photo),
    }


def _blog(request: ApiRequest, slug: str) -> LiveBlog:
    blog = lookups.blog(slug, request.auth)
    require(request.auth, blog, Action.VIEW_DESK)
    return blog


def _contributor(blog: LiveBlog, contributor_id: int) -> Contributor:
    found = Contributor.objects.select_related("photo").filter(blog=blog, pk=contributor_id).first()
    if found is None:
        raise NotFound(f"no contributor {contributor_id} in live blog {blog.slug!r}")
    return found


@router.get(
    "/blogs/{slug}/contributors", response={200: ContributorListOut, **ERRORS}, auth=auth.READ
)
def list_contributors(request: ApiRequest, slug: str) -> dict[str, Any]:
    """The blog's contributor profiles, by name (members of the blog)."""
    blog = _blog(request, slug)
    people = Contributor.objects.filter(blog=blog).select_related("photo")
    return {"items": [contributor_json(person) for person in people]}


@router.post(
    "/blogs/{slug}/contributors", response={201: ContributorOut, **ERRORS}, auth=auth.WRITE
)
def create_contributor(
    request: ApiRequest, slug: str, payload: ContributorCreateIn
) -> Status[dict[str, Any]]:
    """Add a contributor profile (owners)."""
    blog = lookups.blog(slug, request.auth)
    return Status(201, contributor_json(services.create_contributor(request.auth, blog, payload)))


@router.get(
    "/blogs/{slug}/contributors/{contributor_id}",
    response={200: ContributorOut, **ERRORS},
    auth=auth.READ,
)
def read_contributor(
    request: ApiRequest, slug: str, contributor_id: ContributorId
) -> dict[str, Any]:
    return contributor_json(_contributor(_blog(request, slug), contributor_id))


@router.patch(
    "/blogs/{slug}/contributors/{contributor_id}",
    response={200: ContributorOut, **ERRORS},
    auth=auth.WRITE,
)
def update_contributor(
    request: ApiRequest, slug: str, payload: ContributorPatchIn, contributor_id: ContributorId
) -> dict[str, Any]:
    """Change a profile's name, role or photo (owners); entries crediting it show the change."""
    blog = lookups.blog(slug, request.auth)
    require(request.auth, blog, Action.MANAGE_CONTRIBUTORS)
    found = _contributor(blog, contributor_id)
    return contributor_json(services.update_contributor(request.auth, blog, found, payload))


@router.delete(
    "/blogs/{slug}/contributors/{contributor_id}",
    response={204: None, **ERRORS},
    auth=auth.WRITE,
)
def delete_contributor(
    request: ApiRequest, slug: str, contributor_id: ContributorId
) -> Status[None]:
    """Remove a profile (owners); entries that credited it no longer do."""
    blog = lookups.blog(slug, request.auth)
    require(request.auth, blog, Action.MANAGE_CONTRIBUTORS)
    services.delete_contributor(request.auth, blog, _contributor(blog, contributor_id))
    return Status(204, None)
