"""Public pages. A plain server-rendered page for now; the live reader page builds on it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bulletin.blogs import queries
from bulletin.blogs.models import BlogStatus, LiveBlog


def home(request: HttpRequest) -> HttpResponse:
    blogs = LiveBlog.objects.exclude(status=BlogStatus.DRAFT).order_by("-updated_at")[:50]
    return render(request, "reader/home.html", {"blogs": blogs})


def live_page(request: HttpRequest, slug: str) -> HttpResponse:
    blog = queries.public_blog(slug)
    if blog is None:
        raise Http404("no such live blog")
    entries = queries.stream(blog, limit=50)
    response = render(
        request,
        "reader/live.html",
        {"blog": blog, "entries": entries, "key_points": list(blog.key_points.all())},
    )
    response["ETag"] = f'"{blog.seq}"'
    return response
