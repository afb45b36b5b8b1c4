"""The desk page where editors check who said what and the topics, and show them to readers.

Every form posts here with a ``do`` field and goes back to the page; the decisions are made by
:mod:`bulletin.extract.services` (which checks the permission), never here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from bulletin.accounts.permissions import Action, role_allows
from bulletin.desk.access import Desk, desk_for, desk_page, see_other
from bulletin.desk.forms import is_id
from bulletin.errors import BulletinError, ValidationFailed
from bulletin.extract import queries, services
from bulletin.extract.models import Quote

MAX_QUOTES_SHOWN = 200


@desk_page
@require_http_methods(["GET", "POST"])
def quotes_topics(request: HttpRequest, slug: str) -> HttpResponse:
    """Quotes to check, topics to tidy, and the switches that show them to readers."""
    desk = desk_for(request, slug)
    page = reverse("desk-quotes-topics", args=[slug])
    if request.method == "POST":
        try:
            done = _decide(request, desk)
        except BulletinError as error:
            if error.status in {401, 403, 404}:
                raise
            messages.error(request, error.message)
        else:
            messages.success(request, done)
        return see_other(page)
    blog = desk.blog
    quotes = (
        Quote.objects.filter(blog=blog, entry__status="published")
        .select_related("entry")
        .order_by("-entry__display_at", "-entry_id", "position")[:MAX_QUOTES_SHOWN]
    )
    chips = queries.chips(blog, include_hidden=True)
    return render(
        request,
        "extract/desk.html",
        {
            "desk": desk,
            "blog": blog,
            "page": page,
            "may_check": role_allows(desk.role, Action.CHECK_QUOTES_TOPICS),
            "switches": queries.switches(blog),
            "quotes": quotes,
            "chips": chips,
            "merge_targets": [chip.topic for chip in chips],
        },
    )


def _id(request: HttpRequest, field: str) -> int:
    raw = request.POST.get(field, "")
    if not is_id(raw):
        raise ValidationFailed.on(field, f"must be a row id (ASCII digits), got {raw[:20]!r}")
    return int(raw)


def _decide(request: HttpRequest, desk: Desk) -> str:
    user, blog, post = request.user, desk.blog, request.POST
    actions: dict[str, Callable[[], Any]] = {
        "switches": lambda: services.set_switches(
            user, blog, quotes=post.get("quotes") == "on", topics=post.get("topics") == "on"
        ),
        "reject": lambda: services.reject_quote(user, blog, _id(request, "quote")),
        "restore": lambda: services.reject_quote(user, blog, _id(request, "quote"), rejected=False),
        "speaker": lambda: services.fix_speaker(
            user, blog, _id(request, "quote"), post.get("speaker", "")
        ),
        "rename": lambda: services.rename_topic(
            user, blog, _id(request, "topic"), post.get("label", "")
        ),
        "hide": lambda: services.hide_topic(user, blog, _id(request, "topic")),
        "show": lambda: services.hide_topic(user, blog, _id(request, "topic"), hidden=False),
        "merge": lambda: services.merge_topic(
            user, blog, _id(request, "topic"), _id(request, "into")
        ),
        "unmerge": lambda: services.merge_topic(user, blog, _id(request, "topic"), None),
    }
    do = post.get("do", "")
    if do not in actions:
        raise ValidationFailed.on("do", f"must be one of {', '.join(actions)}, got {do[:40]!r}")
    actions[do]()
    return DONE[do]


DONE = {
    "switches": "Reader switches saved.",
    "reject": "Quote rejected: readers will not see it.",
    "restore": "Quote restored.",
    "speaker": "Speaker saved.",
    "rename": "Topic renamed.",
    "hide": "Topic hidden from readers.",
    "show": "Topic shown to readers again.",
    "merge": "Topics merged.",
    "unmerge": "Topic taken out of the merge.",
}
