"""The blog list, a blog's settings and lifecycle, its members, key points and activity."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bulletin import config
from bulletin.accounts import invitations
from bulletin.accounts.members import remove_member, set_role
from bulletin.accounts.models import Membership, Role, User
from bulletin.accounts.permissions import Action, can_create_blogs, require
from bulletin.blogs import media, services
from bulletin.blogs.dates import language_choices
from bulletin.blogs.fields import plain_blog_fields
from bulletin.blogs.models import BlogStatus, EntryStatus, LiveBlog, Media, Order
from bulletin.desk.access import (
    Desk,
    back,
    desk_action,
    desk_for,
    desk_page,
    entries_of,
    see_other,
)
from bulletin.desk.forms import is_id, local_input_value, read_blog_form, read_key_points
from bulletin.desk.history import activity_log
from bulletin.desk.views.entries import uploads_undone_on_failure
from bulletin.errors import BulletinError, ValidationFailed

COMMON_TIME_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
)


@login_required
@require_GET
def blog_list(request: HttpRequest) -> HttpResponse:
    """Every blog the signed-in person works on, with its status and last update."""
    user = request.user
    assert isinstance(user, User)  # login_required let only signed-in people through
    blogs = LiveBlog.objects.all()
    if not user.is_superuser:
        blogs = blogs.filter(members__user_id=user.pk)
    blogs = blogs.annotate(
        published=Count("entries", filter=Q(entries__status=EntryStatus.PUBLISHED)),
        waiting=Count("entries", filter=Q(entries__status=EntryStatus.SUBMITTED)),
    ).order_by("-updated_at")
    roles = dict(Membership.objects.filter(user_id=user.pk).values_list("blog_id", "role"))
    return render(
        request,
        "desk/blog_list.html",
        {
            "blogs": [(blog, roles.get(blog.pk, "owner")) for blog in blogs],
            "may_create": can_create_blogs(user),
        },
    )


def _blog_form_context(blog: LiveBlog | None, values: dict[str, Any]) -> dict[str, Any]:
    zone = values.get("timezone") or (blog.timezone if blog else config.current.TIME_ZONE)
    return {
        "blog": blog,
        "values": values,
        "languages": language_choices(),
        "orders": Order.choices,
        "time_zones": sorted({*COMMON_TIME_ZONES, zone}),
    }


def _blog_values(blog: LiveBlog) -> dict[str, Any]:
    cover = blog.cover_image
    return {
        **plain_blog_fields(blog),
        "coverage_start": local_input_value(blog.coverage_start, blog.timezone),
        "coverage_end": local_input_value(blog.coverage_end, blog.timezone),
        "cover_image_id": cover.pk if cover else "",
        "cover_alt": cover.alt if cover else "",
        "cover_caption": cover.caption if cover else "",
        "cover_credit": cover.credit if cover else "",
    }


def _form_error(error: BulletinError) -> dict[str, Any]:
    return {"error": error.message, "field_errors": error.fields}


@login_required
@require_http_methods(["GET", "POST"])
def blog_create(request: HttpRequest) -> HttpResponse:
    """A new live blog, in draft until someone starts coverage."""
    defaults = {
        "language": config.current.LANGUAGE,
        "timezone": config.current.TIME_ZONE,
        "order": Order.NEWEST_FIRST,
    }
    if request.method == "GET":
        if not can_create_blogs(request.user):
            return render(
                request,
                "desk/refused.html",
                {"message": "you may not create live blogs: ask a site administrator"},
                status=403,
            )
        context = _blog_form_context(None, defaults)
        # The site names no zone of its own (UTC, the default): the browser's is proposed.
        context["propose_browser_zone"] = defaults["timezone"] == "UTC"
        return render(request, "desk/blog_form.html", context)
    values = {**defaults, **request.POST.dict()}
    try:
        fields = read_blog_form(request.POST, config.current.TIME_ZONE)
        blog = services.create_blog(request.user, fields)
    except BulletinError as error:
        status = 403 if error.status in {401, 403} else 400
        context = {**_blog_form_context(None, values), **_form_error(error)}
        return render(request, "desk/blog_form.html", context, status=status)
    messages.success(request, f"Created “{blog.title}”. Write a first entry, then go live.")
    return see_other(reverse("desk-blog", args=[blog.slug]))


@desk_page
@require_http_methods(["GET", "POST"])
def blog_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Title, slug, standfirst, cover image, language, time zone, order, coverage window."""
    desk = desk_for(request, slug)
    blog = desk.blog
    if request.method == "GET":
        context = {**_blog_form_context(blog, _blog_values(blog)), "desk": desk}
        return render(request, "desk/blog_form.html", context)
    values = {**_blog_values(blog), **request.POST.dict()}
    try:
        # Refuse before an uploaded cover is decoded and stored for nothing.
        require(request.user, blog, Action.CONFIGURE)
        with uploads_undone_on_failure() as stored, transaction.atomic():
            fields = read_blog_form(request.POST, blog.timezone)
            fields = fields.model_copy(update=_cover_image(request, desk, stored))
            blog = services.update_blog(request.user, blog, fields)
    except BulletinError as error:
        context = {**_blog_form_context(blog, values), "desk": desk, **_form_error(error)}
        status = error.status if error.status in {403, 409} else 400
        return render(request, "desk/blog_form.html", context, status=status)
    messages.success(request, "Settings saved.")
    return see_other(reverse("desk-settings", args=[blog.slug]))


