"""Public pages: the live blog, older updates, and one entry in context.

Pages are rendered once per change (see :mod:`bulletin.reader.cache`), carry the blog's seq
as their ETag, and may be cached by a CDN for a second.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
)
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.static import serve as serve_file

from bulletin import config, security, surrogate
from bulletin.blogs.dates import time_label
from bulletin.blogs.models import BlogStatus, Entry, LiveBlog
from bulletin.blogs.queries import FEED_CACHE_CONTROL, etag_matches
from bulletin.blogs.rendering import blog_json, stand_in_title
from bulletin.error_responses import error_response
from bulletin.errors import ValidationFailed
from bulletin.links import absolute_url
from bulletin.numbers import MAX_ID, describe, whole_number
from bulletin.reader import embedding, feeds, seo, stream
from bulletin.reader import home as home_index
from bulletin.reader.cache import BlogHead, live_etag, live_page_key, pages
from bulletin.reader.catch_up import summary as catch_up_summary


def home(request: HttpRequest) -> HttpResponse:
    """The newsroom's index of live and recent blogs (reader/home.py), cached like the rest."""
    fingerprint = home_index.fingerprint()
    etag = f'"home-{fingerprint}"'
    headers = {"ETag": etag, "Cache-Control": FEED_CACHE_CONTROL}
    if etag_matches(request.headers.get("If-None-Match"), etag):
        return HttpResponse(status=304, headers=headers)
    body = pages().page(("home", fingerprint), _render_home)
    return HttpResponse(body, content_type="text/html; charset=utf-8", headers=headers)


def favicon(request: HttpRequest) -> HttpResponse:
    """The site's icon at the address browsers try by themselves."""
    return HttpResponsePermanentRedirect(static("reader/favicon.svg"))


def _render_home() -> bytes:
    context = {"index": home_index.index(), "newsroom": config.current.PUBLISHER_NAME}
    return render_to_string("reader/home.html", context).encode()


def _cached_response(
    request: HttpRequest,
    etag: str,
    render_body: Any,
    key: tuple[Any, ...],
    keys: tuple[str, ...],
) -> HttpResponse:
    headers = {"ETag": etag, "Cache-Control": FEED_CACHE_CONTROL, **surrogate.headers(keys)}
    if etag_matches(request.headers.get("If-None-Match"), etag):
        return HttpResponse(status=304, headers=headers)
    body = pages().page(key, render_body)
    return HttpResponse(body, content_type="text/html; charset=utf-8", headers=headers)


def _head(slug: str) -> BlogHead:
    head = pages().head(slug)
    if head is None:
        raise Http404(f"no live blog called {slug!r}")
    return head


