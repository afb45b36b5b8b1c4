"""Live blogs, their entries, key points, media and the change log readers follow.

Only :mod:`bulletin.blogs.services` writes these tables (see docs/architecture.md):
every change a reader can see appends one :class:`Change` with the blog's next ``seq`` in the
same transaction as the change itself.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.timezone import now

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
HEADLINE_MAX = 300
SUBTITLE_MAX = 300
TITLE_MAX = 200
KEY_POINT_MAX = 280
MAX_KEY_POINTS = 12
GUEST_BYLINE_MAX = 200
CONTRIBUTOR_NAME_MAX = 120
CONTRIBUTOR_ROLE_MAX = 120


class BlogStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    LIVE = "live", "Live"
    ENDED = "ended", "Ended"
    ARCHIVED = "archived", "Archived"


class Order(models.TextChoices):
    NEWEST_FIRST = "newest_first", "Newest first"
    OLDEST_FIRST = "oldest_first", "Oldest first"


class Media(models.Model):
    """An uploaded image with the words a newsroom must print beside it."""

    file = models.CharField(max_length=500, help_text="Path under MEDIA_ROOT.")
    alt = models.CharField(max_length=500)
    caption = models.CharField(max_length=1000, blank=True)
    credit = models.CharField(max_length=300, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # {"480": "path-480.webp", ...}: responsive variants for srcset, by width in pixels.
    variants = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name_plural = "media"

    def __str__(self) -> str:
        return self.alt or self.file


class LiveBlog(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=TITLE_MAX)
    description = models.TextField(blank=True, help_text="Standfirst shown under the title.")
    cover_image = models.ForeignKey(
        Media, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=16, default="en")
    timezone = models.CharField(max_length=64, default="UTC")
    order = models.CharField(max_length=20, choices=Order.choices, default=Order.NEWEST_FIRST)
    status = models.CharField(max_length=20, choices=BlogStatus.choices, default=BlogStatus.DRAFT)
    coverage_start = models.DateTimeField(null=True, blank=True)
    coverage_end = models.DateTimeField(null=True, blank=True)
    # The last change's sequence number: the SSE event id, the ETag, the polling cursor.
    seq = models.BigIntegerField(default=0)
    pinned_entry = models.ForeignKey(
        "Entry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return self.title


class KeyPoint(models.Model):
    """One bullet of the "Key points" box; the list is replaced as a whole."""

    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="key_points")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=KEY_POINT_MAX)
    entry = models.ForeignKey(
        "Entry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Optional entry the bullet links to.",
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["blog", "position"], name="key_point_position"),
        ]

    def __str__(self) -> str:
        return self.text


class Contributor(models.Model):
    """Someone an entry may credit who has no account: a stringer, a guest writer, a
    correspondent of a partner paper. Each blog's owners keep its list (name, role, photo)."""

    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="contributors")
    name = models.CharField(max_length=CONTRIBUTOR_NAME_MAX)
    role = models.CharField(max_length=CONTRIBUTOR_ROLE_MAX, blank=True)
    photo = models.ForeignKey(
        Media, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["blog", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    DELETED = "deleted", "Deleted"


class Entry(models.Model):
    """One timestamped update. Deleting keeps the row as a tombstone readers are told about."""

    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="entries")
    headline = models.CharField(max_length=HEADLINE_MAX, blank=True)
    subtitle = models.CharField(
        max_length=SUBTITLE_MAX, blank=True, help_text="Standfirst shown under the headline."
    )
    body = models.TextField(blank=True, help_text="Sanitised HTML.")
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="entries", blank=True)
    contributors = models.ManyToManyField(Contributor, related_name="entries", blank=True)
    # Free text printed after the people: an agency ("Reuters") or "Staff and agencies".
    guest_byline = models.CharField(max_length=GUEST_BYLINE_MAX, blank=True)
    image = models.ForeignKey(
        Media, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Posts, videos and link cards, in order: each {"provider": "x", "url", "id", "frame_url",
    # "title", "description", "author", "handle", "date"} (bulletin.blogs.embeds.Embed). One
    # whose URL is a paragraph of the body on its own shows there; the rest follow the text.
    embeds = models.JSONField(default=list, blank=True)
    related_url = models.URLField(max_length=1000, blank=True)
    related_title = models.CharField(max_length=300, blank=True)
    is_key_event = models.BooleanField(default=False)
    is_breaking = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    display_at = models.DateTimeField(
        null=True, blank=True, help_text="The time readers see; set when first published."
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text="Last edit after publication, shown as 'Updated'."
    )
    correction_note = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=1)
    # A takedown (legal, safety) removes the words everywhere; who, when and why stay on record.
    taken_down_at = models.DateTimeField(null=True, blank=True)
    taken_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    takedown_reason = models.TextField(blank=True)
    # Rendered once on write so that a page or a reader never renders an entry.
    html = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["blog", "status", "-display_at", "-id"], name="entry_stream"),
            models.Index(fields=["status", "scheduled_for"], name="entry_due"),
        ]

    def __str__(self) -> str:
        return self.headline or f"Entry {self.pk}"

    @property
    def is_public(self) -> bool:
        return self.status == EntryStatus.PUBLISHED

    @property
    def embed(self) -> dict[str, str]:
        """The first embed ({} for none): what entries held before they could have several,
        and what the API's ``embed`` and ``embed_*`` fields still mean."""
        return self.embeds[0] if self.embeds else {}

    # is_public as a query filter (the permission rules use it without importing this module).
    PUBLIC: ClassVar[models.Q] = models.Q(status=EntryStatus.PUBLISHED)


