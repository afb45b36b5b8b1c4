"""Editors' decisions: who may make them, what they refuse, and that each one moves the blog's
seq on (the reader page is kept per seq and must render again)."""

from __future__ import annotations

import pytest

from bulletin.blogs.models import Change, LiveBlog
from bulletin.errors import (
    InvalidState,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from bulletin.extract import services
from bulletin.extract.models import Quote, ReaderSwitches, Topic

pytestmark = pytest.mark.django_db

BODY = "<p>Nato envoys met in Brussels.</p><p>“The door is open,” said Victoria Nuland.</p>"


def _seq(blog) -> int:
    return LiveBlog.objects.get(pk=blog.pk).seq


def test_each_decision_appends_one_public_blog_change(room):
    room.publish(BODY)
    quote = Quote.objects.get()
    topic = Topic.objects.get(name="NATO")
    for decide in (
        lambda: services.set_switches(room.owner, room.blog, quotes=True),
        lambda: services.reject_quote(room.owner, room.blog, quote.pk),
        lambda: services.fix_speaker(room.owner, room.blog, quote.pk, "V. Nuland"),
        lambda: services.rename_topic(room.owner, room.blog, topic.pk, "Nato"),
        lambda: services.hide_topic(room.owner, room.blog, topic.pk),
    ):
        before = _seq(room.blog)
        decide()
        assert _seq(room.blog) == before + 1
        change = Change.objects.get(blog=room.blog, seq=before + 1)
        assert (change.kind, change.public) == ("blog", True)


@pytest.mark.parametrize("role", ["contributor", None])
def test_only_editors_and_owners_decide(room, role):
    room.publish(BODY)
    someone = room.make.member(room.blog, role) if role else room.make.user()
    before = _seq(room.blog)
    with pytest.raises(PermissionDenied):
        services.set_switches(someone, room.blog, quotes=True)
    with pytest.raises(NotAuthenticated):
        services.hide_topic(None, room.blog, Topic.objects.first().pk)
    assert _seq(room.blog) == before
    assert not ReaderSwitches.objects.filter(quotes_public=True).exists()


def test_an_editor_decides(room):
    room.publish(BODY)
    editor = room.make.member(room.blog, "editor")
    services.set_switches(editor, room.blog, topics=True)
    assert ReaderSwitches.objects.get(blog=room.blog).topics_public


def test_bad_input_is_refused_and_changes_nothing(room, make):
    room.publish(BODY)
    topic = Topic.objects.get(name="NATO")
    before = _seq(room.blog)
    with pytest.raises(ValidationFailed, match="label: must be at most 200 characters, got 201"):
        services.rename_topic(room.owner, room.blog, topic.pk, "x" * 201)
    with pytest.raises(ValidationFailed, match="control characters"):
        services.rename_topic(room.owner, room.blog, topic.pk, "Na\u0007to")
    with pytest.raises(NotFound):
        services.reject_quote(room.owner, room.blog, 999_999)
    other = make.blog()
    with pytest.raises(NotFound):  # a topic of another blog is no topic of this one
        services.hide_topic(make.owner_of(other), other, topic.pk)
    assert _seq(room.blog) == before
    assert Topic.objects.get(pk=topic.pk).label == ""


def test_merges_fold_into_one_topic_and_never_into_themselves(room):
    room.publish(BODY)
    nato, brussels, nuland = (
        Topic.objects.get(name=name) for name in ("NATO", "Brussels", "Victoria Nuland")
    )
    services.merge_topic(room.owner, room.blog, brussels.pk, nato.pk)
    services.merge_topic(room.owner, room.blog, nato.pk, nuland.pk)
    # What was merged into NATO follows it.
    assert Topic.objects.get(pk=brussels.pk).merged_into_id == nuland.pk
    with pytest.raises(InvalidState):
        services.merge_topic(room.owner, room.blog, nuland.pk, brussels.pk)
    services.merge_topic(room.owner, room.blog, brussels.pk, None)
    assert Topic.objects.get(pk=brussels.pk).merged_into_id is None


def test_renaming_back_to_the_found_name_clears_the_rename(room):
    room.publish(BODY)
    topic = Topic.objects.get(name="NATO")
    services.rename_topic(room.owner, room.blog, topic.pk, "Nato")
    services.rename_topic(room.owner, room.blog, topic.pk, "NATO")
    assert Topic.objects.get(pk=topic.pk).label == ""
