"""How a blog writes times and dates: by its language's conventions, in its time zone.

A US newsroom writes "2:39 PM EST" and "Tuesday, January 27"; a British one "14:39 GMT" and
"Tuesday 27 January"; a German one "14:39 MEZ" and "Dienstag, 27. Januar". The conventions
are Unicode CLDR's, read through Babel, so that they match what the reader's browser writes
with ``Intl.DateTimeFormat`` for entries that arrive live (reader/enhance.js): the same data.

The blog's ``language`` is a BCP 47 tag: ``en`` follows CLDR's default English (the United
States'), ``en-gb`` Britain's, ``de`` Germany's, ``de-at`` Austria's.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_timezone_name
from django.conf import settings

# A zone name that CLDR writes as letters ("EST", "MEZ", "BST"): anything else ("+0900",
# "Eastern Standard Time") is written as an offset from GMT, as browsers do ("GMT+9").
_ABBREVIATION = re.compile(r"[A-Z]{2,5}")


@cache
def locale_of(language: str) -> Locale:
    """The CLDR locale of a blog's language tag ("en-gb" → en_GB); English if unknown."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def is_known_locale(language: str) -> bool:
    try:
        Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return True


def language_choices() -> list[tuple[str, str]]:
    """The languages a blog may be written in, as (code, name), with the regions whose
    conventions differ most often named apart: "en" is CLDR's (US) English already, but a
    newsroom looking for "American English" beside "British English" should find it."""
    choices = dict(settings.LANGUAGES)
    choices.setdefault("en-us", "American English")
    return sorted(choices.items(), key=lambda choice: str(choice[1]).lower())


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def zone_label(moment: datetime, zone: str, language: str) -> str:
    """The zone's abbreviation at that moment ("EST", "BST", "MEZ"), else "GMT+9"."""
    local = _local(moment, zone)
    name = get_timezone_name(local, width="short", locale=locale_of(language))
    if _ABBREVIATION.fullmatch(name):
        return name
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if minutes == 0:
        return "GMT"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"GMT{sign}{hours}" + (f":{rest:02d}" if rest else "")


def time_label(moment: datetime, zone: str, language: str) -> str:
    """The time of day with the zone: "2:39 PM EST", "14:39 GMT", "14:39 MEZ"."""
    local = _local(moment, zone)
    # CLDR puts a narrow no-break space before "PM"; a plain space reads the same and
    # survives every feed reader and e-mail client.
    clock = format_time(local, "short", locale=locale_of(language)).replace("\u202f", " ")
    return f"{clock} {zone_label(moment, zone, language)}"


@cache
def _day_pattern(language: str) -> str:
    # CLDR has no "weekday, day and month in full" pattern; browsers widen the abbreviated one
    # ("EEE, MMM d" → "EEEE, MMMM d"), and so does this, so both print the same words.
    locale = locale_of(language)
    pattern = str(locale.datetime_skeletons.get("MMMEd", "EEEE d MMMM"))
    pattern = re.sub(r"E+\.?", "EEEE", pattern)
    return re.sub(r"M{3,}", "MMMM", pattern)


def day_label(day: date, language: str) -> str:
    """A calendar day with its weekday: "Tuesday, January 27", "Dienstag, 27. Januar"."""
    return format_date(day, _day_pattern(language), locale=locale_of(language))


def date_label(moment: datetime, zone: str, language: str) -> str:
    """The day of the month: "January 27", "27 January", "27. Januar"."""
    locale = locale_of(language)
    pattern = str(locale.datetime_skeletons.get("MMMMd", "d MMMM"))
    return format_date(_local(moment, zone), pattern, locale=locale)
