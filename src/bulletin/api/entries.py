"""Entries of a blog: /api/v1/blogs/{slug}/entries…"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpResponse
from ninja import P, PathEx, QueryEx, Router, Status

from bulletin import surrogate
from bulletin.accounts.permissions import Action, can, may_see_entry, require, visible_entries
from bulletin.api import auth, lookups
from bulletin.api.auth import ApiRequest
from bulletin.api.schemas import (
    MAX_ID,
    BulkIn,
    BulkOut,
    EntryCreateIn,
    EntryOut,
    EntryPageOut,
    EntryPatchIn,
    EntryWrittenOut,
    ErrorOut,
    KeyEventIn,
    ScheduleIn,
    TakedownIn,
    TakedownOut,
)
from bulletin.blogs import oembed, search, services
from bulletin.blogs.models import Entry, EntryStatus, LiveBlog, Order
from bulletin.blogs.rendering import entry_json, iso
from bulletin.errors import NotFound, PreconditionRequired, ValidationFailed
from bulletin.numbers import whole_number

router = Router(tags=["entries"])

ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 413, 428)}
EntryId = PathEx[int, P(ge=1, le=MAX_ID)]


def _out(entry: Entry) -> dict[str, Any]:
    return {**entry_json(entry), "html": entry.html}


def _entry(request: ApiRequest, slug: str, entry_id: int) -> Entry:
    """The entry the path names, as the caller may see it (404 otherwise)."""
    return lookups.entry(lookups.blog(slug, request.auth), entry_id, request.auth)


# --- listing with a cursor -------------------------------------------------------------


def _encode_cursor(moment: datetime, entry_id: int) -> str:
    raw = f"{moment.isoformat()}|{entry_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        moment_text, id_text = base64.urlsafe_b64decode(padded).decode().split("|")
        moment = datetime.fromisoformat(moment_text)
        entry_id = whole_number(id_text) or 0
        if moment.tzinfo is None or not 0 < entry_id <= MAX_ID or not 1900 <= moment.year <= 2200:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed.on(
            "cursor", f"must be a next_cursor value from an earlier page, got {cursor[:60]!r}"
        ) from None
    return moment, entry_id


_Q_HELP = (
    "Words to search for (full-text, stemmed): every word must appear; words in double quotes "
    "together and in order; a word ending in * as a prefix. Results come best match first."
)
_DATE_HELP = "{} this day (YYYY-MM-DD, in the blog's time zone), included."
# A search's pages are numbered by position (its order is by relevance, not by time).
_OFFSET = "offset"
MAX_OFFSET = 10_000_000


@router.get("/blogs/{slug}/entries", response={200: EntryPageOut, **ERRORS}, auth=auth.READ)
def list_entries(
    request: ApiRequest,
    response: HttpResponse,
    slug: str,
    cursor: QueryEx[str | None, P(max_length=200, description="next_cursor of a page")] = None,
    limit: QueryEx[int, P(ge=1, le=100)] = 20,
    status: EntryStatus = EntryStatus.PUBLISHED,
    q: QueryEx[str | None, P(max_length=1000, description=_Q_HELP)] = None,
    author: QueryEx[str | None, P(description="Only entries by this person (user id).")] = None,
    key_events: QueryEx[str | None, P(description="1: only key events; 0: no key events.")] = None,
    date_from: QueryEx[str | None, P(description=_DATE_HELP.format("From"))] = None,
    date_to: QueryEx[str | None, P(description=_DATE_HELP.format("To"))] = None,
) -> dict[str, Any]:
    """Entries in the blog's order, a page at a time; the desk may list other statuses.

    With ``q``, the entries containing the words, best matches first (docs/api.md, "Search").
    """
    asked = {"author": author, "key_events": key_events, "date_from": date_from, "date_to": date_to}
    filters = search.read_filters({**asked, "q": q, "status": status.value})
    blog = lookups.blog(slug, request.auth)
    surrogate.tag(response, blog.pk)
    if status != EntryStatus.PUBLISHED:
        require(request.auth, blog, Action.VIEW_DESK)
    if filters.terms:
        return _search_page(request, blog, filters, cursor, limit)
    entries = _page(request, blog, filters, cursor, limit)
    next_cursor = None
    if len(entries) > limit:
        entries = entries[:limit]
        last = entries[-1]
        next_cursor = _encode_cursor(last.sort_time, last.pk)  # type: ignore[attr-defined]
    return {"items": [_out(entry) for entry in entries], "next_cursor": next_cursor}


def _listed(request: ApiRequest, blog: LiveBlog, filters: search.Filters) -> Any:
    # A contributor lists only their own unpublished entries.
    visible = visible_entries(request.auth, blog, Entry.objects.all())
    return (
        search.filtered(blog, visible, filters)
        .select_related("blog", "image")
        .prefetch_related("authors", "contributors__photo")
    )


def _search_page(
    request: ApiRequest, blog: LiveBlog, filters: search.Filters, cursor: str | None, limit: int
) -> dict[str, Any]:
    start = _decode_offset(cursor) if cursor else 0
    entries = search.matching(_listed(request, blog, filters), list(filters.terms))
    page = list(entries.order_by("-search_rank", "-sort_time", "-id")[start : start + limit + 1])
    more = len(page) > limit
    next_cursor = _encode_offset(start + limit) if more else None
    return {"items": [_out(entry) for entry in page[:limit]], "next_cursor": next_cursor}


def _encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_OFFSET}|{offset}".encode()).decode().rstrip("=")


def _decode_offset(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, number = base64.urlsafe_b64decode(padded).decode().split("|")
        offset = whole_number(number)
        if kind != _OFFSET or offset is None or offset > MAX_OFFSET:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed.on(
            "cursor", f"must be a next_cursor value from an earlier page, got {cursor[:60]!r}"
        ) from None
    return offset


def _page(
    request: ApiRequest, blog: LiveBlog, filters: search.Filters, cursor: str | None, limit: int
) -> list[Entry]:
    newest_first = blog.order == Order.NEWEST_FIRST
    entries = _listed(request, blog, filters)
    if cursor:
        moment, entry_id = _decode_cursor(cursor)
        if newest_first:
            entries = entries.filter(Q(sort_time__lt=moment) | Q(sort_time=moment, pk__lt=entry_id))
        else:
            entries = entries.filter(Q(sort_time__gt=moment) | Q(sort_time=moment, pk__gt=entry_id))
    order = ("-sort_time", "-pk") if newest_first else ("sort_time", "pk")
    return list(entries.order_by(*order)[: limit + 1])


# --- several entries at once ----------------------------------------------------------
# Declared before the single-entry routes: "bulk" must not be read as an {entry_id}.


@router.post("/blogs/{slug}/entries/bulk", response={200: BulkOut, **ERRORS}, auth=auth.WRITE)
def bulk_entries(request: ApiRequest, slug: str, payload: BulkIn) -> dict[str, Any]:
    """Unpublish, delete, or mark or unmark as key events up to 200 entries in one
    transaction, each as its single route would; if one may not, nothing changes."""
    blog = lookups.blog(slug, request.auth)
    moved = services.bulk_move(request.auth, blog, payload.entries, payload.action)
    changed = [entry.pk for entry in moved]
    done = set(changed)
    left = [pk for pk in dict.fromkeys(payload.entries) if pk not in done]
    return {"action": payload.action, "changed": changed, "unchanged": left}


# --- single entries --------------------------------------------------------------------


@router.post("/blogs/{slug}/entries", response={201: EntryWrittenOut, **ERRORS}, auth=auth.WRITE)
def create_entry(request: ApiRequest, slug: str, payload: EntryCreateIn) -> Status[dict[str, Any]]:
    """Publish now (default), or save as draft, submit for review, or schedule."""
    blog = lookups.blog(slug, request.auth)
    # Post cards from the providers, if the operator allows: before the write, never in it.
    embed_warnings = oembed.fill_entry_fields(payload, [])
    entry = services.create_entry(
        request.auth,
        blog,
        payload,
        status=payload.status,
        scheduled_for=payload.scheduled_for,
    )
    return Status(201, {**_out(entry), "warnings": payload.body_warnings + embed_warnings})


@router.get("/blogs/{slug}/entries/{entry_id}", response={200: EntryOut, **ERRORS}, auth=auth.READ)
def read_entry(
    request: ApiRequest, response: HttpResponse, slug: str, entry_id: EntryId
) -> dict[str, Any]:
    entry = _entry(request, slug, entry_id)
    response["ETag"] = f'"{entry.revision}"'
    surrogate.tag(response, entry.blog_id, entry.pk)
    return _out(entry)


def _if_match(request: ApiRequest, entry: Entry, did: str = "edited") -> int:
    """The revision the caller worked from (``If-Match``), required: without it a change made
    meanwhile by someone else would be overwritten or published unseen."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired(
            f"send 'If-Match: <revision>' with the revision you {did}; entry {entry.pk} is "
            f"at revision {entry.revision}",
            extra={"current_revision": entry.revision},
        )
    match = re.fullmatch(r'(?:W/)?"?(\d{1,9})"?', header)
    if not match:
        raise ValidationFailed.on(
            "If-Match", f'must be the entry\'s revision number such as "3", got {header[:40]!r}'
        )
    return int(match.group(1))


