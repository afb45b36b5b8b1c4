"""The desk's live stream: every change of a blog (drafts and submissions included), who
is editing what, and word that the "Being written" list moved on (bulletin.desk.drafts), for
signed-in members only, each seeing only the entries and drafts they may see.
The stream ends once the viewer's access does (signed out, deactivated, removed).

Readers' streams live in the realtime edge; the desk has a handful of people per blog, so
its stream reads the change log itself and waits on the hub for the next change of the blog
(or polls, outside `bulletin serve`). The change log is the source of truth here too: a
reconnect with Last-Event-ID resumes exactly where it stopped.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.db import close_old_connections
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from bulletin import config
from bulletin.accounts.models import User
from bulletin.accounts.permissions import (
    Action,
    require,
    role_allows,
    role_of,
    visible_entries,
)
from bulletin.blogs.models import Change, Entry, LiveBlog
from bulletin.desk import drafts, presence
from bulletin.desk.forms import is_id
from bulletin.error_responses import error_response
from bulletin.errors import BulletinError, NotFound, RateLimited
from bulletin.realtime import protocol, runtime
from bulletin.realtime.streamcap import StreamCap

# Without a hub to wake it (tests' client, management commands) the stream polls this often.
POLL_SECONDS = 2.0
# With a hub, the change log is read when the hub hears of a change of the blog (a review saw
# 100 streams of one person each polling it every 2 s), and this often besides, should a
# wake-up have been lost (a broker outage; the hub's resync covers only readers' blogs).
LOG_RESYNC_SECONDS = 30.0
# Who is editing what comes from heartbeats (every 10 s), not from the hub: read this often.
# Drafts are not changes of the blog either (no change row, no wake-up): read with it.
PRESENCE_POLL_SECONDS = 5.0
# A stream outlives the page that opened it by hours: before it sends any change, and this
# often when quiet (plus at most one POLL_SECONDS wait), it checks that the viewer is still
# signed in, active and on the team. A desk has a handful of viewers: the queries are cheap.
ACCESS_CHECK_SECONDS = 3.0
BATCH = 200
# A person at their cap of desk streams may try again this soon (a tab may have closed).
DESK_RETRY_SECONDS = 5
# Open desk streams per person in this worker, by the cap in force (tests change it).
_caps: dict[int, StreamCap] = {}


@dataclass(frozen=True)
class Viewer:
    """Who opened the stream, and with which session (to notice signing out)."""

    user: User
    session_key: str | None
    role: str | None


def _admit(user: Any, session_key: str | None, slug: str) -> tuple[LiveBlog, Viewer]:
    close_old_connections()
    blog = LiveBlog.objects.filter(slug=slug).first()
    if blog is None:
        raise NotFound(f"no live blog called {slug!r}")
    require(user, blog, Action.VIEW_DESK)
    return blog, Viewer(user, session_key, role_of(user, blog))


def _still_admitted(viewer: Viewer, blog: LiveBlog) -> Viewer | None:
    """The viewer as they are now, or None once they may no longer watch: the session was
    signed out or expired (or its password changed), the account deactivated, or the
    membership removed."""
    close_old_connections()
    if viewer.session_key is None:
        return None
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(viewer.session_key)
    # The same checks as every request's sign-in: session present and unexpired, its
    # password hash still the user's, the user still active.
    user = auth.get_user(request)
    if not user.is_authenticated or user.pk != viewer.user.pk:
        return None
    role = role_of(user, blog)
    if not role_allows(role, Action.VIEW_DESK):
        return None
    return Viewer(viewer.user, viewer.session_key, role)


def _hidden_from(viewer: Viewer, blog: LiveBlog, entry_ids: set[int]) -> set[int]:
    # A contributor's stream carries no word of a colleague's unpublished entry (not even
    # its id or who works on it): the desk's one visibility rule, as on every desk page.
    if not entry_ids:
        return set()
    shown = visible_entries(
        viewer.user, blog, Entry.objects.filter(pk__in=entry_ids), role=viewer.role
    ).values_list("pk", flat=True)
    return entry_ids - set(shown)


def _changes_after(viewer: Viewer, blog: LiveBlog, after: int) -> list[dict[str, Any]]:
    close_old_connections()
    rows = list(
        Change.objects.filter(blog_id=blog.pk, seq__gt=after)
        .select_related("actor")
        .order_by("seq")[:BATCH]
    )
    # What readers were told is no secret; anything else of a hidden entry is left out.
    private = {row.entry_id for row in rows if not row.public and row.entry_id is not None}
    hidden = _hidden_from(viewer, blog, private)
    return [
        {
            "seq": row.seq,
            "kind": row.kind,
            "action": row.action,
            "public": row.public,
            "entry_id": row.entry_id,
            "actor": row.actor.byline if row.actor else None,
            "actor_id": row.actor_id,
            "shown": row.public or row.entry_id not in hidden,
        }
        for row in rows
    ]


def _editors(viewer: Viewer, blog: LiveBlog) -> dict[str, list[str]]:
    close_old_connections()
    editing = presence.editors_of(blog)
    hidden = _hidden_from(viewer, blog, set(editing))
    return {str(entry_id): names for entry_id, names in editing.items() if entry_id not in hidden}


def _drafts_signature(viewer: Viewer, blog: LiveBlog) -> str:
    close_old_connections()
    return drafts.signature(drafts.being_written(blog, viewer.user, viewer.role))


def _frame(event: str, data: dict[str, Any], event_id: int | None = None) -> bytes:
    return protocol.sse(event, protocol.dumps(data), event_id)


def _since(request: HttpRequest, blog: LiveBlog) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("since", "")
    if is_id(raw):
        return int(raw)
    return blog.seq


async def _stream(blog: LiveBlog, since: int, viewer: Viewer) -> AsyncIterator[bytes]:
    yield protocol.STREAM_START
    last = since
    shown: dict[str, list[str]] | None = None
    # The page came with its list of drafts: only a list that differs from none is worth a
    # word at first (the page compares the signature with the one it shows).
    drafts_shown = ""
    keepalive = config.current.SSE_KEEPALIVE_SECONDS
    quiet_since = checked = time.monotonic()
    read_log, log_read_at, presence_at = True, 0.0, -PRESENCE_POLL_SECONDS
    heard = 0  # the hub's latest seq of the blog when the log was last read
    while True:
        changes: list[dict[str, Any]] = []
        if read_log or time.monotonic() - log_read_at >= LOG_RESYNC_SECONDS:
            hub = runtime.hub()
            heard = hub.heard_of(blog.pk) if hub is not None else 0
            changes = await sync_to_async(_changes_after, thread_sensitive=False)(
                viewer, blog, last
            )
            read_log, log_read_at = False, time.monotonic()
        # Before anything is sent (and every few seconds when nothing is): is the viewer
        # still signed in, active and on the team, and in which role?
        if changes or time.monotonic() - checked >= ACCESS_CHECK_SECONDS:
            now = await sync_to_async(_still_admitted, thread_sensitive=False)(viewer, blog)
            checked = time.monotonic()
            if now is None:
                # Said once so the page can stop reconnecting; a reconnect would be refused.
                yield _frame("closed", {"reason": "your access to this desk has ended"})
                return
            if now.role != viewer.role:
                viewer = now
                read_log = True
                continue  # what the new role may see, read again
        for change in changes:
            last = change["seq"]
            if not change.pop("shown"):
                continue
            change["mine"] = change.pop("actor_id") == viewer.user.pk
            yield _frame("change", change, last)
            quiet_since = time.monotonic()
        if len(changes) == BATCH:
            read_log = True
            continue
        if time.monotonic() - presence_at >= PRESENCE_POLL_SECONDS:
            editors = await sync_to_async(_editors, thread_sensitive=False)(viewer, blog)
            listed = await sync_to_async(_drafts_signature, thread_sensitive=False)(viewer, blog)
            presence_at = time.monotonic()
            if editors != shown:
                shown = editors
                yield _frame("presence", {"editing": editors})
            if listed != drafts_shown:
                drafts_shown = listed
                yield _frame("drafts", {"signature": listed})
        if time.monotonic() - quiet_since >= keepalive:
            yield protocol.KEEPALIVE
            quiet_since = time.monotonic()
        hub = runtime.hub()
        if hub is None:
            await asyncio.sleep(POLL_SECONDS)
            read_log = True
        elif hub.heard_of(blog.pk) > heard:
            read_log = True  # a change came while the log was read or presence looked at
        else:
            # Woken by a change, or on time for the access check and presence.
            read_log = await hub.wait_for_change(
                blog.pk, min(ACCESS_CHECK_SECONDS, PRESENCE_POLL_SECONDS)
            )


async def _holding_slot(
    stream: AsyncIterator[bytes], release: Callable[[], object]
) -> AsyncIterator[bytes]:
    # The person's desk-stream slot goes back when the stream ends, however it ends (a
    # response never started is only collected: the finalizer covers that).
    try:
        async for chunk in stream:
            yield chunk
    finally:
        release()


def _desk_streams(limit: int) -> StreamCap:
    cap = _caps.get(limit)
    if cap is None:
        cap = _caps[limit] = StreamCap(limit)
    return cap


@require_GET
async def desk_events(request: HttpRequest, slug: str) -> HttpResponseBase:
    """``GET /desk/{slug}/events``: Server-Sent Events for the desk (sign-in required)."""
    user = await request.auser()
    try:
        blog, viewer = await sync_to_async(_admit, thread_sensitive=False)(
            user, request.session.session_key, slug
        )
    except BulletinError as error:
        return error_response(error)
    # One person's open desk streams (tabs), per worker: each holds a task and a thread's
    # database turns every few seconds.
    cap = _desk_streams(config.current.DESK_STREAMS_PER_USER)
    key = f"user:{viewer.user.pk}"
    if not cap.take(key):
        refused = RateLimited.after(
            DESK_RETRY_SECONDS,
            f"too many open desk streams of yours: at most {cap.limit}; close a desk tab",
        )
        return error_response(refused)
    stream = _stream(blog, _since(request, blog), viewer)
    release = weakref.finalize(stream, cap.give_back, key)
    response = StreamingHttpResponse(
        _holding_slot(stream, release), content_type="text/event-stream"
    )
    # One person's view of the desk: never kept by a browser cache or a proxy.
    response["Cache-Control"] = "private, no-store"
    response["X-Accel-Buffering"] = "no"
    return response