class EntryRevision(models.Model):
    """A copy of an entry as it was at one revision, kept whenever the entry changes."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    headline = models.CharField(max_length=HEADLINE_MAX, blank=True)
    body = models.TextField(blank=True)
    # Everything else the entry held at this revision (flags, embed, authors, links).
    data = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=EntryStatus.choices)
    correction_note = models.TextField(blank=True)
    # Set by a takedown: the text stays for the blog's owners (the legal record), nobody else.
    withheld = models.BooleanField(default=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["entry", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "revision"], name="one_row_per_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} r{self.revision}"


class ChangeKind(models.TextChoices):
    ENTRY = "entry", "Entry published or changed"
    DELETE = "delete", "Entry removed from the stream"
    BLOG = "blog", "Blog, key points or pinned entry changed"
    END = "end", "Coverage ended"
    # Desk-only: a draft, submission or schedule that readers must not see.
    DESK = "desk", "Editorial change (desk only)"


class Activity(models.TextChoices):
    """What a change did, in the words of the desk's activity log ("Anna published …")."""

    BLOG_CREATED = "blog.created", "created the live blog"
    BLOG_UPDATED = "blog.updated", "changed the live blog's settings"
    WENT_LIVE = "blog.live", "started live coverage"
    ENDED = "blog.ended", "ended coverage"
    ARCHIVED = "blog.archived", "archived the live blog"
    KEY_POINTS = "blog.key_points", "updated the key points"
    # The header (pinned copy, key-point links) following an entry that changed or left.
    HEADER_FOLLOWED = "blog.header_followed", "updated the pinned entry and key points to match"
    PINNED = "entry.pinned", "pinned"
    UNPINNED = "entry.unpinned", "unpinned the pinned entry"
    PUBLISHED = "entry.published", "published"
    DRAFTED = "entry.drafted", "saved a draft"
    SUBMITTED = "entry.submitted", "submitted for review"
    APPROVED = "entry.approved", "approved and published"
    REJECTED = "entry.rejected", "sent back to its writer"
    SCHEDULED = "entry.scheduled", "scheduled"
    PUBLISHED_ON_SCHEDULE = "entry.published_on_schedule", "published on schedule"
    EDITED = "entry.edited", "edited"
    UNPUBLISHED = "entry.unpublished", "unpublished"
    DELETED = "entry.deleted", "deleted"
    RESTORED = "entry.restored", "restored"
    TAKEN_DOWN = "entry.taken_down", "took down"
    KEY_EVENT_ON = "entry.key_event", "marked as a key event"
    KEY_EVENT_OFF = "entry.not_key_event", "unmarked as a key event"


class Change(models.Model):
    """One row per change, numbered by the blog's ``seq``: what readers replay to catch up."""

    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="changes")
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    # Public changes go to readers; desk changes only to members of the blog.
    public = models.BooleanField(default=True)
    action = models.CharField(max_length=40, choices=Activity.choices, blank=True)
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    # What readers need, rendered once at write time (HTML and JSON), so reading never renders.
    payload = models.JSONField(default=dict)
    # Superseded: a later change of the same entry (or of the blog's header) replaced this one,
    # or a takedown removed it. Its payload is emptied in that same transaction and readers who
    # replay the log skip it: they get the present, never the past (docs/architecture.md).
    redacted = models.BooleanField(default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["blog", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["blog", "seq"], name="one_change_per_seq"),
        ]
        indexes = [
            # What supersession looks up on every public write: the current header change.
            models.Index(
                fields=["blog", "kind"],
                condition=models.Q(redacted=False, public=True),
                name="change_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blog_id}#{self.seq} {self.kind}"
