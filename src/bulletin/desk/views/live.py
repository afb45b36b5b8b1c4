"""The desk's live stream: every change of a blog (drafts and submissions included) and who
is editing what, for signed-in members only.

Readers' streams live in the realtime edge; the desk has a handful of people per blog, so
its stream reads the change log itself and waits on the hub for the next change of the blog
(or polls, outside `bulletin serve`). The change log is the source of truth here too: a
reconnect with Last-Event-ID resumes exactly where it stopped.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from bulletin.accounts.permissions import Action, require
from bulletin.blogs.models import Change, LiveBlog
from bulletin.desk import presence
from bulletin.desk.forms import is_id
from bulletin.errors import BulletinError, NotAuthenticated, NotFound
from bulletin.realtime import runtime

# Without a hub to wake it (tests' client, management commands) the stream polls this often;
# with one, this is how often presence is looked at when nothing else happens.
POLL_SECONDS = 2.0
BATCH = 200


def _admit(user: Any, slug: str) -> LiveBlog:
    close_old_connections()
    blog = LiveBlog.objects.filter(slug=slug).first()
    if blog is None:
        raise NotFound(f"no live blog called {slug!r}")
    require(user, blog, Action.VIEW_DESK)
    return blog


def _changes_after(blog_id: int, after: int) -> list[dict[str, Any]]:
    close_old_connections()
    rows = (
        Change.objects.filter(blog_id=blog_id, seq__gt=after)
        .select_related("actor")
        .order_by("seq")[:BATCH]
    )
    return [
        {
            "seq": row.seq,
            "kind": row.kind,
            "action": row.action,
            "public": row.public,
            "entry_id": row.entry_id,
            "actor": row.actor.byline if row.actor else None,
            "actor_id": row.actor_id,
        }
        for row in rows
    ]


def _editors(blog: LiveBlog) -> dict[str, list[str]]:
    close_old_connections()
    return {str(entry_id): names for entry_id, names in presence.editors_of(blog).items()}


def _frame(event: str, data: dict[str, Any], event_id: int | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data)}\n\n".encode()


def _since(request: HttpRequest, blog: LiveBlog) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("since", "")
    if is_id(raw):
        return int(raw)
    return blog.seq


async def _stream(blog: LiveBlog, since: int, user_id: int) -> AsyncIterator[bytes]:
    yield b"retry: 2000\n\n"
    last = since
    shown: dict[str, list[str]] | None = None
    keepalive = settings.BULLETIN["SSE_KEEPALIVE_SECONDS"]
    quiet_since = time.monotonic()
    while True:
        changes = await sync_to_async(_changes_after, thread_sensitive=False)(blog.pk, last)
        for change in changes:
            last = change["seq"]
            change["mine"] = change.pop("actor_id") == user_id
            yield _frame("change", change, last)
            quiet_since = time.monotonic()
        if len(changes) == BATCH:
            continue
        editors = await sync_to_async(_editors, thread_sensitive=False)(blog)
        if editors != shown:
            shown = editors
            yield _frame("presence", {"editing": editors})
        if time.monotonic() - quiet_since >= keepalive:
            yield b": keepalive\n\n"
            quiet_since = time.monotonic()
        hub = runtime.hub()
        if hub is None:
            await asyncio.sleep(POLL_SECONDS)
        else:
            await hub.wait_for_change(blog.pk, POLL_SECONDS)


@require_GET
async def desk_events(request: HttpRequest, slug: str) -> HttpResponseBase:
    """``GET /desk/{slug}/events``: Server-Sent Events for the desk (sign-in required)."""
    user = await request.auser()
    try:
        blog = await sync_to_async(_admit, thread_sensitive=False)(user, slug)
    except BulletinError as error:
        status = 401 if isinstance(error, NotAuthenticated) else error.status
        return JsonResponse(error.as_dict(), status=status)
    response = StreamingHttpResponse(
        _stream(blog, _since(request, blog), int(user.pk or 0)), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
