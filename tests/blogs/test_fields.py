"""The field models: refusals name the field, what was expected and what came."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields, EntryEdit, EntryFields, KeyPoints, read_value
from bulletin.blogs.fields.kinds import Correction
from bulletin.errors import ValidationFailed

NOON = datetime(2026, 1, 27, 12, 0, tzinfo=UTC)
NAIVE_NOON = datetime(2026, 1, 27, 12, 0)  # no offset: what these tests are about


def refusal(call, *args, **kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        call(*args, **kwargs)
    return refused.value


def entry(**given: Any) -> dict[str, Any]:
    return EntryFields.read(given).attributes([])


def blog(**given: Any) -> dict[str, Any]:
    return BlogFields.read(given).given()


def clean_key_points(points: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    given = {"key_points": [{"text": text, "entry_id": entry_id} for text, entry_id in points]}
    return [(point.text, point.entry_id) for point in KeyPoints.read(given).key_points]


def clean_correction(text: str) -> str:
    note: str = read_value(Correction, "correction_note", text)
    return note


# --- entries -----------------------------------------------------------------------------


def test_a_412_character_headline_is_refused_with_the_limit_and_the_length():
    error = refusal(entry, headline="x" * 412)

    assert error.message == "headline: must be at most 300 characters, got 412"
    assert error.fields == {"headline": "must be at most 300 characters, got 412"}
    assert error.as_dict() == {
        "error": {
            "code": "validation_error",
            "message": "headline: must be at most 300 characters, got 412",
            "fields": {"headline": "must be at most 300 characters, got 412"},
        }
    }


def test_a_headline_of_exactly_300_characters_is_accepted():
    assert entry(headline="x" * 300)["headline"] == "x" * 300


def test_a_headline_is_one_line_with_runs_of_space_collapsed():
    assert entry(headline="  Bridge\n closed \t now ")["headline"] == "Bridge closed now"


def test_a_headline_with_a_nul_character_is_refused():
    assert refusal(entry, headline="a\x00b").message == (
        "headline: must be text without NUL characters or lone UTF-16 surrogates, "
        "got a NUL character (U+0000) at character 2"
    )


# --- characters that fool readers (issue 12) ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "got"),
    [
        pytest.param("Mayor \u202eseigolopa", "U+202E RIGHT-TO-LEFT OVERRIDE", id="rlo"),
        pytest.param("Mayor \u202dx", "U+202D LEFT-TO-RIGHT OVERRIDE", id="lro"),
        pytest.param("Mayor \u2066x\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE", id="isolate"),
        pytest.param("Bell\x07 rings", "the control character U+0007", id="bell"),
        pytest.param("Escape\x1b[31m", "the control character U+001B", id="escape"),
        pytest.param("C1\x9b control", "the control character U+009B", id="c1"),
    ],
)
def test_headlines_and_key_points_refuse_bidi_overrides_and_control_characters(text, got):
    headline = refusal(entry, headline=text)
    point = refusal(clean_key_points, [(text, None)])
    title = refusal(blog, title=text)

    assert got in headline.fields["headline"]
    assert got in point.fields["key_points[0].text"]
    assert got in title.fields["title"]
    assert "must not contain" in headline.fields["headline"]


def test_zero_width_padding_is_removed_from_headlines_and_key_points():
    padded = "\ufeffBridge\u200b closed\u2060"

    assert entry(headline=padded)["headline"] == "Bridge closed"
    assert clean_key_points([(padded, None)]) == [("Bridge closed", None)]
    assert refusal(clean_key_points, [("\u200b\u200b", None)]).fields == {
        "key_points[0].text": "must not be empty"
    }


def test_joiners_and_direction_marks_that_scripts_need_are_kept():
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ inside a word
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, joined
    mixed = "\u0627\u0644\u0642\u062f\u0633 \u200eCNN\u200f"

    for text in (persian, family, mixed):
        assert entry(headline=text)["headline"] == text


@pytest.mark.parametrize("text", ["x\udfff", "\ud800", "a\x00"])
def test_no_text_field_accepts_a_lone_surrogate_or_nul(text):
    assert "must be text without NUL" in refusal(entry, body=f"<p>{text}</p>").fields["body"]
    assert "must be text without NUL" in refusal(clean_correction, text).fields["correction_note"]
    assert "must be text without NUL" in refusal(blog, description=text).fields["description"]
    assert "must be text without NUL" in refusal(entry, related_title=text).fields["related_title"]


def test_a_body_over_100000_bytes_is_refused_with_its_size():
    body = "<p>" + "x" * 100_000 + "</p>"

    assert refusal(entry, body=body).message == "body: must be at most 100000 bytes, got 100007"


def test_the_body_limit_counts_bytes_not_characters():
    body = "é" * 50_001  # 50,001 characters, 100,002 bytes of UTF-8

    assert refusal(entry, body=body).message == "body: must be at most 100000 bytes, got 100002"


def test_a_body_just_under_the_limit_is_accepted_and_sanitised():
    body = "<p>" + "x" * (100_000 - 7) + "</p>"

    assert entry(body=body)["body"] == body


def test_the_body_limit_follows_the_setting(settings):
    settings.BULLETIN = {**settings.BULLETIN, "MAX_BODY_BYTES": 10}

    assert refusal(entry, body="<p>eleven</p>").message == "body: must be at most 10 bytes, got 13"


def test_a_naive_display_time_is_refused_with_an_example_of_what_is_expected():
    assert refusal(entry, display_at=NAIVE_NOON).message == (
        "display_at: must include a time zone offset (e.g. 2026-01-27T14:32:00Z), "
        "got 2026-01-27 12:00:00"
    )


def test_a_display_time_in_year_one_is_refused():
    error = refusal(entry, display_at=datetime(1, 1, 1, tzinfo=UTC))

    assert error.message == (
        "display_at: must be between 1900 and 2200, got 0001-01-01T00:00:00+00:00"
    )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example/a", "example.com/a", "https://"]
)
def test_a_related_link_must_be_http(url):
    error = refusal(entry, related_url=url)

    assert error.message == f"related_url: must be an http(s) URL, got {url!r}"


def test_an_empty_related_link_clears_it():
    assert entry(related_url="  ")["related_url"] == ""


def test_flags_become_model_fields():
    assert entry(key_event=True, breaking=False) == {"is_key_event": True, "is_breaking": False}


def test_only_the_fields_given_are_returned():
    assert entry() == {}


def publish(make: Any, **given: Any) -> None:
    blog = make.blog()
    services.publish_entry(make.owner_of(blog), blog, EntryFields.read(given))


@pytest.mark.django_db
def test_unknown_author_ids_are_named(make):
    assert (
        refusal(publish, make, author_ids=[424242, 434343]).message
        == "author_ids: must be ids of active users, got unknown id(s) [424242, 434343]"
    )


def test_more_than_ten_authors_are_refused():
    assert (
        refusal(entry, author_ids=list(range(1, 12))).message
        == "author_ids: must hold at most 10 items, got 11"
    )


def test_authors_named_twice_are_named_once():
    assert entry(author_ids=[3, 1, 3]) == {"author_ids": [3, 1]}


@pytest.mark.django_db
def test_an_inactive_author_is_refused(make):
    gone = make.user(is_active=False)

    assert refusal(publish, make, author_ids=[gone.pk]).fields.keys() == {"author_ids"}


@pytest.mark.django_db
def test_an_unknown_image_is_refused(make):
    assert (
        refusal(publish, make, image_id=777777).message
        == "image_id: must be the id of an uploaded image, got 777777"
    )


def test_an_empty_embed_url_removes_the_embed():
    assert entry(embed_url="")["embeds"] == []


def test_changing_only_the_embed_title_keeps_the_current_url():
    current = [{"provider": "link", "url": "https://example.org/a", "title": "Old"}]

    values = EntryFields.read({"embed_title": "New"}).attributes(current)

    assert (values["embeds"][0]["url"], values["embeds"][0]["title"]) == (
        "https://example.org/a",
        "New",
    )


def test_a_correction_over_1000_characters_is_refused():
    assert (
        refusal(clean_correction, "x" * 1001).message
        == "correction_note: must be at most 1000 characters, got 1001"
    )


# --- blogs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug", ["Storm Live", "storm--live", "-storm", "storm-", "stürm", "storm_live", ""]
)
def test_a_bad_slug_is_refused_with_an_example_and_what_came(slug):
    error = refusal(blog, slug=slug)

    assert error.message == (
        "slug: must be 1 to 100 lowercase letters, digits and single hyphens "
        f"(e.g. storm-live), got {slug!r}"
    )


@pytest.mark.parametrize("slug", ["storm", "storm-live-2026", "a" * 100])
def test_a_good_slug_is_accepted(slug):
    assert blog(slug=slug) == {"slug": slug}


@pytest.mark.parametrize(
    "zone",
    [
        "Mars/Olympus",
        "",
        "../etc/passwd",
        "/etc/localtime",
        "Europe/London/",
        "America",
        "zone.tab",
    ],
)
def test_an_unknown_time_zone_is_refused(zone):
    assert (
        refusal(blog, timezone=zone).message
        == f"timezone: must be an IANA time zone such as Europe/London, got {zone!r}"
    )


def test_an_iana_time_zone_is_accepted():
    assert blog(timezone="America/New_York") == {"timezone": "America/New_York"}


@pytest.mark.parametrize("language", ["xx", "english", ""])
def test_an_unknown_language_is_refused(language):
    assert (
        refusal(blog, language=language).message
        == f"language: must be a language code such as en, en-us, en-gb, de or fr, got {language!r}"
    )


def test_a_known_language_is_accepted():
    assert blog(language="de") == {"language": "de"}


def test_an_unknown_order_is_refused_with_the_choices():
    assert (
        refusal(blog, order="random").message
        == "order: must be one of newest_first, oldest_first, got 'random'"
    )


def test_an_empty_title_is_refused():
    assert refusal(blog, title="   ").message == "title: must not be empty"


def test_a_title_over_200_characters_is_refused():
    assert (
        refusal(blog, title="t" * 201).message == "title: must be at most 200 characters, got 201"
    )


@pytest.mark.parametrize("field", ["coverage_start", "coverage_end"])
def test_a_naive_coverage_time_is_refused(field):
    assert refusal(blog, **{field: NAIVE_NOON}).fields.keys() == {field}


@pytest.mark.django_db
def test_coverage_ending_before_it_starts_is_refused_with_both_times(make):
    fields = BlogFields.read(
        {"slug": "backwards", "title": "Backwards", "coverage_start": NOON}
        | {"coverage_end": NOON.replace(hour=11)}
    )
    error = refusal(services.create_blog, make.staff(), fields)

    assert error.message == (
        "coverage_end: must not be before coverage_start (2026-01-27T12:00:00+00:00), "
        "got 2026-01-27T11:00:00+00:00"
    )


# --- key points --------------------------------------------------------------------------


def test_more_than_twelve_key_points_are_refused():
    assert (
        refusal(clean_key_points, [("point", None)] * 13).message
        == "key_points: must hold at most 12 points, got 13"
    )


def test_an_empty_key_point_is_refused_by_its_position():
    error = refusal(clean_key_points, [("fine", None), ("  ", None)])

    assert error.message == "key_points[1].text: must not be empty"


def test_a_key_point_over_280_characters_is_refused():
    assert (
        refusal(clean_key_points, [("k" * 281, None)]).message
        == "key_points[0].text: must be at most 280 characters, got 281"
    )


# --- what a writer did not send ------------------------------------------------------------


def test_only_the_fields_sent_count_as_given_even_when_they_hold_the_default():
    sent = EntryEdit.read({"headline": "", "correction_note": "Typo"})

    assert sent.given() == {"headline": "", "correction_note": "Typo"}
    assert sent.attributes({}) == {"headline": ""}


def test_a_subtitle_is_one_line_of_at_most_300_characters():
    assert entry(subtitle="  Roads\nclosed  ") == {"subtitle": "Roads closed"}
    assert refusal(entry, subtitle="s" * 301).message == (
        "subtitle: must be at most 300 characters, got 301"
    )


def test_every_bad_field_is_named_at_once():
    error = refusal(entry, headline="x" * 301, related_url="ftp://x")

    assert error.fields.keys() == {"headline", "related_url"}


@pytest.mark.parametrize(
    ("field", "limit"), [("slug", 100), ("language", 16), ("timezone", 64), ("title", 200)]
)
def test_a_value_too_long_for_its_field_is_refused_with_the_length_first(field, limit):
    assert refusal(blog, **{field: "W" * 10_000}).fields == {
        field: f"must be at most {limit} characters, got 10000"
    }
