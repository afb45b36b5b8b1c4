"""A live blog holding one of everything an export must carry, built through the services."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from bulletin.accounts.models import Role, User
from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields, EntryFields
from bulletin.blogs.media import save_image
from bulletin.blogs.models import Entry, LiveBlog, Media
from bulletin.blogs.services import describe_image
from tests.factories import Factory


def picture_upload(size: tuple[int, int] = (700, 400), color: str = "teal") -> Any:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


def image_for(owner: User, blog: LiveBlog, alt: str, color: str = "teal") -> Media:
    media = save_image(owner, blog, picture_upload(color=color))
    return describe_image(
        owner, blog, media, alt=alt, caption=f"{alt}, at noon", credit="Jonas Berg"
    )


@dataclass
class RichBlog:
    blog: LiveBlog
    owner: User
    editor: User
    contributor: User
    published: Entry
    tombstone: Entry
    draft: Entry
    submitted: Entry
    scheduled: Entry
    linked: Entry
    cover: Media
    photo: Media


def rich_blog(make: Factory, slug: str = "flood-live") -> RichBlog:
    """Drafts, a submission, a schedule, a tombstone, edits with a correction, two authors, a
    pin, key points linked to entries, a cover and an entry image, three members."""
    owner = make.user(
        "amira", is_staff=True, display_name="Amira Haddad", email="amira@example.org"
    )
    blog = make.blog(owner, slug=slug, title="Flood: live updates", description="The river.")
    editor = make.member(blog, Role.EDITOR, "jonas")
    User.objects.filter(pk=editor.pk).update(first_name="Jonas", last_name="Berg")
    contributor = make.member(blog, Role.CONTRIBUTOR, "lea")
    cover = image_for(owner, blog, "The river at dawn")
    photo = image_for(owner, blog, "Sandbags on the quay", color="orange")
    blog = services.update_blog(
        owner, blog, BlogFields(cover_image_id=cover.pk, timezone="Europe/Berlin", language="de")
    )
    published = services.publish_entry(
        owner,
        blog,
        EntryFields(
            headline="Water levels rising",
            body='<p>The <a href="https://example.com/gauge">gauge</a> reads 7.2 m.</p>',
            author_ids=[owner.pk, editor.pk],
            image_id=photo.pk,
            embed_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            related_url="https://example.com/story",
            related_title="The full story",
            key_event=True,
            breaking=True,
        ),
    )
    published = services.update_entry(
        editor,
        published,
        EntryFields(body="<p>The gauge reads 7.4 m.</p>"),
        correction_note="An earlier version gave the wrong level.",
    )
    tombstone = make.entry(blog, owner, headline="Posted by mistake")
    services.delete_entry(owner, tombstone)
    draft = make.entry(blog, contributor, status="draft", headline="Draft: the mayor speaks")
    submitted = make.entry(blog, contributor, status="draft", headline="For review: roads")
    services.submit_for_review(contributor, submitted)
    scheduled = services.create_entry(
        owner,
        blog,
        EntryFields(headline="Briefing at five", body="<p>Watch here.</p>"),
        status="scheduled",
        scheduled_for=timezone.now() + timedelta(days=2),
    )
    linked = make.entry(blog, editor, headline="Evacuation ordered", body="<p>Go north.</p>")
    services.set_key_event(editor, linked, True)
    services.pin_entry(owner, blog, published)
    services.set_key_points(
        owner, blog, [("Levels at a record", published.pk), ("Leave the old town", linked.pk)]
    )
    services.set_key_points(
        owner,
        blog,
        [
            ("Levels at a record", published.pk),
            ("Schools closed", None),
            ("Leave the old town", linked.pk),
        ],
    )
    return RichBlog(
        blog=LiveBlog.objects.get(pk=blog.pk),
        owner=owner,
        editor=editor,
        contributor=contributor,
        published=Entry.objects.get(pk=published.pk),
        tombstone=Entry.objects.get(pk=tombstone.pk),
        draft=Entry.objects.get(pk=draft.pk),
        submitted=Entry.objects.get(pk=submitted.pk),
        scheduled=Entry.objects.get(pk=scheduled.pk),
        linked=Entry.objects.get(pk=linked.pk),
        cover=cover,
        photo=photo,
    )
