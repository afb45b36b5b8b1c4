"""Times and dates in a blog's conventions (bulletin.blogs.dates): CLDR's, as browsers write
them with Intl.DateTimeFormat (reader/enhance.js)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bulletin.blogs.dates import date_label, day_label, is_known_locale, time_label

WINTER = datetime(2026, 1, 27, 19, 39, tzinfo=UTC)
SUMMER = datetime(2026, 7, 27, 13, 39, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "zone", "language", "expected"),
    [
        (WINTER, "America/New_York", "en", "2:39 PM EST"),
        (WINTER, "America/New_York", "en-us", "2:39 PM EST"),
        (SUMMER, "America/New_York", "en-us", "9:39 AM EDT"),
        (WINTER, "Europe/London", "en-gb", "19:39 GMT"),
        (SUMMER, "Europe/London", "en-gb", "14:39 BST"),
        (WINTER, "Europe/Berlin", "de", "20:39 MEZ"),
        (SUMMER, "Europe/Berlin", "de", "15:39 MESZ"),
        # No abbreviation in the language: an offset from GMT, as browsers write it.
        (WINTER, "America/New_York", "en-gb", "14:39 GMT-5"),
        (WINTER, "Asia/Kolkata", "en", "1:09 AM GMT+5:30"),
        (WINTER, "Europe/Paris", "fr", "20:39 GMT+1"),
    ],
)
def test_a_time_reads_as_the_newsroom_writes_it_with_its_zone(moment, zone, language, expected):
    assert time_label(moment, zone, language) == expected


@pytest.mark.parametrize(
    ("language", "day", "month_day"),
    [
        ("en-us", "Tuesday, January 27", "January 27"),
        ("en-gb", "Tuesday 27 January", "27 January"),
        ("de", "Dienstag, 27. Januar", "27. Januar"),
        ("fr", "mardi 27 janvier", "27 janvier"),
    ],
)
def test_a_day_reads_in_the_languages_order_and_words(language, day, month_day):
    assert day_label(date(2026, 1, 27), language) == day
    assert date_label(WINTER, "UTC", language) == month_day


def test_an_unknown_language_is_not_a_locale_and_reads_as_english():
    assert not is_known_locale("xx-yy")
    assert is_known_locale("de-at")
    assert time_label(WINTER, "UTC", "xx-yy") == "7:39 PM UTC"
