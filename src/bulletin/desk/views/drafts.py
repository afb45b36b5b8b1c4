"""A composer's draft on the server: the autosave the composer's script posts, and the page
on which an editor opens a colleague's draft (see :mod:`bulletin.desk.drafts`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from bulletin.desk import drafts
from bulletin.desk.access import desk_for, desk_page
from bulletin.desk.views.entries import _authors_to_pick
from bulletin.error_responses import error_response
from bulletin.errors import BulletinError, NotFound


@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, slug: str, author_id: int) -> HttpResponse:
    """GET: the draft in a composer of its own; POST: the composer's autosave (JSON)."""
    if request.method == "POST":
        return _save(request, slug, author_id)
    return _page(request, slug, author_id)


@desk_page
def _page(request: HttpRequest, slug: str, author_id: int) -> HttpResponse:
    desk = desk_for(request, slug)
    kept = drafts.draft_of(desk, author_id)
    if kept is None:
        raise NotFound(f"person {author_id} has no draft in live blog {slug!r} (published?)")
    return render(
        request,
        "desk/draft.html",
        {
            "desk": desk,
            "blog": desk.blog,
            "authors": _authors_to_pick(desk),
            "values": drafts.form_values(kept),
            "draft": kept,
            "draft_view": drafts.described(kept, desk.blog.timezone),
        },
    )


def _save(request: HttpRequest, slug: str, author_id: int) -> HttpResponse:
    try:
        desk = desk_for(request, slug)
        kept = drafts.save(desk, author_id, request.POST)
    except BulletinError as error:
        # The script shows the message beside the composer; the words stay in the form.
        return error_response(error)
    response: dict[str, object] = {"version": 0}
    if kept is not None:
        shown = drafts.described(kept, desk.blog.timezone)
        response = {
            "version": kept.version,
            "saved_at": kept.saved_at.isoformat(),
            "saved_clock": shown.saved_clock,
            "saved_by": shown.saved_by,
        }
    answer = JsonResponse(response)
    answer["Cache-Control"] = "no-store"
    return answer
