"""Taking an entry down from the desk: a page that says what a takedown does, asks why, and
does it only when the form is sent (``/desk/<slug>/entries/<id>/takedown``).

Deleting is a button with a confirm; a takedown is permanent and removes history, so it gets
a page of its own with a required reason instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from bulletin.accounts.permissions import Action, require
from bulletin.blogs import services
from bulletin.blogs.fields.kinds import TAKEDOWN_REASON_MAX
from bulletin.desk.access import desk_for, desk_page, entry_of, see_other
from bulletin.errors import InvalidState, ValidationFailed


@desk_page
@require_http_methods(["GET", "POST"])
def takedown(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    """GET: what a takedown does, and the form; POST: take the entry down for ``reason``."""
    desk = desk_for(request, slug)
    # Only those who may take down see even the form (403 with the role otherwise).
    require(desk.user, desk.blog, Action.TAKE_DOWN)
    entry = entry_of(desk, entry_id)
    context: dict[str, Any] = {
        "desk": desk,
        "blog": desk.blog,
        "entry": entry,
        "reason_max": TAKEDOWN_REASON_MAX,
        "values": {"reason": ""},
    }
    if request.method == "GET":
        return render(request, "desk/takedown.html", context)
    reason = request.POST.get("reason", "")
    try:
        services.takedown_entry(request.user, entry, reason=reason)
    except (ValidationFailed, InvalidState) as error:
        # The form again, with what was typed: nothing was changed.
        context.update(values={"reason": reason}, error=error.message, field_errors=error.fields)
        return render(request, "desk/takedown.html", context, status=error.status)
    messages.success(
        request, f"Entry {entry.pk} was taken down. Its words and images are gone from every page."
    )
    return see_other(reverse("desk-history", args=[desk.blog.slug, entry.pk]))
