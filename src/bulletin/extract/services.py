"""Every editor decision about quotes and topics, and the reader switches.

Each function checks the permission (:mod:`bulletin.accounts.permissions`), validates its
input, locks the blog and writes, then appends one ``blog`` change: the reader page is kept per
``(blog, seq)`` (:mod:`bulletin.reader.cache`), so what readers see of quotes and topics must
move the seq on to be rendered again; no reader ever causes that work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import transaction

from bulletin.accounts.permissions import Action, require
from bulletin.blogs.changelog import append_change, lock_blog
from bulletin.blogs.models import Activity, ChangeKind, LiveBlog
from bulletin.blogs.rendering import blog_json
from bulletin.blogs.services.common import Actor, acting_user
from bulletin.errors import InvalidState, NotFound, ValidationFailed
from bulletin.extract.models import LABEL_MAX, Quote, ReaderSwitches, Topic
from bulletin.text import clean_line

T = TypeVar("T")


def _decide(actor: Actor, blog: LiveBlog, write: Callable[[LiveBlog], T]) -> T:
    with transaction.atomic():
        locked = lock_blog(blog.pk)
        require(actor, locked, Action.CHECK_QUOTES_TOPICS)
        result = write(locked)
        append_change(
            locked,
            ChangeKind.BLOG,
            {"blog": blog_json(locked)},
            action=Activity.BLOG_UPDATED,
            actor=acting_user(actor),
        )
    return result


def _label(field: str, value: str) -> str:
    text = clean_line(field, " ".join(value.split()))
    if not text:
        raise ValidationFailed.on(field, "must not be empty")
    if len(text) > LABEL_MAX:
        raise ValidationFailed.on(field, f"must be at most {LABEL_MAX} characters, got {len(text)}")
    return text


def set_switches(
    actor: Actor, blog: LiveBlog, *, quotes: bool | None = None, topics: bool | None = None
) -> ReaderSwitches:
    """Show or hide the "Who said what" panel and the topic chips on the reader page."""

    def write(locked: LiveBlog) -> ReaderSwitches:
        switches, _ = ReaderSwitches.objects.get_or_create(blog=locked)
        if quotes is not None:
            switches.quotes_public = quotes
        if topics is not None:
            switches.topics_public = topics
        switches.save()
        return switches

    return _decide(actor, blog, write)


def _quote(blog: LiveBlog, quote_id: int) -> Quote:
    quote = Quote.objects.select_for_update().filter(pk=quote_id, blog=blog).first()
    if quote is None:
        raise NotFound(f"no quote {quote_id} in live blog {blog.slug!r}")
    return quote


def reject_quote(actor: Actor, blog: LiveBlog, quote_id: int, *, rejected: bool = True) -> Quote:
    """Keep a wrongly read quotation from readers (or bring it back)."""

    def write(locked: LiveBlog) -> Quote:
        quote = _quote(locked, quote_id)
        quote.rejected = rejected
        quote.save(update_fields=["rejected"])
        return quote

    return _decide(actor, blog, write)


def fix_speaker(actor: Actor, blog: LiveBlog, quote_id: int, speaker: str) -> Quote:
    """Say who really said it; an empty speaker goes back to what the rules read."""
    name = _label("speaker", speaker) if speaker.strip() else ""

    def write(locked: LiveBlog) -> Quote:
        quote = _quote(locked, quote_id)
        quote.fixed_speaker = "" if name == quote.speaker else name
        quote.save(update_fields=["fixed_speaker"])
        return quote

    return _decide(actor, blog, write)


def _topic(blog: LiveBlog, topic_id: int) -> Topic:
    topic = Topic.objects.select_for_update().filter(pk=topic_id, blog=blog).first()
    if topic is None:
        raise NotFound(f"no topic {topic_id} in live blog {blog.slug!r}")
    return topic


def rename_topic(actor: Actor, blog: LiveBlog, topic_id: int, label: str) -> Topic:
    """Give a topic the label readers see; an empty label goes back to the name found."""
    cleaned = _label("label", label) if label.strip() else ""

    def write(locked: LiveBlog) -> Topic:
        topic = _topic(locked, topic_id)
        topic.label = "" if cleaned == topic.name else cleaned
        topic.save(update_fields=["label"])
        return topic

    return _decide(actor, blog, write)


def hide_topic(actor: Actor, blog: LiveBlog, topic_id: int, *, hidden: bool = True) -> Topic:
    """Keep a topic off the reader page and the topics API (or show it again)."""

    def write(locked: LiveBlog) -> Topic:
        topic = _topic(locked, topic_id)
        topic.hidden = hidden
        topic.save(update_fields=["hidden"])
        return topic

    return _decide(actor, blog, write)


def merge_topic(actor: Actor, blog: LiveBlog, topic_id: int, into_id: int | None) -> Topic:
    """Fold a topic into another ("Nato" into "NATO"); ``into_id`` None takes it apart again."""

    def write(locked: LiveBlog) -> Topic:
        topic = _topic(locked, topic_id)
        if into_id is None:
            topic.merged_into = None
        else:
            root = _topic(locked, into_id)
            while root.merged_into_id is not None and root.pk != topic.pk:
                root = Topic.objects.get(pk=root.merged_into_id)
            if root.pk == topic.pk:
                raise InvalidState(f"topic {topic.shown_label!r} cannot be merged into itself")
            topic.merged_into = root
            # What was merged into this topic follows it.
            Topic.objects.filter(merged_into=topic).update(merged_into=root)
        topic.save(update_fields=["merged_into"])
        return topic

    return _decide(actor, blog, write)
