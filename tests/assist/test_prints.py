"""Fingerprints are computed on write and leave with the entry: edit, delete, takedown."""

from __future__ import annotations

import pytest

from bulletin.assist import keypoints, services
from bulletin.assist.models import EntryPrint, KeyPointSuggestion, RepeatBand, SuggestionsDue
from bulletin.blogs import services as blog_services
from bulletin.blogs.fields import EntryFields
from tests.assist.conftest import REWORDED, STORY

pytestmark = pytest.mark.django_db


def _suggested_ids(team) -> set[int]:
    return {
        entry_id
        for ids in KeyPointSuggestion.objects.filter(blog=team.blog).values_list(
            "entry_ids", flat=True
        )
        for entry_id in ids
    }


def test_publishing_stores_a_fingerprint_and_band_keys(team):
    fingerprint = EntryPrint.objects.get(entry=team.story)

    assert fingerprint.sentences[0][0] == STORY["headline"]
    assert RepeatBand.objects.filter(entry=team.story).count() > 0


def test_a_draft_has_no_fingerprint(team, make):
    draft = make.entry(team.blog, status="draft", headline="Not yet", body="<p>Soon.</p>")

    assert not EntryPrint.objects.filter(entry=draft).exists()


def test_an_edit_replaces_the_fingerprint(team):
    blog_services.update_entry(
        team.owner,
        team.story,
        EntryFields.read({"headline": "Harbour closed", "body": "<p>The harbour is shut.</p>"}),
    )

    fingerprint = EntryPrint.objects.get(entry=team.story)
    assert fingerprint.sentences[0][0] == "Harbour closed"
    assert services.similar(team.editor, team.blog, REWORDED["headline"], REWORDED["body"]) == []


@pytest.mark.parametrize("how", ["delete", "unpublish", "takedown"])
def test_an_entry_that_leaves_the_stream_loses_its_fingerprint_and_suggestions_at_once(team, how):
    keypoints.current(team.blog.pk)  # the desk looked: suggestions stored, drawn on the story
    assert team.story.pk in _suggested_ids(team)
    if how == "delete":
        blog_services.delete_entry(team.owner, team.story)
    elif how == "unpublish":
        blog_services.unpublish_entry(team.owner, team.story)
    else:
        blog_services.takedown_entry(team.owner, team.story, reason="Legal: contempt of court")

    assert not EntryPrint.objects.filter(entry=team.story).exists()
    assert not RepeatBand.objects.filter(entry=team.story).exists()
    assert team.story.pk not in _suggested_ids(team)
    assert services.similar(team.editor, team.blog, STORY["headline"], STORY["body"]) == []


def test_the_assist_command_fingerprints_a_blog_again(team):
    from django.core.management import call_command

    EntryPrint.objects.filter(blog=team.blog).delete()
    RepeatBand.objects.filter(blog=team.blog).delete()

    call_command("assist", team.blog.slug)

    assert EntryPrint.objects.filter(blog=team.blog).count() == 2
    assert services.similar(team.editor, team.blog, REWORDED["headline"], REWORDED["body"])


def test_a_publish_leaves_the_suggestions_due_and_the_next_look_computes_them_once(team, make):
    keypoints.current(team.blog.pk)
    assert not SuggestionsDue.objects.filter(blog=team.blog).exists()

    entry = make.entry(
        team.blog,
        headline="Rail",
        body="<p>Network Rail suspended every train between Tamsey and the coast tonight.</p>",
    )

    # The writer's transaction only marked them: the stored ones do not draw on the new entry.
    assert SuggestionsDue.objects.filter(blog=team.blog).exists()
    assert entry.pk not in _suggested_ids(team)
    assert any(entry.pk in s.entry_ids for s in services.suggestions(team.editor, team.blog))
    assert not SuggestionsDue.objects.filter(blog=team.blog).exists()


def test_a_draft_saved_or_deleted_leaves_the_suggestions_alone(team, make):
    keypoints.current(team.blog.pk)
    draft = make.entry(team.blog, status="draft", headline="Not yet", body="<p>Soon.</p>")
    blog_services.delete_entry(team.owner, draft)

    assert not SuggestionsDue.objects.filter(blog=team.blog).exists()
