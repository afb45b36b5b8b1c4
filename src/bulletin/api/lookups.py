"""Find the blog or entry a request names, as the caller is allowed to see it."""

from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser

from bulletin.accounts.models import User
from bulletin.accounts.permissions import Action, can, may_see_entry
from bulletin.blogs.models import SLUG_PATTERN, Entry, EntryStatus, LiveBlog
from bulletin.blogs.queries import PUBLIC_BLOG_STATUSES
from bulletin.errors import NotFound

Caller = User | AnonymousUser


def blog(slug: str, caller: Caller) -> LiveBlog:
    """The blog called ``slug``; drafts exist only for their members."""
    found = None
    if len(slug) <= 100 and re.fullmatch(SLUG_PATTERN, slug):
        found = (
            LiveBlog.objects.select_related("pinned_entry", "cover_image").filter(slug=slug).first()
        )
    if found is None or (
        found.status not in PUBLIC_BLOG_STATUSES and not can(caller, found, Action.VIEW_DESK)
    ):
        raise NotFound(f"no live blog called {slug[:100]!r}")
    return found


def entry(blog: LiveBlog, entry_id: int, caller: Caller) -> Entry:
    """An entry of the blog; unpublished ones exist only for those who may see them
    (:func:`~bulletin.accounts.permissions.may_see_entry`), deleted ones not at all."""
    found = (
        Entry.objects.select_related("blog", "image")
        .prefetch_related("authors", "contributors__photo")
        .filter(blog=blog, pk=entry_id)
        .exclude(status=EntryStatus.DELETED)
        .first()
    )
    # A colleague's draft is "not found" for a contributor too: no 403 that confirms it exists.
    if found is None or not may_see_entry(caller, blog, found):
        raise NotFound(f"no entry {entry_id} in live blog {blog.slug!r}")
    return found
