"""What desk and API may ask of the assistant, each behind the permission it needs.

Repeat checks: anyone who may write drafts on the blog. Key-point suggestions (read, accept,
dismiss): those who curate the key points. The threshold: those who configure the blog.
Accepting goes through the key-point service, so the key point reaches readers like any other.
"""

from __future__ import annotations

from bulletin.accounts.permissions import Action, require
from bulletin.assist import keypoints, repeats
from bulletin.assist.compare import says_the_same
from bulletin.assist.models import AssistSettings, DismissedSuggestion, KeyPointSuggestion
from bulletin.assist.text import weighted_terms
from bulletin.blogs import services
from bulletin.blogs.fields import Fields
from bulletin.blogs.fields.kinds import Body, Headline
from bulletin.blogs.models import LiveBlog
from bulletin.blogs.services.common import Actor
from bulletin.errors import NotFound, ValidationFailed


class Draft(Fields):
    """A draft as the composer holds it, within the limits of the entry it would become."""

    headline: Headline = ""
    body: Body = ""


def similar(
    actor: Actor, blog: LiveBlog, headline: str, body: str, *, exclude: int | None = None
) -> list[repeats.Repeat]:
    """Published entries the draft repeats, best first (those at the blog's threshold)."""
    require(actor, blog, Action.WRITE_DRAFT)
    draft = Draft.read({"headline": headline, "body": body})
    return repeats.similar(blog, draft.headline, draft.body, exclude=exclude)


def suggestions(actor: Actor, blog: LiveBlog) -> list[KeyPointSuggestion]:
    """The stored suggestions, less any an editor dismissed or the box already holds."""
    require(actor, blog, Action.CURATE)
    return open_suggestions(blog)


def open_suggestions(blog: LiveBlog) -> list[KeyPointSuggestion]:
    present = [weighted_terms(text) for text in keypoints.current_key_points(blog.pk)]
    dismissed = set(DismissedSuggestion.objects.filter(blog=blog).values_list("key", flat=True))
    found = []
    for suggestion in keypoints.current(blog.pk):
        terms = weighted_terms(suggestion.text)
        if suggestion.key in dismissed or any(says_the_same(p, terms) for p in present):
            continue
        found.append(suggestion)
    return found


def _find(blog: LiveBlog, key: str) -> KeyPointSuggestion:
    found = keypoints.current(blog.pk).filter(key=key).first()
    if found is None:
        raise NotFound(f"no key-point suggestion {key[:64]!r} for this live blog (it may be gone)")
    return found


def accept(actor: Actor, blog: LiveBlog, key: str, text: str | None = None) -> LiveBlog:
    """Add the suggestion (as suggested, or as the editor edited it) to the end of the box."""
    require(actor, blog, Action.CURATE)
    suggestion = _find(blog, key)
    line = suggestion.text if text is None else text
    points: list[str | tuple[str, int | None]] = [
        (point.text, point.entry_id) for point in blog.key_points.all()
    ]
    points.append((line, suggestion.entry_ids[0] if suggestion.entry_ids else None))
    blog = services.set_key_points(actor, blog, points)
    keypoints.mark_due(blog.pk)
    return blog


def dismiss(actor: Actor, blog: LiveBlog, key: str) -> None:
    """Never suggest this line again on this blog."""
    require(actor, blog, Action.CURATE)
    suggestion = _find(blog, key)
    DismissedSuggestion.objects.get_or_create(blog=blog, key=suggestion.key)
    suggestion.delete()


def threshold(actor: Actor, blog: LiveBlog) -> float:
    require(actor, blog, Action.WRITE_DRAFT)
    return repeats.threshold_of(blog)


def set_threshold(actor: Actor, blog: LiveBlog, value: float) -> float:
    """Change the score from which drafts are warned about (0.3 to 1: lower warns more)."""
    require(actor, blog, Action.CONFIGURE)
    if not 0.3 <= value <= 1.0:
        raise ValidationFailed.on("repeat_threshold", f"must be between 0.3 and 1, got {value}")
    AssistSettings.objects.update_or_create(blog=blog, defaults={"repeat_threshold": value})
    return value
