"""Suggested key points: extractive, linked to their entries, approved by an editor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bulletin.assist import keypoints, services
from bulletin.assist.models import KeyPointSuggestion
from bulletin.blogs.models import KEY_POINT_MAX, Change, ChangeKind, KeyPoint
from bulletin.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def _texts(team) -> list[str]:
    return [s.text for s in services.suggestions(team.editor, team.blog)]


def test_suggestions_are_sentences_of_the_entries_each_linked_to_its_sources(team):
    found = services.suggestions(team.editor, team.blog)

    assert found
    bodies = {team.story.pk: team.story.body, team.other.pk: team.other.body}
    for suggestion in found:
        assert len(suggestion.text) <= KEY_POINT_MAX
        assert suggestion.entry_ids
        assert suggestion.text in bodies[suggestion.entry_ids[0]]


def test_sentences_that_lean_on_context_or_ask_are_not_suggested(team, make):
    make.entry(
        team.blog,
        headline="Mayor speaks",
        body="<p>He said the town would recover quickly from the storm damage.</p>"
        "<p>Will the harbour wall hold at the evening high tide tonight?</p>",
    )

    texts = _texts(team)

    assert not any(text.startswith("He said") or text.endswith("?") for text in texts)


def test_entries_saying_the_same_thing_are_listed_together(team, make):
    copy = make.entry(team.blog, headline="Ferries off", body=team.other.body)

    linked = [s.entry_ids for s in services.suggestions(team.editor, team.blog)]

    assert any(set(ids) == {team.other.pk, copy.pk} for ids in linked)


def test_key_events_weigh_more(team, make):
    now = timezone.now()
    plain = make.entry(
        team.blog,
        headline="Bridge",
        body="<p>Engineers closed the Tamsey Bridge after cracks appeared in its deck.</p>",
        display_at=now,
    )
    key = make.entry(
        team.blog,
        headline="Rail",
        body="<p>Coastway Rail suspended every train between Kessport and Dunmere.</p>",
        display_at=now,
        key_event=True,
    )
    ranked = [c.entry_ids[0] for c in keypoints.compute(team.blog.pk)]

    assert ranked.index(key.pk) < ranked.index(plain.pk)


def test_only_the_last_hours_are_considered(team, make):
    make.entry(
        team.blog,
        headline="Later",
        body="<p>The weather office lifted the red wind warning for the whole south coast.</p>",
        display_at=timezone.now() + keypoints.WINDOW + timedelta(hours=1),
    )

    ids = {i for s in services.suggestions(team.editor, team.blog) for i in s.entry_ids}

    assert team.story.pk not in ids


def test_accepting_adds_a_key_point_readers_see_and_removes_the_suggestion(team):
    suggestion = services.suggestions(team.editor, team.blog)[0]
    seq = team.blog.seq

    blog = services.accept(team.editor, team.blog, suggestion.key)

    point = KeyPoint.objects.get(blog=blog)
    assert (point.text, point.entry_id) == (suggestion.text, suggestion.entry_ids[0])
    change = Change.objects.filter(blog=blog, seq__gt=seq).get(kind=ChangeKind.BLOG)
    assert change.public
    assert change.payload["blog"]["key_points"][0]["text"] == suggestion.text
    assert suggestion.key not in {s.key for s in services.suggestions(team.editor, team.blog)}


def test_an_edited_line_is_accepted_as_edited(team):
    suggestion = services.suggestions(team.editor, team.blog)[0]

    services.accept(team.editor, team.blog, suggestion.key, "Two killed on Marine Parade")

    assert list(KeyPoint.objects.values_list("text", flat=True)) == ["Two killed on Marine Parade"]


def test_a_dismissed_suggestion_does_not_come_back(team, make):
    suggestion = services.suggestions(team.editor, team.blog)[0]

    services.dismiss(team.editor, team.blog, suggestion.key)
    make.entry(team.blog, headline="Roads", body="<p>Coast road reopened to traffic.</p>")

    assert suggestion.key not in {s.key for s in services.suggestions(team.editor, team.blog)}
    assert KeyPointSuggestion.objects.filter(blog=team.blog, key=suggestion.key).count() == 0


def test_only_curators_see_or_act_on_suggestions(team):
    key = services.suggestions(team.editor, team.blog)[0].key

    for user in (team.contributor, team.stranger):
        with pytest.raises(PermissionDenied):
            services.suggestions(user, team.blog)
        with pytest.raises(PermissionDenied):
            services.accept(user, team.blog, key)
        with pytest.raises(PermissionDenied):
            services.dismiss(user, team.blog, key)
    assert not KeyPoint.objects.exists()


def test_an_unknown_suggestion_is_not_found(team):
    with pytest.raises(NotFound):
        services.accept(team.editor, team.blog, "no-such-key")


def test_a_key_point_cut_at_a_clause_when_the_sentence_is_too_long():
    sentence = (
        "Police have ordered the evacuation of three hundred homes along the seafront because "
        "of the risk of flooding at high tide, and a rest centre has opened at the town hall "
        "for those who cannot stay with family or friends, the council said in a statement "
        "issued this morning, adding that buses would run every half hour from the promenade."
    )

    line = keypoints.fit(sentence)

    assert line is not None
    assert len(line) <= KEY_POINT_MAX
    assert sentence.startswith(line.removesuffix("."))
