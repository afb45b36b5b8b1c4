"""Helpers for domain tests: what the change log gained, and proof that nothing was written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bulletin.accounts.models import Membership
from bulletin.blogs.models import Change, Entry, EntryRevision, KeyPoint, LiveBlog


def seq_of(blog: LiveBlog) -> int:
    """The blog's seq as stored (the object a test holds may be stale)."""
    return LiveBlog.objects.values_list("seq", flat=True).get(pk=blog.pk)


def the_one_change_after(blog: LiveBlog, seq: int) -> Change:
    """Assert the blog gained exactly one change, numbered ``seq + 1``, and return it."""
    changes = list(Change.objects.filter(blog_id=blog.pk, seq__gt=seq).order_by("seq"))
    assert [change.seq for change in changes] == [seq + 1]
    assert seq_of(blog) == seq + 1
    change = changes[0]
    assert change.payload["seq"] == change.seq
    return change


def fingerprint() -> dict[str, Any]:
    """Everything a service could write, in a form two calls can compare."""
    return {
        "blogs": list(
            LiveBlog.objects.order_by("pk").values_list(
                "pk",
                "seq",
                "status",
                "slug",
                "title",
                "timezone",
                "pinned_entry_id",
                "coverage_start",
                "coverage_end",
                "updated_at",
            )
        ),
        "entries": list(
            Entry.objects.order_by("pk").values_list(
                "pk",
                "status",
                "revision",
                "headline",
                "body",
                "html",
                "is_key_event",
                "scheduled_for",
                "display_at",
                "edited_at",
                "correction_note",
                "updated_at",
            )
        ),
        "revisions": list(EntryRevision.objects.order_by("pk").values_list("pk", "revision")),
        "changes": list(Change.objects.order_by("pk").values_list("pk", "blog_id", "seq")),
        "key_points": list(KeyPoint.objects.order_by("pk").values_list("pk", "text")),
        "members": list(Membership.objects.order_by("pk").values_list("pk", "role")),
    }


@contextmanager
def writes_nothing() -> Iterator[None]:
    """Assert that the block leaves every row as it found it (use around a refused call)."""
    before = fingerprint()
    yield
    assert fingerprint() == before