@router.patch(
    "/blogs/{slug}/entries/{entry_id}", response={200: EntryWrittenOut, **ERRORS}, auth=auth.WRITE
)
def update_entry(
    request: ApiRequest, response: HttpResponse, slug: str, payload: EntryPatchIn, entry_id: EntryId
) -> dict[str, Any]:
    """Edit the fields you send; ``If-Match`` must name the revision you edited (else 409)."""
    entry = _entry(request, slug, entry_id)
    expected = _if_match(request, entry)
    sent = payload.model_fields_set
    embed_warnings = oembed.fill_entry_fields(payload, entry.embeds)
    entry = services.update_entry(
        request.auth,
        entry,
        payload,
        expected_revision=expected,
        correction_note=payload.correction_note if "correction_note" in sent else None,
    )
    response["ETag"] = f'"{entry.revision}"'
    return {**_out(entry), "warnings": payload.body_warnings + embed_warnings}


@router.delete("/blogs/{slug}/entries/{entry_id}", response={204: None, **ERRORS}, auth=auth.WRITE)
def delete_entry(request: ApiRequest, slug: str, entry_id: EntryId) -> Status[None]:
    """Remove the entry from the stream; readers are told it is gone."""
    entry = _entry(request, slug, entry_id)
    services.delete_entry(request.auth, entry)
    return Status(204, None)


