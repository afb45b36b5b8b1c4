"""Drafts on the server (see :mod:`bulletin.desk.drafts`): the autosave the composer's and the
edit form's script posts, the pages on which a draft is opened again (one's own on another
device, or a colleague's by an editor), and the discarding of an edit's draft."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from bulletin.desk import drafts
from bulletin.desk.access import back, desk_action, desk_for, desk_page, entry_of
from bulletin.desk.models import EntryDraft
from bulletin.desk.views.entries import _authors_to_pick, deleted_entry, edit_context
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


def _save(
    request: HttpRequest, slug: str, author_id: int, entry_id: int | None = None
) -> HttpResponse:
    try:
        desk = desk_for(request, slug)
        entry = entry_of(desk, entry_id) if entry_id is not None else None
        kept = drafts.save(desk, author_id, request.POST, entry)
    except BulletinError as error:
        # The script shows the message beside the form; the words stay in the form.
        return error_response(error)
    return _saved(kept, desk.blog.timezone)


def _saved(kept: EntryDraft | None, zone: str) -> HttpResponse:
    response: dict[str, object] = {"version": 0}
    if kept is not None:
        shown = drafts.described(kept, zone)
        response = {
            "version": kept.version,
            "saved_at": kept.saved_at.isoformat(),
            "saved_clock": shown.saved_clock,
            "saved_by": shown.saved_by,
        }
    answer = JsonResponse(response)
    answer["Cache-Control"] = "no-store"
    return answer


@require_http_methods(["GET", "POST"])
def edit_draft(request: HttpRequest, slug: str, entry_id: int, author_id: int) -> HttpResponse:
    """GET: the entry's edit form holding this person's unsaved changes; POST: the edit form's
    autosave (JSON)."""
    if request.method == "POST":
        return _save(request, slug, author_id, entry_id)
    return _edit_page(request, slug, entry_id, author_id)


@desk_page
def _edit_page(request: HttpRequest, slug: str, entry_id: int, author_id: int) -> HttpResponse:
    desk = desk_for(request, slug)
    entry = entry_of(desk, entry_id)
    gone = deleted_entry(request, desk, entry)
    if gone is not None:
        return gone
    context = edit_context(desk, entry, author_id)
    kept = context["draft"]
    if kept is None:
        raise NotFound(
            f"person {author_id} has no unsaved changes to entry {entry_id} (saved or discarded?)"
        )
    return render(
        request,
        "desk/entry_edit.html",
        {
            **context,
            "values": drafts.form_values(kept),
            "draft_view": drafts.described(kept, desk.blog.timezone),
        },
    )


@desk_action
@require_POST
def discard_edit_draft(
    request: HttpRequest, slug: str, entry_id: int, author_id: int
) -> HttpResponse:
    """Drop the unsaved changes to an entry (the edit form's Cancel, or "Discard them"), then
    go back to where the button was (``next``)."""
    desk = desk_for(request, slug)
    entry = entry_of(desk, entry_id)
    if drafts.discard(desk, author_id, entry, request.POST):
        messages.success(request, "Discarded the unsaved changes.")
    return back(request, slug)
