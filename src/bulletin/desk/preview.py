"""The composer's live preview: an unsaved entry rendered by the same code as the reader page."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone

from bulletin.accounts.models import User
from bulletin.blogs.models import Entry, EntryStatus, LiveBlog, Media
from bulletin.blogs.rendering import entry_json, render_entry_html
from bulletin.blogs.services.common import require_usable_image
from bulletin.desk.forms import read_entry_form


@dataclass(frozen=True)
class Preview:
    html: str
    warnings: list[str]  # what the sanitiser removed or changed in the body, in words


def preview_html(blog: LiveBlog, post: QueryDict, user: User) -> str:
    """What readers would see if this form were published now (nothing is saved)."""
    return preview(blog, post, user).html


def preview(blog: LiveBlog, post: QueryDict, user: User) -> Preview:
    """The entry as readers would see it, and what saving would remove from its body."""
    form = read_entry_form(post, blog, editing="revision" in post)
    values = form.fields.attributes([])
    author_ids = values.pop("author_ids", None)
    contributor_ids = values.pop("contributor_ids", None) or []
    if author_ids is None:  # as saving would: the writer, unless someone else is credited
        author_ids = [] if contributor_ids or values.get("guest_byline") else [user.pk]
    image_id = values.pop("image_id", None)
    require_usable_image(user, blog, "image_id", image_id)
    now = timezone.now()
    # An editor's corrected display time (edit form) stands; otherwise it would show now.
    values["display_at"] = values.get("display_at") or now
    entry = Entry(blog=blog, status=EntryStatus.PUBLISHED, created_at=now, **values)
    if image_id is not None:
        image = Media.objects.filter(pk=image_id).first()
        if image is not None:
            # Show the words as typed, not as last saved.
            image.alt = form.image.alt
            image.caption = form.image.caption
            image.credit = form.image.credit
            entry.image = image
    authors = list(User.objects.filter(pk__in=author_ids))
    contributors = list(blog.contributors.filter(pk__in=contributor_ids).select_related("photo"))
    data = entry_json(entry, authors=authors, contributors=contributors)
    return Preview(render_entry_html(entry, data), form.fields.body_warnings)