def _entry_id(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    entry_id = whole_number(raw, limit=MAX_ID)
    if not entry_id:
        raise ValueError(describe(raw))
    return entry_id


def live_page(request: HttpRequest, slug: str) -> HttpResponse:
    head = _head(slug)
    try:
        before = _entry_id(request.GET.get("before"))
    except ValueError as exc:
        return HttpResponseBadRequest(
            f"before must be the id of an entry (ASCII digits), got {exc}".encode()
        )
    return _cached_response(
        request,
        live_etag(head.seq, before),
        lambda: _render_live(head, before),
        live_page_key(head.id, head.seq, before),
        surrogate.keys_for(head.id),
    )


@xframe_options_exempt
def embed_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The live blog made to sit in an iframe on another site (see the embed snippet);
    ``?limit=N`` makes it the compact widget of the latest N entries (reader/embedding.py)."""
    head = _head(slug)
    try:
        options = embedding.options_from(request.GET)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc).encode())
    response = _cached_response(
        request,
        f'"{head.seq}-embed{options.etag_suffix}"',
        lambda: _render_live(head, None, embedded=True, embed=options),
        ("embed", head.id, head.seq, *options.cache_key),
        surrogate.keys_for(head.id),
    )
    # The pages' policy (django-csp), with the sites allowed to frame this one.
    response._csp_replace = security.embed_frame_ancestors()  # type: ignore[attr-defined]
    return response


def entry_page(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    head = _head(slug)
    return _cached_response(
        request,
        f'"{head.seq}-e{entry_id}"',
        lambda: _render_entry(head, entry_id),
        ("entry", head.id, head.seq, entry_id),
        surrogate.keys_for(head.id, entry_id),
    )


def catch_up(request: HttpRequest, slug: str) -> HttpResponse:
    """What a returning reader missed since the seq their browser remembers (catch_up.py)."""
    head = _head(slug)
    raw = request.GET.get("since", "")
    since = whole_number(raw, limit=MAX_ID)
    if since is None:
        got = describe(raw)
        return error_response(
            ValidationFailed.on("since", f"must be a seq of this blog (ASCII digits), got {got}")
        )
    since = min(since, head.seq)  # a seq from before a restore: nothing is new
    return _blog_document(
        request,
        head,
        f"c{since}",
        ("catch-up", head.id, head.seq, since),
        lambda: json.dumps(catch_up_summary(_blog(head), since)).encode(),
        "application/json",
    )


def _blog_document(
    request: HttpRequest,
    head: BlogHead,
    variant: str,
    cache_key: tuple[object, ...],
    render: Callable[[], bytes],
    content_type: str,
) -> HttpResponse:
    """A document about the whole blog (a feed, a catch-up answer) that changes only with the
    blog's seq: one ETag per seq and variant, rendered once per seq for every reader."""
    etag = f'"{head.seq}-{variant}"'
    headers = {
        "ETag": etag,
        "Cache-Control": FEED_CACHE_CONTROL,
        **surrogate.headers(surrogate.keys_for(head.id)),
    }
    if etag_matches(request.headers.get("If-None-Match"), etag):
        return HttpResponse(status=304, headers=headers)
    body = pages().page(cache_key, render)
    return HttpResponse(body, content_type=content_type, headers=headers)


def _blog(head: BlogHead) -> LiveBlog:
    return LiveBlog.objects.select_related("pinned_entry", "cover_image").get(pk=head.id)


def _render_live(
    head: BlogHead,
    before: int | None,
    *,
    embedded: bool = False,
    embed: embedding.EmbedOptions | None = None,
) -> bytes:
    blog = _blog(head)
    anchor = None
    if before is not None:
        anchor = stream.published_entry(blog, before)
        if anchor is None:
            raise Http404(f"no entry {before} in this live blog")
    if embed is not None and embed.limit is not None:
        shown = embedding.compact_page(blog, embed.limit)
    else:
        shown = stream.page(blog, anchor)
    return _render(
        blog,
        shown,
        page_path=reverse("reader:live", args=[blog.slug]),
        entry=None,
        older_page=before is not None,
        embedded=embedded,
        embed=embed,
    )


def _render_entry(head: BlogHead, entry_id: int) -> bytes:
    blog = _blog(head)
    entry = stream.published_entry(blog, entry_id)
    if entry is None:
        raise Http404(f"no entry {entry_id} in this live blog")
    shown = stream.page(blog, entry, including=True)
    page_path = reverse("reader:entry", args=[blog.slug, entry.pk])
    return _render(blog, shown, page_path=page_path, entry=entry, older_page=True)


def _render(
    blog: LiveBlog,
    shown: stream.StreamPage,
    *,
    page_path: str,
    entry: Entry | None,
    older_page: bool,
    embedded: bool = False,
    embed: embedding.EmbedOptions | None = None,
    static_copy: bool = False,
) -> bytes:
    zone = ZoneInfo(blog.timezone)
    data = blog_json(blog)
    title = blog.title
    description = blog.description
    if entry is not None:
        # Plain text, unescaped once (seo.text_of): the template escapes it for HTML, and
        # plain_text's own escaping would show as "AT&amp;T".
        named = entry.headline or seo.excerpt(entry.body, 90) or stand_in_title(entry)
        title = f"{named} | {blog.title}"
        description = seo.excerpt(entry.body, 300) or blog.description
    context = {
        "blog": blog,
        "blog_data": data,
        "days": shown.days,
        "older_cursor": shown.older_cursor,
        "older_page": older_page,
        "focus": entry,
        "page_title": title,
        "description": description,
        "canonical": absolute_url(page_path),
        "updated_at": timezone.localtime(blog.updated_at, zone),
        "updated_label": time_label(blog.updated_at, blog.timezone, blog.language),
        "live": blog.status == BlogStatus.LIVE,
        "events_url": f"{reverse('reader:events', args=[blog.slug])}?since={blog.seq}",
        "changes_url": reverse("reader:changes", args=[blog.slug]),
        "embedded": embedded,
        "embed_options": embed or embedding.EmbedOptions(),
        "static_copy": static_copy,
        "embed_snippet": embedding.snippet(blog),
        "compact_embed_snippet": embedding.snippet(blog, embedding.SUGGESTED_LIMIT),
        "json_ld": seo.json_ld_script(
            seo.live_blog_posting(
                blog,
                shown.entries,
                page_url=absolute_url(page_path),
                live_url=absolute_url(reverse("reader:live", args=[blog.slug])),
            )
        ),
        "open_graph": [
            (name, content, name.startswith("twitter:"))
            for name, content in seo.open_graph(
                blog,
                url=page_path,
                title=title,
                description=description,
                image_url=_share_image(blog, entry),
            )
        ],
        "feeds": {
            "atom": feeds.feed_url(blog, "atom"),
            "rss": feeds.feed_url(blog, "rss"),
            "json": feeds.feed_url(blog, "json"),
        },
    }
    with translation.override(blog.language), timezone.override(zone):
        return render_to_string("reader/live.html", context).encode()


def render_static_page(blog: LiveBlog, shown: stream.StreamPage) -> bytes:
    """The live page as a file to keep (``bulletin archive``): no live script, no embed code."""
    return _render(
        blog,
        shown,
        page_path=reverse("reader:live", args=[blog.slug]),
        entry=None,
        older_page=False,
        static_copy=True,
    )


def _share_image(blog: LiveBlog, entry: Entry | None) -> str | None:
    if entry is not None and entry.image is not None:
        return seo.media_url(entry.image)
    return seo.media_url(blog.cover_image)


# --- feeds -------------------------------------------------------------------------------

_FEED_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}


