"""Quotes and topics are computed on write, kept in step with edits, and gone with the entry."""

from __future__ import annotations

import pytest

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Change
from bulletin.extract.models import EntryTopic, Quote, Topic
from bulletin.extract.queries import quotes_json, topics_json

pytestmark = pytest.mark.django_db

NULAND = (
    "<p>Victoria Nuland met Nato envoys in Brussels.</p><p>“The door is open,” Nuland said.</p>"
)


def test_publishing_stores_quotes_and_topics_and_the_html_carries_them(room):
    entry = room.publish(NULAND)

    assert quotes_json(room.blog) == [
        {"speaker": "Victoria Nuland", "text": "The door is open", "entry_id": entry.pk}
    ]
    labels = {topic["label"] for topic in topics_json(room.blog)}
    assert labels == {"Victoria Nuland", "NATO", "Brussels"}
    entry.refresh_from_db()
    assert 'data-topics="brussels nato victoria-nuland"' in entry.html
    assert 'data-speakers="victoria-nuland"' in entry.html
    change = Change.objects.filter(entry=entry, kind="entry").latest("seq")
    assert 'data-speakers="victoria-nuland"' in change.payload["html"]


def test_drafts_have_no_quotes_or_topics(room):
    room.make.entry(room.blog, status="draft", body=NULAND)
    assert not Quote.objects.exists()
    assert not EntryTopic.objects.exists()


def test_an_edit_replaces_what_was_read(room):
    entry = room.publish(NULAND)
    services.update_entry(
        room.owner, entry, EntryFields(body="<p>“We wait,” said Antony Blinken in Paris.</p>")
    )
    assert [q["speaker"] for q in quotes_json(room.blog)] == ["Antony Blinken"]
    assert {t["label"] for t in topics_json(room.blog)} == {"Antony Blinken", "Paris"}
    # Names nothing names any more are gone (no editor decided anything about them).
    assert not Topic.objects.filter(name="Victoria Nuland").exists()


@pytest.mark.parametrize("removal", ["delete", "unpublish", "takedown"])
def test_an_entry_that_leaves_the_stream_leaves_quotes_and_topics_at_once(room, removal):
    entry = room.publish(NULAND)
    kept = room.publish("<p>“Talks go on,” said Antony Blinken.</p>")
    if removal == "delete":
        services.delete_entry(room.owner, entry)
    elif removal == "unpublish":
        services.unpublish_entry(room.owner, entry)
    else:
        services.takedown_entry(room.owner, entry, reason="Legal: defamation claim")

    assert [q["entry_id"] for q in quotes_json(room.blog)] == [kept.pk]
    assert all(t["entry_ids"] == [kept.pk] for t in topics_json(room.blog))
    assert not Quote.objects.filter(entry=entry).exists()
    assert not EntryTopic.objects.filter(entry=entry).exists()
    assert not Topic.objects.filter(name="Victoria Nuland").exists()


def test_a_surname_resolves_to_a_name_from_an_earlier_entry(room):
    room.publish("<p>White House spokesperson John Kirby briefed reporters.</p>")
    later = room.publish("<p>“We see no sign of that,” Kirby said.</p>")
    assert quotes_json(room.blog)[0] == {
        "speaker": "John Kirby",
        "text": "We see no sign of that",
        "entry_id": later.pk,
    }
    later.refresh_from_db()
    assert "john-kirby" in later.html


def test_a_surname_quoted_first_is_resolved_once_the_blog_names_the_person(room):
    room.publish("<p>“We see no sign of that,” Kirby said.</p>")
    assert quotes_json(room.blog)[0]["speaker"] == "Kirby"
    room.publish("<p>John Kirby, the White House spokesperson, spoke again.</p>")
    assert quotes_json(room.blog)[-1]["speaker"] == "John Kirby"


def test_an_editors_decision_on_a_quote_survives_an_edit_that_keeps_its_words(room):
    entry = room.publish(NULAND)
    quote = Quote.objects.get(entry=entry)
    quote.rejected = True
    quote.save()
    services.update_entry(room.owner, entry, EntryFields(headline="Nuland in Brussels"))
    assert Quote.objects.get(entry=entry).rejected
    assert quotes_json(room.blog) == []


def test_bulletin_extract_reads_entries_written_without_the_services_again(room):
    from django.core.management import call_command

    from bulletin.blogs.models import Entry, LiveBlog

    entry = room.publish("<p>Nothing to see.</p>")
    # Rows written without the services (a restore, or entries older than this app): unread.
    Entry.objects.filter(pk=entry.pk).update(body=NULAND)
    seq = LiveBlog.objects.get(pk=room.blog.pk).seq

    call_command("extract", room.blog.slug)

    assert [q["speaker"] for q in quotes_json(room.blog)] == ["Victoria Nuland"]
    assert 'data-speakers="victoria-nuland"' in Entry.objects.get(pk=entry.pk).html
    assert LiveBlog.objects.get(pk=room.blog.pk).seq == seq + 1


def test_an_imported_blog_has_its_quotes_and_topics_and_its_html_carries_them(room):
    import io
    import json

    from bulletin.blogs.models import Entry
    from bulletin.blogs.transfer import export_blog, import_blog

    room.publish("<p>Victoria Nuland met Nato envoys in Brussels.</p>")
    room.publish("<p>“The door is open,” Nuland said.</p>")
    out = io.StringIO()
    export_blog(room.blog, out)

    copy = import_blog(json.loads(out.getvalue()), slug="summit-copy").blog

    assert [(q["speaker"], q["text"]) for q in quotes_json(copy)] == [
        ("Victoria Nuland", "The door is open")
    ]
    assert {t["label"] for t in topics_json(copy)} == {"Victoria Nuland", "NATO", "Brussels"}
    first, second = Entry.objects.filter(blog=copy).order_by("display_at", "pk")
    assert 'data-topics="brussels nato victoria-nuland"' in first.html
    assert 'data-speakers="victoria-nuland"' in second.html
    # The change log the import starts carries the same HTML.
    change = Change.objects.filter(entry=second, kind="entry").latest("seq")
    assert 'data-speakers="victoria-nuland"' in change.payload["html"]
