"""Full-text search over entries (bulletin.blogs.search), on SQLite FTS5 and PostgreSQL: the
index follows every write, words are stemmed, phrases and prefixes behave as documented
(docs/desk.md, "Finding"), and nothing a person types reaches the engine's query syntax."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from bulletin.blogs import search, services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Entry, EntryStatus, LiveBlog
from bulletin.errors import ValidationFailed
from tests.factories import Factory

pytestmark = pytest.mark.django_db


def found(blog: LiveBlog, text: str, **filters: str) -> list[str]:
    wanted = search.read_filters({"q": text, **filters})
    return [entry.headline for entry in search.find(blog, Entry.objects.all(), wanted)]


@pytest.fixture
def blog(make: Factory) -> LiveBlog:
    return make.blog()


def test_words_are_found_in_headline_standfirst_and_body_with_markup_left_out(
    make: Factory, blog: LiveBlog
) -> None:
    make.entry(blog, headline="Ferry cancelled", body="<p>The <strong>harbour</strong> shut.</p>")
    make.entry(blog, headline="Bridge open", subtitle="Harbour traffic resumes")
    make.entry(blog, headline="Weather", body='<p><a href="https://example.org/strong">x</a></p>')

    assert sorted(found(blog, "harbour")) == ["Bridge open", "Ferry cancelled"]
    # Tag names and link addresses are markup, not words of the entry.
    assert found(blog, "strong") == []
    assert found(blog, "example") == []


def test_stemming_joins_forms_of_a_word(make: Factory, blog: LiveBlog) -> None:
    make.entry(blog, headline="Flooding in the valley")
    make.entry(blog, headline="Roads closed")

    assert found(blog, "floods") == ["Flooding in the valley"]
    assert found(blog, "closing") == ["Roads closed"]


def test_every_word_must_appear(make: Factory, blog: LiveBlog) -> None:
    make.entry(blog, headline="Ferry cancelled at noon")
    make.entry(blog, headline="Ferry running late")

    assert found(blog, "ferry cancelled") == ["Ferry cancelled at noon"]


def test_a_quoted_phrase_needs_its_words_together_in_order(make: Factory, blog: LiveBlog) -> None:
    make.entry(blog, headline="Water levels rising fast")
    make.entry(blog, headline="Levels of water unchanged")

    assert found(blog, '"water levels"') == ["Water levels rising fast"]
    assert sorted(found(blog, "water levels")) == [
        "Levels of water unchanged",
        "Water levels rising fast",
    ]


def test_a_word_ending_in_a_star_matches_as_a_prefix(make: Factory, blog: LiveBlog) -> None:
    make.entry(blog, headline="Evacuation ordered")
    make.entry(blog, headline="Evening update")

    assert found(blog, "evac*") == ["Evacuation ordered"]
    assert found(blog, "evac") == []


def test_headline_matches_rank_above_body_matches(make: Factory, blog: LiveBlog) -> None:
    make.entry(blog, headline="Council meeting", body="<p>The levee was discussed.</p>")
    make.entry(blog, headline="Levee breached", body="<p>Water over the top.</p>")

    assert found(blog, "levee") == ["Levee breached", "Council meeting"]


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"unclosed phrase',
        "*",
        "water*:*",
        "NEAR(water levels)",
        "water NEAR levels",
        "-water",
        "headline:water",
        "water OR levels",
        "NOT water",
        "AND",
        "(",
        "')|| pg_sleep(1) --",
        "'; DROP TABLE blogs_entry; --",
        "water & !levels <-> x:*",
        "^water",
        "{headline}: water",
        "\x00",
        "🌊 water",
        "ß" * 500,
    ],
)
def test_what_anyone_types_is_searched_for_never_run(
    make: Factory, blog: LiveBlog, text: str
) -> None:
    make.entry(blog, headline="Water levels rising")

    result = found(blog, text)

    assert result in ([], ["Water levels rising"])
    assert Entry.objects.filter(blog=blog).count() == 1


def test_syntax_words_are_searched_as_words(make: Factory, blog: LiveBlog) -> None:
    make.entry(blog, headline="Near the quay")
    make.entry(blog, headline="Far away")

    assert found(blog, "near") == ["Near the quay"]
    assert found(blog, "NEAR") == ["Near the quay"]


def test_the_index_follows_edits_deletes_and_takedowns(make: Factory, blog: LiveBlog) -> None:
    owner = make.owner_of(blog)
    entry = make.entry(blog, headline="Tanker aground")
    assert found(blog, "tanker") == ["Tanker aground"]

    entry = services.update_entry(owner, entry, EntryFields.read({"headline": "Barge aground"}))
    assert found(blog, "tanker") == []
    assert found(blog, "barge") == ["Barge aground"]

    services.delete_entry(owner, entry)
    assert found(blog, "barge") == []
    assert found(blog, "barge", status="deleted") == ["Barge aground"]

    services.takedown_entry(owner, Entry.objects.get(pk=entry.pk), reason="Legal advice")
    assert found(blog, "barge", status="deleted") == []


def _ids(blog: LiveBlog, text: str) -> list[int]:
    wanted = search.read_filters({"q": text})
    return [entry.pk for entry in search.find(blog, Entry.objects.all(), wanted)]


def test_an_entry_that_is_only_a_post_is_found_by_the_words_its_card_quotes(
    make: Factory, blog: LiveBlog
) -> None:
    post = {
        "url": "https://x.com/hmcoastguard/status/1751234567890123456",
        "author": "HM Coastguard",
        "handle": "@hmcoastguard",
        "description": "Stay away from the harbour wall.",
    }
    entry = make.entry(blog, headline="", body="", embeds=[post])

    assert _ids(blog, "coastguard") == [entry.pk]
    assert _ids(blog, '"harbour wall"') == [entry.pk]
    assert _ids(blog, "hmcoastguard") == [entry.pk]
    # Its address is no word of the entry, as a link's address in the text is not.
    assert _ids(blog, "status") == []


def test_the_index_follows_an_edit_of_the_embeds_and_a_takedown(
    make: Factory, blog: LiveBlog
) -> None:
    owner = make.owner_of(blog)
    video = {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "Surge at the quay"}
    entry = make.entry(blog, headline="Watch", embeds=[video])
    assert _ids(blog, "surge") == [entry.pk]

    retitled = {**video, "title": "Waves over the pier"}
    entry = services.update_entry(owner, entry, EntryFields.read({"embeds": [retitled]}))
    assert _ids(blog, "surge") == []
    assert _ids(blog, "pier") == [entry.pk]

    services.takedown_entry(owner, entry, reason="Copyright claim")
    assert found(blog, "pier", status="deleted") == []


def test_rows_written_in_bulk_are_indexed(blog: LiveBlog) -> None:
    Entry.objects.bulk_create(
        Entry(blog=blog, headline=f"Bulk {n}", body="<p>Imported words</p>", status="published")
        for n in range(3)
    )

    assert len(found(blog, "imported")) == 3


def test_a_search_stays_in_its_blog(make: Factory, blog: LiveBlog) -> None:
    other = make.blog()
    make.entry(other, headline="Secret harbour plan", status=EntryStatus.DRAFT)

    assert found(blog, "harbour") == []


@pytest.mark.parametrize(
    ("params", "field", "said"),
    [
        ({"date_from": "yesterday"}, "date_from", "'yesterday'"),
        ({"date_to": "2026-13-01"}, "date_to", "'2026-13-01'"),
        ({"status": "gone"}, "status", "'gone'"),
        ({"author": "anna"}, "author", "'anna'"),
        ({"key_events": "maybe"}, "key_events", "'maybe'"),
    ],
)
def test_a_bad_filter_is_refused_naming_field_expected_and_received(
    params: dict[str, str], field: str, said: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        search.read_filters(params)

    assert field in refused.value.fields
    assert said in refused.value.message
    assert "expected" in refused.value.message


def test_a_date_range_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        search.read_filters({"date_from": "2026-12-03", "date_to": "2026-12-01"})

    assert set(refused.value.fields) == {"date_from", "date_to"}


def test_the_index_exists_after_migrating() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                ["blogs_entry_search_%"],
            )
            assert cursor.fetchone()[0] == 3
        else:
            cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'blogs_entry_search'")
            assert cursor.fetchone()[0] == 1


def test_dates_are_days_of_the_blogs_time_zone(make: Factory) -> None:
    blog = make.blog(timezone="Pacific/Auckland")
    entry = make.entry(blog, headline="Late night")
    assert entry.display_at is not None
    day = entry.display_at.astimezone(ZoneInfo("Pacific/Auckland")).date()

    assert found(blog, "", date_from=day.isoformat(), date_to=day.isoformat()) == ["Late night"]
    assert found(blog, "", date_to=date.fromordinal(day.toordinal() - 1).isoformat()) == []
