"""A blog's desk page: the composer, the review queue, drafts, the stream, and every
entry action (publish, submit, approve, reject, schedule, edit, delete, pin, key event)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bulletin.accounts.models import Membership, User
from bulletin.accounts.permissions import Action, require, role_allows
from bulletin.blogs import media, oembed, services
from bulletin.blogs.models import Entry, EntryStatus, Media
from bulletin.blogs.rendering import entry_name, media_json
from bulletin.desk import cards, drafts, finding, presence
from bulletin.desk.access import (
    Desk,
    back,
    desk_action,
    desk_for,
    desk_page,
    entries_of,
    entry_of,
    see_other,
)
from bulletin.desk.forms import (
    EntryForm,
    embed_form_rows,
    embed_rows,
    entry_form_values,
    is_id,
    parse_local_time,
    read_entry_form,
)
from bulletin.desk.history import revision_history, revision_html
from bulletin.desk.preview import preview as preview_of
from bulletin.desk.preview import preview_html
from bulletin.error_responses import error_response
from bulletin.errors import BulletinError, Conflict, RateLimited, ValidationFailed

STREAM_PAGE = 50
# One button's work: (the request, the entry, the desk) → whatever the service returns.
Step = Callable[[HttpRequest, Entry, Desk], object]


def _authors_to_pick(desk: Desk) -> list[User]:
    members = Membership.objects.filter(blog=desk.blog).select_related("user")
    people = {membership.user for membership in members if membership.user.is_active}
    people.add(desk.user)
    return sorted(people, key=lambda person: person.byline.lower())


def desk_lists(desk: Desk, csrf_token: str) -> dict[str, Any]:
    """The entries a desk page lists: waiting for review, drafts, scheduled, the stream."""
    # Contributors see their own drafts, submissions and scheduled entries; editors everyone's.
    entries = entries_of(desk).select_related("created_by", "image")
    queue = list(entries.filter(status=EntryStatus.SUBMITTED).order_by("updated_at"))
    draft_rows = entries.filter(status=EntryStatus.DRAFT).order_by("-updated_at")
    drafts = list(draft_rows[:STREAM_PAGE])
    scheduled = list(entries.filter(status=EntryStatus.SCHEDULED).order_by("scheduled_for"))
    stream = list(
        entries.filter(status=EntryStatus.PUBLISHED).order_by("-display_at", "-id")[:STREAM_PAGE]
    )
    editing = presence.editors_of(desk.blog)
    for entry in [*queue, *drafts, *scheduled, *stream]:
        entry.card = cards.card(entry, desk, editing.get(entry.pk, []), csrf_token)  # type: ignore[attr-defined]
    return {
        "queue": queue,
        "drafts": drafts,
        "scheduled": scheduled,
        "stream": stream,
        "published_count": entries.filter(status=EntryStatus.PUBLISHED).count(),
        "key_points": list(desk.blog.key_points.all()),
        "pinned_name": entry_name(pinned) if (pinned := desk.blog.pinned_entry) else "",
    }


def _desk_context(request: HttpRequest, desk: Desk, **extra: Any) -> dict[str, Any]:
    return {
        "desk": desk,
        "blog": desk.blog,
        "authors": _authors_to_pick(desk),
        "key_point_slots": range(3),
        **_being_written(desk),
        **desk_lists(desk, get_token(request)),
        **_find_context(request, desk),
        **extra,
    }


def _being_written(desk: Desk) -> dict[str, Any]:
    # The signature lets the page's script tell whether the live stream's word of the
    # drafts (views/live.py) differs from what it shows.
    listed = drafts.being_written(desk.blog, desk.user, desk.role)
    return {"being_written": listed, "drafts_signature": drafts.signature(listed)}


def _find_context(request: HttpRequest, desk: Desk) -> dict[str, Any]:
    """The find form's values and, when it asked for something, the page of results; a bad
    filter comes back as ``find_error`` (the page answers 400 with it)."""
    context: dict[str, Any] = {
        "find": request.GET,
        "find_statuses": EntryStatus.choices,
        "bulk_moves": _bulk_moves(desk),
    }
    if request.method != "GET" or not finding.asks_to_find(request.GET):
        return context
    try:
        found = finding.find(desk, request.GET)
    except ValidationFailed as error:
        return {**context, "find_error": error.message, "find_fields": error.fields}
    editing = presence.editors_of(desk.blog)
    token = get_token(request)
    for entry in found.page.entries:
        entry.card = cards.card(entry, desk, editing.get(entry.pk, []), token)  # type: ignore[attr-defined]
    return {**context, "finding": found}


def _bulk_moves(desk: Desk) -> list[tuple[str, str]]:
    """The bulk bar's choices this member may make (what each entry allows is checked on use)."""
    moves = []
    if desk.may_publish:
        moves += [("unpublish", "Unpublish"), ("delete", "Delete")]
    if desk.may_curate:
        moves += [("key-event", "Mark as key events"), ("not-key-event", "Unmark key events")]
    return moves


