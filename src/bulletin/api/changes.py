"""The public change feed: GET /api/v1/blogs/{slug}/changes?since=N (polling and catch-up)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import P, QueryEx, Router

from bulletin import surrogate
from bulletin.api import auth, lookups
from bulletin.api.auth import ApiRequest
from bulletin.api.schemas import MAX_ID, ChangeFeedOut, ErrorOut
from bulletin.blogs.queries import FEED_CACHE_CONTROL, change_feed, etag_matches

router = Router(tags=["changes"])


@router.get(
    "/blogs/{slug}/changes",
    response={200: ChangeFeedOut, 304: None, **{c: ErrorOut for c in (400, 404)}},
    auth=auth.READ,
)
def changes(
    request: ApiRequest,
    response: HttpResponse,
    slug: str,
    since: QueryEx[int, P(ge=0, le=MAX_ID, description="The last seq you have.")] = 0,
) -> Any:
    """Every public change after ``since``, oldest first. ``ETag`` is the blog's seq."""
    blog = lookups.blog(slug, request.auth)
    surrogate.tag(response, blog.pk)
    etag = f'"{blog.seq}"'
    cache = FEED_CACHE_CONTROL
    if etag_matches(request.headers.get("If-None-Match"), etag):
        not_modified = HttpResponse(status=304)
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = cache
        surrogate.tag(not_modified, blog.pk)
        return not_modified
    response["ETag"] = etag
    response["Cache-Control"] = cache
    return change_feed(blog, since)
