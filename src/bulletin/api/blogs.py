"""Blogs and their key points: /api/v1/blogs…"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse
from ninja import Router, Status

from bulletin import surrogate
from bulletin.api import auth, lookups
from bulletin.api.auth import ApiRequest
from bulletin.api.schemas import (
    BlogCreateIn,
    BlogListOut,
    BlogOut,
    BlogPatchIn,
    ErrorOut,
    KeyPointsIn,
    KeyPointsOut,
)
from bulletin.blogs import services
from bulletin.blogs.models import LiveBlog
from bulletin.blogs.queries import PUBLIC_BLOG_STATUSES
from bulletin.blogs.rendering import blog_json

router = Router(tags=["blogs"])

ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 413)}


@router.get("/blogs", response={200: BlogListOut, **ERRORS}, auth=auth.READ)
def list_blogs(request: ApiRequest) -> dict[str, object]:
    """Live blogs readers can see, newest activity first, plus the caller's own drafts."""
    caller = request.auth
    visible = Q(status__in=PUBLIC_BLOG_STATUSES)
    if caller.is_authenticated:
        visible |= Q(members__user_id=caller.pk)
    blogs = (
        LiveBlog.objects.filter(visible)
        .distinct()
        .select_related("pinned_entry", "cover_image")
        .prefetch_related("key_points")
        .order_by("-updated_at")[:200]
    )
    return {"items": [blog_json(blog) for blog in blogs]}


@router.post("/blogs", response={201: BlogOut, **ERRORS}, auth=auth.WRITE)
def create_blog(request: ApiRequest, payload: BlogCreateIn) -> Status[dict[str, object]]:
    """Create a live blog (in draft); you become its owner."""
    blog = services.create_blog(request.auth, payload)
    return Status(201, blog_json(blog))


@router.get("/blogs/{slug}", response={200: BlogOut, **ERRORS}, auth=auth.READ)
def read_blog(request: ApiRequest, response: HttpResponse, slug: str) -> dict[str, object]:
    blog = lookups.blog(slug, request.auth)
    surrogate.tag(response, blog.pk)
    return blog_json(blog)


@router.patch("/blogs/{slug}", response={200: BlogOut, **ERRORS}, auth=auth.WRITE)
def update_blog(request: ApiRequest, slug: str, payload: BlogPatchIn) -> dict[str, object]:
    """Change only the fields you send."""
    blog = lookups.blog(slug, request.auth)
    blog = services.update_blog(request.auth, blog, payload)
    return blog_json(blog)


@router.post("/blogs/{slug}/live", response={200: BlogOut, **ERRORS}, auth=auth.WRITE)
def go_live(request: ApiRequest, slug: str) -> dict[str, object]:
    """Open coverage: readers can see the blog."""
    return blog_json(services.go_live(request.auth, lookups.blog(slug, request.auth)))


@router.post("/blogs/{slug}/end", response={200: BlogOut, **ERRORS}, auth=auth.WRITE)
def end_coverage(request: ApiRequest, slug: str) -> dict[str, object]:
    """End coverage: the page stays, live streams close."""
    return blog_json(services.end_coverage(request.auth, lookups.blog(slug, request.auth)))


@router.post("/blogs/{slug}/archive", response={200: BlogOut, **ERRORS}, auth=auth.WRITE)
def archive(request: ApiRequest, slug: str) -> dict[str, object]:
    return blog_json(services.archive_blog(request.auth, lookups.blog(slug, request.auth)))


@router.get("/blogs/{slug}/key-points", response={200: KeyPointsOut, **ERRORS}, auth=auth.READ)
def read_key_points(request: ApiRequest, response: HttpResponse, slug: str) -> dict[str, object]:
    blog = lookups.blog(slug, request.auth)
    surrogate.tag(response, blog.pk)
    data = blog_json(blog)
    return {"key_points": data["key_points"], "seq": blog.seq}


@router.put("/blogs/{slug}/key-points", response={200: KeyPointsOut, **ERRORS}, auth=auth.WRITE)
def replace_key_points(request: ApiRequest, slug: str, payload: KeyPointsIn) -> dict[str, object]:
    """Replace the whole key points box, in the order given."""
    blog = lookups.blog(slug, request.auth)
    blog = services.set_key_points(request.auth, blog, payload)
    data = blog_json(blog)
    return {"key_points": data["key_points"], "seq": blog.seq}