def _workflow(name: str, doc: str, action: Any, *, reviewed: bool = False) -> None:
    """Add ``POST …/entries/{id}/{name}``; a ``reviewed`` step (one that publishes what someone
    else may still be changing) needs ``If-Match`` with the revision the caller read."""

    def view(request: ApiRequest, slug: str, entry_id: EntryId) -> dict[str, Any]:
        entry = _entry(request, slug, entry_id)
        if not reviewed:
            return _out(action(request.auth, entry))
        # Who may not publish at all hears that first, not that a header is missing.
        require(request.auth, entry.blog, Action.PUBLISH)
        expected = _if_match(request, entry, "reviewed")
        return _out(action(request.auth, entry, expected_revision=expected))

    view.__name__ = f"{name}_entry"
    view.__doc__ = doc
    router.post(
        f"/blogs/{{slug}}/entries/{{entry_id}}/{name}",
        response={200: EntryOut, **ERRORS},
        auth=auth.WRITE,
    )(view)


_workflow("submit", "Send a draft to the editors' review queue.", services.submit_for_review)
_workflow(
    "approve",
    "Publish a submitted entry as reviewed: ``If-Match`` must name the revision you read "
    "(else 409, or 428 without it).",
    services.approve_entry,
    reviewed=True,
)
_workflow("reject", "Send a submitted entry back to draft.", services.reject_entry)
_workflow(
    "publish",
    "Publish a draft, submitted or scheduled entry now, as reviewed: ``If-Match`` must name "
    "the revision you read (else 409, or 428 without it).",
    services.publish_draft,
    reviewed=True,
)
_workflow("unpublish", "Take a published entry back to draft.", services.unpublish_entry)