@desk_page
@require_GET
def desk_home(request: HttpRequest, slug: str) -> HttpResponse:
    """The desk of one blog: compose at the top, everything waiting and published below."""
    desk = desk_for(request, slug)
    # What this person was writing, on this device or another, comes back into the composer.
    kept = drafts.draft_of(desk, desk.user.pk)
    values = drafts.form_values(kept) or {"authors": [str(desk.user.pk)]}
    context = _desk_context(request, desk, values=values, draft=kept)
    if kept is not None:
        context["draft_view"] = drafts.described(kept, desk.blog.timezone)
    # A bad filter in the find form (desk/finding.py): the page, with the reason, as a 400.
    status = 400 if "find_error" in context else 200
    return render(request, "desk/desk.html", context, status=status)


@desk_page
@require_GET
def desk_panels(request: HttpRequest, slug: str) -> HttpResponse:
    """The lists of the desk page alone, for the page to swap in when something changed."""
    desk = desk_for(request, slug)
    response = render(request, "desk/_panels.html", _desk_context(request, desk))
    response["Cache-Control"] = "no-store"
    return response


@contextmanager
def uploads_undone_on_failure() -> Iterator[list[Media]]:
    """Images stored in the block lose their files when the block fails.

    Their rows roll back with the post's transaction; the files are not part of it.
    """
    stored: list[Media] = []
    try:
        yield stored
    except BaseException:
        for image in stored:
            media.remove_files(image)
        raise


def _attach_image(
    request: HttpRequest, desk: Desk, form: EntryForm, stored: list[Media]
) -> EntryForm:
    """Store an uploaded image (no-JS composer) and check the words that go with any image."""
    upload = request.FILES.get("image")
    if upload is None and form.image_id is None:
        return form
    if not form.image.alt.strip():
        raise ValidationFailed.on(
            "image_alt", "describe the image for readers who cannot see it (alt text is required)"
        )
    if upload is not None:
        saved = media.save_image(request.user, desk.blog, upload, **vars(form.image))
        stored.append(saved)
        form.image_id = saved.pk
        form.fields = form.fields.model_copy(update={"image_id": saved.pk})
        return form
    image = Media.objects.filter(pk=form.image_id or 0).first()
    if image is None:
        raise ValidationFailed.on("image_id", f"must be an uploaded image, got {form.image_id}")
    services.describe_image(request.user, desk.blog, image, **vars(form.image))
    return form


_CREATE_SAYS = {
    "publish": "Published.",
    "draft": "Draft saved.",
    "submit": "Sent to the editors for review.",
    "schedule": "Scheduled.",
}


@desk_page
@require_POST
def compose(request: HttpRequest, slug: str) -> HttpResponse:
    """The composer: publish now, save a draft, submit for review, or schedule."""
    desk = desk_for(request, slug)
    try:
        with uploads_undone_on_failure() as stored, transaction.atomic():
            form = read_entry_form(request.POST, desk.blog, may_flag=desk.may_curate)
            # Before any query: no transaction is open while a provider is asked.
            embed_warnings = oembed.fill_entry_fields(form.fields, [])
            form = _attach_image(request, desk, form, stored)
            status = {
                "publish": EntryStatus.PUBLISHED,
                "draft": EntryStatus.DRAFT,
                "submit": EntryStatus.SUBMITTED,
                "schedule": EntryStatus.SCHEDULED,
            }[form.action]
            entry = services.create_entry(
                request.user,
                desk.blog,
                form.fields,
                status=status,
                scheduled_for=form.scheduled_for,
            )
            drafts.published(desk, request.POST)
    except BulletinError as error:
        if error.status == 401:
            raise
        context = _desk_context(
            request,
            desk,
            values={
                **request.POST.dict(),
                "authors": request.POST.getlist("authors"),
                "contributors": request.POST.getlist("contributors"),
                "embeds": embed_form_rows(embed_rows(request.POST)),
            },
            error=error.message,
            field_errors=error.fields,
            draft=drafts.draft_of(desk, desk.user.pk),
        )
        return render(request, "desk/desk.html", context, status=_form_status(error))
    messages.success(request, _CREATE_SAYS[form.action])
    for warning in embed_warnings:
        messages.warning(request, warning)
    return see_other(f"{reverse('desk-blog', args=[slug])}?composed={entry.pk}")