def _cover_image(request: HttpRequest, desk: Desk, stored: list[Media]) -> dict[str, int | None]:
    """``cover_image_id``: the new cover's id, or None to remove it; nothing to keep the
    cover (re-described if asked)."""
    upload = request.FILES.get("cover")
    words = {
        "alt": request.POST.get("cover_alt", ""),
        "caption": request.POST.get("cover_caption", ""),
        "credit": request.POST.get("cover_credit", ""),
    }
    current = desk.blog.cover_image
    if request.POST.get("remove_cover"):
        return {"cover_image_id": None}
    if upload is None and current is None:
        return {}
    if not words["alt"].strip():
        raise ValidationFailed.on(
            "cover_alt", "describe the cover image for readers who cannot see it (alt text)"
        )
    if upload is not None:
        saved = media.save_image(request.user, desk.blog, upload, **words)
        stored.append(saved)
        return {"cover_image_id": saved.pk}
    assert current is not None
    services.describe_image(request.user, desk.blog, current, **words)
    return {}


@desk_action
@require_POST
def blog_status(request: HttpRequest, slug: str, change: str) -> HttpResponse:
    """Go live, end coverage or archive."""
    desk = desk_for(request, slug)
    steps = {
        "go-live": (services.go_live, "Coverage is live: readers see the blog."),
        "end": (services.end_coverage, "Coverage ended: readers keep the page."),
        "archive": (services.archive_blog, "Archived: the blog takes no more changes."),
    }
    if change not in steps:
        raise ValidationFailed.on("change", f"must be go-live, end or archive, got {change!r}")
    step, said = steps[change]
    step(request.user, desk.blog)
    messages.success(request, said)
    return back(request, slug)


@desk_action
@require_POST
def key_points(request: HttpRequest, slug: str) -> HttpResponse:
    """Replace the key points box with the bullets as edited, in their order."""
    desk = desk_for(request, slug)
    services.set_key_points(request.user, desk.blog, read_key_points(request.POST))
    messages.success(request, "Key points published.")
    return back(request, slug)


@desk_page
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """Who works on this blog, in which role; owners invite, change roles and remove."""
    desk = desk_for(request, slug)
    context: dict[str, Any] = {"desk": desk, "blog": desk.blog, "roles": Role.choices}
    status = 200
    if request.method == "POST":
        try:
            _change_members(request, desk)
        except BulletinError as error:
            if error.status in {401, 403}:
                raise
            context.update(_form_error(error), values=request.POST.dict())
            status = 400
        else:
            return see_other(reverse("desk-members", args=[slug]))
    rows = Membership.objects.filter(blog=desk.blog).select_related("user").order_by("user_id")
    context["memberships"] = rows
    return render(request, "desk/members.html", context, status=status)


def _change_members(request: HttpRequest, desk: Desk) -> None:
    do = request.POST.get("do", "")
    if do == "invite":
        who, role = request.POST.get("who", ""), request.POST.get("role", Role.CONTRIBUTOR)
        membership, _created = invitations.invite(
            request.user, desk.blog, who, role, request=request
        )
        if membership is None or "@" in who:
            # The same words whether or not the address has an account (invitations.invite).
            messages.success(request, f"Invited {who.strip()} as {role}. We emailed them.")
        else:
            messages.success(request, f"Added {membership.user.byline} as {membership.role}.")
        return
    user = User.objects.filter(pk=_user_id(request.POST.get("user", ""))).first()
    if user is None:
        raise ValidationFailed.on("user", "must be a member of this live blog")
    if do == "role":
        set_role(request.user, desk.blog, user, request.POST.get("role", ""))
        messages.success(request, f"{user.byline} is now {request.POST.get('role')}.")
    elif do == "remove":
        remove_member(request.user, desk.blog, user)
        messages.success(request, f"{user.byline} no longer works on this live blog.")
    else:
        raise ValidationFailed.on("do", f"must be invite, role or remove, got {do!r}")


def _user_id(raw: str) -> int:
    return int(raw) if is_id(raw) else 0


@desk_page
@require_GET
def activity(request: HttpRequest, slug: str) -> HttpResponse:
    """Every change to the blog, newest first: who did what, when."""
    desk = desk_for(request, slug)
    raw = request.GET.get("before", "")
    before = int(raw) if is_id(raw) else None
    rows = activity_log(desk.blog, before=before, visible=entries_of(desk))
    return render(
        request,
        "desk/activity.html",
        {
            "desk": desk,
            "blog": desk.blog,
            "rows": rows,
            "older": rows[-1].seq if len(rows) == 100 else None,
            "statuses": BlogStatus,
        },
    )