@router.post(
    "/blogs/{slug}/entries/{entry_id}/restore", response={200: EntryOut, **ERRORS}, auth=auth.WRITE
)
def restore_entry(request: ApiRequest, slug: str, entry_id: EntryId) -> dict[str, Any]:
    """Bring a deleted entry back as it was (published again if it was published), within
    ``BULLETIN_DESK_RESTORE_DAYS`` of its deletion; a taken-down entry never (409)."""
    blog = lookups.blog(slug, request.auth)
    entry = Entry.objects.select_related("blog").filter(blog=blog, pk=entry_id).first()
    if entry is None or not may_see_entry(request.auth, blog, entry):
        raise NotFound(f"no entry {entry_id} in live blog {blog.slug!r}")
    return _out(services.restore_entry(request.auth, entry))


def _entry_to_take_down(request: ApiRequest, slug: str, entry_id: int) -> Entry:
    """The entry, deleted ones included for those who may take down (a takedown also clears
    what a deletion kept: the revisions' text); for anyone else, as every route finds it."""
    blog = lookups.blog(slug, request.auth)
    if not can(request.auth, blog, Action.TAKE_DOWN):
        return lookups.entry(blog, entry_id, request.auth)
    entry = Entry.objects.select_related("blog").filter(blog=blog, pk=entry_id).first()
    if entry is None:
        raise NotFound(f"no entry {entry_id} in live blog {blog.slug!r}")
    return entry


@router.post(
    "/blogs/{slug}/entries/{entry_id}/takedown",
    response={200: TakedownOut, **ERRORS},
    auth=auth.WRITE,
)
def takedown_entry(
    request: ApiRequest, slug: str, payload: TakedownIn, entry_id: EntryId
) -> dict[str, Any]:
    """Take the entry down for good: its words, images and public history go everywhere,
    readers see it disappear; who, when and why stay on record (owners and editors)."""
    entry = _entry_to_take_down(request, slug, entry_id)
    entry = services.takedown_entry(request.auth, entry, reason=payload.reason)
    by = entry.taken_down_by
    return {
        "id": entry.pk,
        "blog": entry.blog.slug,
        "status": entry.status,
        "taken_down_at": iso(entry.taken_down_at),
        "taken_down_by": {"id": by.pk, "name": by.byline} if by else None,
        "reason": entry.takedown_reason,
    }


@router.post(
    "/blogs/{slug}/entries/{entry_id}/schedule", response={200: EntryOut, **ERRORS}, auth=auth.WRITE
)
def schedule_entry(
    request: ApiRequest, slug: str, payload: ScheduleIn, entry_id: EntryId
) -> dict[str, Any]:
    """Publish automatically at ``scheduled_for``."""
    entry = _entry(request, slug, entry_id)
    return _out(services.schedule_entry(request.auth, entry, payload.scheduled_for))


@router.put(
    "/blogs/{slug}/entries/{entry_id}/key-event",
    response={200: EntryOut, **ERRORS},
    auth=auth.WRITE,
)
def set_key_event(
    request: ApiRequest, slug: str, payload: KeyEventIn, entry_id: EntryId
) -> dict[str, Any]:
    """Mark or unmark the entry as a key event."""
    entry = _entry(request, slug, entry_id)
    return _out(services.set_key_event(request.auth, entry, payload.key_event))


@router.post(
    "/blogs/{slug}/entries/{entry_id}/pin", response={200: EntryOut, **ERRORS}, auth=auth.WRITE
)
def pin_entry(request: ApiRequest, slug: str, entry_id: EntryId) -> dict[str, Any]:
    """Pin the entry under the key points, replacing any pinned entry."""
    blog = lookups.blog(slug, request.auth)
    entry = lookups.entry(blog, entry_id, request.auth)
    services.pin_entry(request.auth, blog, entry)
    return _out(entry)


@router.delete(
    "/blogs/{slug}/entries/{entry_id}/pin", response={204: None, **ERRORS}, auth=auth.WRITE
)
def unpin_entry(request: ApiRequest, slug: str, entry_id: EntryId) -> Status[None]:
    """Unpin the entry (nothing happens if another entry is pinned)."""
    blog = lookups.blog(slug, request.auth)
    entry = lookups.entry(blog, entry_id, request.auth)
    if blog.pinned_entry_id == entry.pk:
        services.pin_entry(request.auth, blog, None)
    else:
        require(request.auth, blog, Action.CURATE)
    return Status(204, None)