def _form_status(error: BulletinError) -> int:
    return error.status if error.status in {403, 404, 409, 413} else 400


def edit_context(desk: Desk, entry: Entry, draft_owner: int) -> dict[str, Any]:
    """What every rendering of the edit form needs; ``draft_owner``: whose draft of the edit
    the form autosaves into (bulletin.desk.drafts)."""
    return {
        "desk": desk,
        "blog": desk.blog,
        "entry": entry,
        "authors": _authors_to_pick(desk),
        "others_editing": presence.others_editing(entry, desk.user),
        "draft_owner": draft_owner,
        "draft": drafts.draft_of(desk, draft_owner, entry),
    }


def deleted_entry(request: HttpRequest, desk: Desk, entry: Entry) -> HttpResponse | None:
    """The way to the history of a deleted entry, which no edit form may open."""
    if entry.status != EntryStatus.DELETED:
        return None
    messages.error(request, f"Entry {entry.pk} was deleted and can no longer be edited.")
    return see_other(reverse("desk-history", args=[desk.blog.slug, entry.pk]))


def _saved_values(entry: Entry) -> dict[str, Any]:
    values = entry_form_values(entry)
    values["authors"] = [str(pk) for pk in entry.authors.values_list("pk", flat=True)]
    return values


@desk_page
@require_http_methods(["GET", "POST"])
def edit_entry(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    """Edit an entry; a save over someone else's newer revision is refused, never merged."""
    desk = desk_for(request, slug)
    entry = entry_of(desk, entry_id)
    if request.method == "GET":
        gone = deleted_entry(request, desk, entry)
        if gone is not None:
            return gone
        # The form shows the entry as saved; changes of one's own kept from an earlier visit
        # (another device, a crash) are offered, not poured over it: the form holds no draft
        # until they are restored, so typing first meets them as a newer draft.
        context = edit_context(desk, entry, desk.user.pk)
        kept = context.pop("draft")
        offered = drafts.described(kept, desk.blog.timezone) if kept else None
        return render(
            request,
            "desk/entry_edit.html",
            {**context, "values": _saved_values(entry), "offered": offered},
        )
    owner = drafts.held_author(desk, request.POST)
    context = edit_context(desk, entry, owner if drafts.may_read(desk, owner) else desk.user.pk)
    values = {
        **request.POST.dict(),
        "authors": request.POST.getlist("authors"),
        "contributors": request.POST.getlist("contributors"),
        "embeds": embed_form_rows(embed_rows(request.POST)),
    }
    try:
        with uploads_undone_on_failure() as stored, transaction.atomic():
            form = read_entry_form(
                request.POST, desk.blog, editing=True, may_flag=desk.may_curate, current=entry
            )
            embed_warnings = oembed.fill_entry_fields(form.fields, entry.embeds)
            form = _attach_image(request, desk, form, stored)
            entry = services.update_entry(
                request.user,
                entry,
                form.fields,
                expected_revision=form.revision,
                correction_note=form.correction_note,
            )
            drafts.edit_saved(desk, entry, request.POST)
    except Conflict as error:
        return _conflict(request, desk, entry, context, values, error)
    except BulletinError as error:
        if error.status == 401:
            raise
        context.update(values=values, error=error.message, field_errors=error.fields)
        return render(request, "desk/entry_edit.html", context, status=_form_status(error))
    presence.stop_editing(desk.user, entry)
    messages.success(request, f"Saved revision {entry.revision}.")
    for warning in embed_warnings:
        messages.warning(request, warning)
    return see_other(f"{reverse('desk-blog', args=[slug])}#desk-entry-{entry.pk}")


def _conflict(
    request: HttpRequest,
    desk: Desk,
    entry: Entry,
    context: dict[str, Any],
    values: dict[str, Any],
    error: Conflict,
) -> HttpResponse:
    """Both versions side by side: theirs as saved, and yours, unsaved, to reapply."""
    entry.refresh_from_db()
    latest = entry.revisions.select_related("edited_by").order_by("-revision").first()
    mine = preview_html(desk.blog, request.POST, desk.user)
    context.update(
        values={**values, "revision": str(entry.revision)},
        error=error.message,
        conflict={
            "theirs_html": entry.html,
            "theirs_by": latest.edited_by.byline if latest and latest.edited_by else "someone",
            "theirs_at": latest.created_at if latest else entry.updated_at,
            "theirs_revision": entry.revision,
            "mine_html": mine,
            "your_revision": values.get("revision", ""),
        },
    )
    context["entry"] = entry
    return render(request, "desk/entry_edit.html", context, status=409)


# --- one-button actions ------------------------------------------------------------------


def _action(
    request: HttpRequest,
    slug: str,
    entry_id: int,
    do: Step,
    said: str,
) -> HttpResponse:
    desk = desk_for(request, slug)
    entry = entry_of(desk, entry_id)
    do(request, entry, desk)
    messages.success(request, said)
    return back(request, slug)


@desk_action
@require_POST
def entry_action(request: HttpRequest, slug: str, entry_id: int, action: str) -> HttpResponse:
    """publish, submit, approve, reject, unpublish, delete, restore, pin, unpin, key-event,
    schedule."""
    if action in _REVIEWED:
        return _publish_reviewed(request, slug, entry_id, action)
    steps: dict[str, tuple[Step, str]] = {
        "submit": (lambda r, e, d: services.submit_for_review(r.user, e), "Sent for review."),
        "reject": (lambda r, e, d: services.reject_entry(r.user, e), "Sent back to its writer."),
        "unpublish": (lambda r, e, d: services.unpublish_entry(r.user, e), "Unpublished."),
        "delete": (lambda r, e, d: services.delete_entry(r.user, e), "Deleted."),
        "restore": (lambda r, e, d: services.restore_entry(r.user, e), "Restored."),
        "pin": (lambda r, e, d: services.pin_entry(r.user, d.blog, e), "Pinned."),
        "unpin": (lambda r, e, d: services.pin_entry(r.user, d.blog, None), "Unpinned."),
        "key-event": (
            lambda r, e, d: services.set_key_event(r.user, e, r.POST.get("on") == "1"),
            "Key event updated.",
        ),
        "schedule": (_schedule, "Scheduled."),
    }
    if action not in steps:
        known = ", ".join([*_REVIEWED, *steps])
        raise ValidationFailed.on("action", f"must be one of {known}, got {action!r}")
    do, said = steps[action]
    return _action(request, slug, entry_id, do, said)


# Buttons that put an entry in front of readers: they publish the revision the editor saw.
_REVIEWED: dict[str, tuple[Callable[..., Entry], str]] = {
    "publish": (services.publish_draft, "Published."),
    "approve": (services.approve_entry, "Approved and published."),
}


def _publish_reviewed(request: HttpRequest, slug: str, entry_id: int, action: str) -> HttpResponse:
    """Approve or publish exactly the revision the card showed (its hidden ``revision``); if
    the writer changed the entry since, show both versions instead of publishing unseen words."""
    desk = desk_for(request, slug)
    entry = entry_of(desk, entry_id)
    if not desk.may_publish:
        # Who may not publish at all hears that, not that the form lacked a revision.
        require(desk.user, desk.blog, Action.PUBLISH)
    raw = request.POST.get("revision", "").strip()
    if not is_id(raw):
        raise ValidationFailed.on(
            "revision", f"must be the revision you reviewed (reload the desk), got {raw[:20]!r}"
        )
    publish, said = _REVIEWED[action]
    try:
        publish(request.user, entry, expected_revision=int(raw))
    except Conflict as error:
        return _review_conflict(request, desk, entry, int(raw), action, error)
    messages.success(request, said)
    return back(request, slug)


def _review_conflict(
    request: HttpRequest, desk: Desk, entry: Entry, seen: int, action: str, error: Conflict
) -> HttpResponse:
    """The conflict page of the edit form: what is there now beside what the editor reviewed."""
    entry.refresh_from_db()
    latest = entry.revisions.select_related("edited_by").order_by("-revision").first()
    context = {
        **edit_context(desk, entry, desk.user.pk),
        "draft": None,  # the form shows the entry, not a kept draft (see edit_entry)
        "values": _saved_values(entry),
        "error": error.message,
        "conflict": {
            "review": action,
            "theirs_html": entry.html,
            "theirs_by": latest.edited_by.byline if latest and latest.edited_by else "someone",
            "theirs_at": latest.created_at if latest else entry.updated_at,
            "theirs_revision": entry.revision,
            "mine_html": revision_html(entry, seen) or "",
            "your_revision": seen,
        },
    }
    return render(request, "desk/entry_edit.html", context, status=409)


def _schedule(request: HttpRequest, entry: Entry, desk: Desk) -> Entry:
    raw = request.POST.get("scheduled_for", "")
    when = parse_local_time("scheduled_for", raw, desk.blog.timezone)
    if when is None:
        raise ValidationFailed.on("scheduled_for", "is required to schedule an entry")
    return services.schedule_entry(request.user, entry, when)


@desk_page
@require_GET
def history(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    """Every revision of one entry: who, when, and what changed."""
    desk = desk_for(request, slug)
    entry = entry_of(desk, entry_id)
    return render(
        request,
        "desk/history.html",
        {
            "desk": desk,
            "blog": desk.blog,
            "entry": entry,
            "revisions": revision_history(
                entry, may_read_withheld=role_allows(desk.role, Action.READ_WITHHELD)
            ),
        },
    )


_BULK_SAYS = {
    "unpublish": "Unpublished",
    "delete": "Deleted",
    "key-event": "Marked as key events:",
    "not-key-event": "Unmarked as key events:",
}


@desk_action
@require_POST
def bulk(request: HttpRequest, slug: str) -> HttpResponse:
    """One action on the selected entries (the cards' checkboxes): all of them, or none."""
    desk = desk_for(request, slug)
    raw = request.POST.getlist("entries")
    bad = [value for value in raw if not is_id(value)]
    if bad:
        raise ValidationFailed.on("entries", f"expected entry ids, got {bad[0][:20]!r}")
    move = request.POST.get("action", "")
    changed = services.bulk_move(request.user, desk.blog, [int(value) for value in raw], move)
    count = len(changed)
    messages.success(request, f"{_BULK_SAYS[move]} {count} {'entry' if count == 1 else 'entries'}.")
    return back(request, slug)


# --- what the composer's script calls ----------------------------------------------------


@desk_page
@require_POST
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The composer's contents as readers would see them, rendered by the reader's code."""
    desk = desk_for(request, slug)
    try:
        shown = preview_of(desk.blog, request.POST, desk.user)
    except BulletinError as error:
        return error_response(error, status=_form_status(error))
    # What the sanitiser will remove is said above the entry, before the writer publishes.
    told = render_to_string("desk/_preview_warnings.html", {"warnings": shown.warnings})
    return HttpResponse(told + shown.html, content_type="text/html; charset=utf-8")


@desk_page
@require_POST
def upload_image(request: HttpRequest, slug: str) -> HttpResponse:
    """Store the image picked in the composer at once (the entry refers to it by id)."""
    desk = desk_for(request, slug)
    upload = request.FILES.get("image")
    try:
        if upload is None:
            raise ValidationFailed.on("image", "choose an image file to upload")
        saved = media.save_image(request.user, desk.blog, upload)
    except RateLimited as error:
        # Another of this person's uploads is being decoded (blogs/decoding.py).
        return error_response(error)
    except BulletinError as error:
        return error_response(error, status=_form_status(error))
    return JsonResponse(media_json(saved) or {}, status=201)


@desk_page
@require_POST
def editing(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    """Heartbeat of an open edit form (``state=open``) or its closing (``state=closed``)."""
    desk = desk_for(request, slug)
    entry = entry_of(desk, entry_id)
    if request.POST.get("state") == "closed":
        presence.stop_editing(desk.user, entry)
    else:
        presence.start_editing(desk.user, entry)
    return JsonResponse(
        {
            "others": presence.others_editing(entry, desk.user),
            "revision": entry.revision,
            "checked_at": timezone.now().isoformat(),
        }
    )
