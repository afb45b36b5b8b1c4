"""Repeat warnings: a reworded copy is caught, a follow-up with real news is not."""

from __future__ import annotations

import pytest

from bulletin.assist import services
from bulletin.assist.models import DEFAULT_REPEAT_THRESHOLD
from bulletin.errors import ValidationFailed
from tests.assist.conftest import FOLLOW_UP, REWORDED, STORY

pytestmark = pytest.mark.django_db


def test_a_reworded_copy_of_a_published_entry_is_warned_about(team):
    found = services.similar(team.editor, team.blog, REWORDED["headline"], REWORDED["body"])

    assert [repeat.entry_id for repeat in found] == [team.story.pk]
    assert found[0].score >= DEFAULT_REPEAT_THRESHOLD
    assert found[0].headline == STORY["headline"]


def test_a_follow_up_with_new_facts_is_not_a_repeat(team):
    found = services.similar(team.editor, team.blog, FOLLOW_UP["headline"], FOLLOW_UP["body"])

    assert found == []


def test_a_repeat_with_one_new_sentence_names_that_sentence(team, make):
    body = STORY["body"] + "<p>Flowers have been left at the scene.</p>"
    services.set_threshold(team.owner, team.blog, 0.3)

    (found,) = services.similar(team.editor, team.blog, STORY["headline"], body)

    assert found.entry_id == team.story.pk
    assert found.new_sentences == ["Flowers have been left at the scene."]


def test_a_new_number_makes_a_sentence_new(team):
    body = STORY["body"].replace("Two people died", "Three people died")

    found = services.similar(team.editor, team.blog, STORY["headline"], body)

    assert found == [] or found[0].new_sentences


def test_an_identical_copy_scores_one_and_has_nothing_new(team):
    (found,) = services.similar(team.editor, team.blog, STORY["headline"], STORY["body"])

    assert found.score == pytest.approx(1.0)
    assert found.new_sentences == []


def test_the_entry_being_edited_is_left_out(team):
    found = services.similar(
        team.editor, team.blog, STORY["headline"], STORY["body"], exclude=team.story.pk
    )

    assert found == []


def test_drafts_and_other_blogs_do_not_count_as_published(team, make):
    other_blog = make.blog()
    make.entry(other_blog, **REWORDED)
    make.entry(team.blog, status="draft", **REWORDED)

    found = services.similar(team.editor, team.blog, REWORDED["headline"], REWORDED["body"])

    assert [repeat.entry_id for repeat in found] == [team.story.pk]


def test_the_threshold_is_a_per_blog_setting(team):
    assert services.threshold(team.contributor, team.blog) == DEFAULT_REPEAT_THRESHOLD
    services.set_threshold(team.owner, team.blog, 1.0)

    found = services.similar(team.editor, team.blog, REWORDED["headline"], REWORDED["body"])

    assert found == []


def test_a_threshold_out_of_range_is_refused(team):
    with pytest.raises(ValidationFailed, match="repeat_threshold"):
        services.set_threshold(team.owner, team.blog, 0.1)


def test_an_empty_draft_matches_nothing(team):
    assert services.similar(team.editor, team.blog, "", "<p> </p>") == []
