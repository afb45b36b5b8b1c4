"""What an owner may set on a live blog, its key points, and the words printed with an image."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from bulletin.blogs.fields.base import Fields
from bulletin.blogs.fields.kinds import (
    Alt,
    Caption,
    Credit,
    Description,
    Id,
    KeyPointText,
    Language,
    Moment,
    Slug,
    TimeZone,
    Title,
    one_of,
)
from bulletin.blogs.models import MAX_KEY_POINTS, LiveBlog, Order

OrderChoice = Annotated[Order, one_of(Order)]


class BlogFields(Fields):
    """What an owner may change on a blog; a field not sent is left as it is."""

    slug: Slug = ""
    title: Title = ""
    description: Description = ""
    language: Language = "en"
    timezone: TimeZone = "UTC"
    order: OrderChoice = Order.NEWEST_FIRST
    cover_image_id: Id | None = None
    coverage_start: Moment | None = None
    coverage_end: Moment | None = None


# The blog's fields that every view of it (header JSON, desk form, export file) copies as they
# are stored; times, the cover and key points each take their view's own form. A new plain
# field is listed here once.
PLAIN_BLOG_FIELDS = ("slug", "title", "description", "language", "timezone", "order")


def plain_blog_fields(blog: LiveBlog) -> dict[str, str]:
    return {name: getattr(blog, name) for name in PLAIN_BLOG_FIELDS}


class NewBlog(BlogFields):
    """A new blog needs its address and title; language and time zone default to the site's."""

    slug: Slug
    title: Title


def at_most_key_points(points: list[Any]) -> list[Any]:
    if len(points) > MAX_KEY_POINTS:
        raise ValueError(f"must hold at most {MAX_KEY_POINTS} points, got {len(points)}")
    return points


class KeyPoint(Fields):
    text: KeyPointText
    entry_id: Id | None = None


class KeyPoints(Fields):
    """The whole key points box, in order: it is always replaced as a whole."""

    key_points: Annotated[
        list[KeyPoint],
        Field(json_schema_extra={"maxItems": MAX_KEY_POINTS}),
        AfterValidator(at_most_key_points),
    ]


class ImageWords(Fields):
    """The words printed with an image (the alt text is required before it is shown)."""

    alt: Alt = ""
    caption: Caption = ""
    credit: Credit = ""
