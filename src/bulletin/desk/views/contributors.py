"""A blog's contributor profiles on the desk: people entries credit who have no account.

Every member sees the list (they credit these people in the composer's byline); owners add,
change and remove profiles, with a name, a role and a photo. The rules live in the services
(bulletin.blogs.services.contributors) and in bulletin.accounts.permissions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from bulletin.accounts.permissions import Action, require
from bulletin.blogs import media, services
from bulletin.blogs.fields import ContributorFields
from bulletin.blogs.models import Contributor, Media
from bulletin.desk.access import Desk, desk_for, desk_page, see_other
from bulletin.desk.forms import is_id
from bulletin.desk.views.entries import uploads_undone_on_failure
from bulletin.errors import BulletinError, NotFound

# The inputs of the add and change forms (the photo is an upload of its own).
_WORDS = ("name", "role")


@desk_page
@require_http_methods(["GET", "POST"])
def contributors(request: HttpRequest, slug: str) -> HttpResponse:
    """The list of profiles; owners' forms post here (``do``: add, change, remove)."""
    desk = desk_for(request, slug)
    context: dict[str, Any] = {"desk": desk, "blog": desk.blog}
    status = 200
    if request.method == "POST":
        try:
            said = _change(request, desk)
        except BulletinError as error:
            if error.status in {401, 403}:
                raise
            context.update(
                error=error.message,
                field_errors=error.fields,
                values=request.POST.dict(),
                failed=request.POST.get("contributor", "new"),
            )
            status = 400 if error.status != 404 else 404
        else:
            messages.success(request, said)
            return see_other(reverse("desk-contributors", args=[slug]))
    context["profiles"] = Contributor.objects.filter(blog=desk.blog).select_related("photo")
    return render(request, "desk/contributors.html", context, status=status)


def _change(request: HttpRequest, desk: Desk) -> str:
    # Refuse before an uploaded photo is decoded and stored for nothing.
    require(request.user, desk.blog, Action.MANAGE_CONTRIBUTORS)
    do = request.POST.get("do", "")
    if do == "add":
        with uploads_undone_on_failure() as stored, transaction.atomic():
            fields = ContributorFields.read(_words(request, stored, desk))
            made = services.create_contributor(request.user, desk.blog, fields)
        return f"Added {made.name}."
    found = _profile(desk, request.POST.get("contributor", ""))
    if do == "change":
        with uploads_undone_on_failure() as stored, transaction.atomic():
            fields = ContributorFields.read(_words(request, stored, desk))
            services.update_contributor(request.user, desk.blog, found, fields)
        return f"Saved {found.name}."
    if do == "remove":
        services.delete_contributor(request.user, desk.blog, found)
        return f"Removed {found.name}; the entries that credited them no longer do."
    raise NotFound(f"no such change of contributor profiles: {do[:40]!r}")


def _profile(desk: Desk, raw: str) -> Contributor:
    found = None
    if is_id(raw.strip()):
        found = Contributor.objects.filter(blog=desk.blog, pk=int(raw)).first()
    if found is None:
        raise NotFound(f"no contributor {raw[:20]!r} in live blog {desk.blog.slug!r}")
    return found


def _words(request: HttpRequest, stored: list[Media], desk: Desk) -> dict[str, Any]:
    """The form's fields as the field model reads them, with a new photo stored first."""
    values: dict[str, Any] = {name: request.POST.get(name, "") for name in _WORDS}
    upload = request.FILES.get("photo")
    if upload is not None:
        # Beside the name, the photo says nothing more: its alt text is the name.
        photo = media.save_image(request.user, desk.blog, upload, alt=values["name"].strip())
        stored.append(photo)
        values["photo_id"] = photo.pk
    elif request.POST.get("remove_photo"):
        values["photo_id"] = None
    return values
