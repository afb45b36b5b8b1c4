"""The desk's side of the assistant: the composer's repeat check and the suggestion buttons.

Session and CSRF like every desk form; the permissions are the services' (assist/services.py).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bulletin.assist import services
from bulletin.assist.repeats import Repeat
from bulletin.assist.text import shorten
from bulletin.desk.access import back, desk_action, desk_for, desk_page
from bulletin.error_responses import error_response
from bulletin.errors import BulletinError, ValidationFailed


def _exclude(request: HttpRequest) -> int | None:
    raw = request.POST.get("entry_id", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationFailed.on("entry_id", f"must be an entry id, got {raw[:20]!r}")
    return int(raw)


def clock(repeat: Repeat, zone_name: str) -> str:
    """The entry's time as the desk shows it, in the blog's time zone ("14:02")."""
    return timezone.localtime(repeat.shown_at, ZoneInfo(zone_name)).strftime("%H:%M")


def warning(repeat: Repeat, zone_name: str) -> str:
    """One line for the composer: "This looks like 14:02 'Russian officials discuss…' — …"."""
    at = clock(repeat, zone_name)
    headline = shorten(repeat.headline, 60) or "an entry without a headline"
    count = len(repeat.new_sentences)
    news = "nothing new" if count == 0 else f"{count} new sentence{'s' if count > 1 else ''}"
    return f"This looks like {at} \u2018{headline}\u2019 \u2014 {news}."


@desk_page
@require_POST
def similar(request: HttpRequest, slug: str) -> HttpResponse:
    """The composer asks, debounced while typing: which published entries does this repeat?"""
    desk = desk_for(request, slug)
    try:
        found = services.similar(
            request.user,
            desk.blog,
            request.POST.get("headline", ""),
            request.POST.get("body", ""),
            exclude=_exclude(request),
        )
    except BulletinError as error:
        return error_response(error)
    return JsonResponse(
        {
            "similar": [
                {
                    **repeat.as_dict(),
                    "warning": warning(repeat, desk.blog.timezone),
                    "time": clock(repeat, desk.blog.timezone),
                    "edit_url": reverse("desk-edit", args=[slug, repeat.entry_id]),
                }
                for repeat in found
            ]
        }
    )


@desk_action
@require_POST
def accept(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """Add a suggested key point, as suggested or as edited in its box, to the key points."""
    desk = desk_for(request, slug)
    text = request.POST.get("text")
    services.accept(request.user, desk.blog, key, text.strip() if text is not None else None)
    messages.success(request, "Key point added and published.")
    return back(request, slug)


@desk_action
@require_POST
def dismiss(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    desk = desk_for(request, slug)
    services.dismiss(request.user, desk.blog, key)
    messages.success(request, "Suggestion dismissed.")
    return back(request, slug)