def feed(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """Atom, RSS or JSON Feed of the blog; ``?key_events=1`` for key events only."""
    head = _head(slug)
    key_events = request.GET.get("key_events") in {"1", "true", "yes"}
    return _blog_document(
        request,
        head,
        f"{kind}{'-k' if key_events else ''}",
        ("feed", head.id, head.seq, kind, key_events),
        lambda: _render_feed(head, kind, key_events),
        _FEED_TYPES[kind],
    )


def _render_feed(head: BlogHead, kind: str, key_events: bool) -> bytes:
    blog = _blog(head)
    entries = feeds.feed_entries(blog, key_events)
    with translation.override(blog.language):
        if kind == "atom":
            return feeds.atom(blog, entries, key_events_only=key_events)
        if kind == "rss":
            return feeds.rss(blog, entries, key_events_only=key_events)
        data = feeds.json_feed(blog, entries, key_events_only=key_events)
        return json.dumps(data, ensure_ascii=False).encode()


def answered_by_edge(request: HttpRequest, slug: str) -> HttpResponse:
    """The stream and the changes feed: the realtime edge answers them before Django, so a
    request that gets here was served without the edge (reader:events, reader:changes)."""
    raise Http404("live streams are answered by the realtime edge, which is not running here")


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded images, for a single machine. Behind nginx the proxy serves the media folder
    itself (docs/deploy.md) and this view is never reached."""
    return serve_file(request, path, document_root=str(settings.MEDIA_ROOT))
