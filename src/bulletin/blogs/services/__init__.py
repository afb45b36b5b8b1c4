"""Every write to live blogs, entries and key points.

Each public function checks permissions (:mod:`bulletin.accounts.permissions`), validates its
input before touching the database, then runs one transaction that writes the rows, takes the
blog's next ``seq`` and appends one :class:`~bulletin.blogs.models.Change`. The change is
announced (:mod:`bulletin.blogs.events`) only after commit.
"""

from bulletin.blogs.services.blogs import (
    archive_blog,
    create_blog,
    end_coverage,
    go_live,
    set_key_points,
    update_blog,
)
from bulletin.blogs.services.bulk import BULK_MAX, BULK_MOVES, bulk_move
from bulletin.blogs.services.common import Actor
from bulletin.blogs.services.contributors import (
    create_contributor,
    delete_contributor,
    update_contributor,
)
from bulletin.blogs.services.entries import (
    approve_entry,
    create_entry,
    delete_entry,
    pin_entry,
    publish_draft,
    publish_due,
    publish_entry,
    reject_entry,
    restore_entry,
    save_draft,
    schedule_entry,
    set_key_event,
    submit_for_review,
    unpublish_entry,
    update_entry,
)
from bulletin.blogs.services.media import describe_image
from bulletin.blogs.services.takedown import takedown_entry

__all__ = [
    "BULK_MAX",
    "BULK_MOVES",
    "Actor",
    "approve_entry",
    "archive_blog",
    "bulk_move",
    "create_blog",
    "create_contributor",
    "create_entry",
    "delete_contributor",
    "delete_entry",
    "describe_image",
    "end_coverage",
    "go_live",
    "pin_entry",
    "publish_draft",
    "publish_due",
    "publish_entry",
    "reject_entry",
    "restore_entry",
    "save_draft",
    "schedule_entry",
    "set_key_event",
    "set_key_points",
    "submit_for_review",
    "takedown_entry",
    "unpublish_entry",
    "update_blog",
    "update_contributor",
    "update_entry",
]
