"""Finding entries: words (the database's own full-text search), filters and pages.

One module for the desk's find form and the API's ``?q=`` and filters, on both engines:

- SQLite: an FTS5 table ``blogs_entry_search`` (Porter stemming, accents folded) holding each
  entry's headline, standfirst and body as plain text (the body followed by the words its
  embeds' cards quote, so that an entry that is only a post is found by the post's words),
  kept by triggers on ``blogs_entry``:
  every insert, edit, delete, takedown (which wipes the words) and bulk import is indexed in
  the writer's own statement, whoever writes. The triggers call ``bulletin_search_text`` (the
  body's words without markup), a function every Django connection registers
  (:func:`register_sqlite_functions`): a tool writing entries outside Bulletin has to as well.
- PostgreSQL: a GIN expression index over the same text's ``tsvector`` (English stemming,
  headline weighted over standfirst over body and embeds' words), which the database keeps up
  to date itself.
  An index on an expression rather than a stored column, so that later migrations may still
  change the columns it reads.

What people type is never passed to the engine's query syntax: :func:`parse_words` keeps only
words, and builds the query from them. What a search understands (docs/desk.md, "Finding"):
every word must appear (in any form the stemmer joins: "flooding" finds "floods"); words in
double quotes must appear together in that order; a word ending in ``*`` matches as a prefix.
Everything else (``-``, ``:``, ``NEAR``, ``OR``, brackets) is only text.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from bulletin.blogs.models import Entry, EntryStatus, LiveBlog
from bulletin.blogs.sanitize import plain_text
from bulletin.errors import ValidationFailed

MAX_QUERY_CHARS = 200
MAX_WORDS = 16
PAGE_SIZE = 50
MAX_PAGE = 100_000
# Statuses one may filter by; without one, a search covers everything but deleted entries.
STATUSES = tuple(EntryStatus.values)
FILTER_NAMES = ("q", "status", "author", "key_events", "date_from", "date_to")

# --- the index ----------------------------------------------------------------------------

# What an embed's card quotes (bulletin.blogs.embeds.CARD_FIELDS but its date): searched
# as part of the entry's body.
EMBED_WORDS = ("title", "description", "author", "handle")

SQLITE_TABLE = "blogs_entry_search"
_SQLITE_ROW = (
    "INSERT INTO blogs_entry_search(rowid, headline, subtitle, body) "
    "VALUES (new.id, new.headline, new.subtitle, bulletin_search_text(new.body, new.embeds));"
)
SQLITE_INDEX = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5("
    "headline, subtitle, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS {SQLITE_TABLE}_insert AFTER INSERT ON blogs_entry "
    f"BEGIN {_SQLITE_ROW} END",
    f"CREATE TRIGGER IF NOT EXISTS {SQLITE_TABLE}_update "  # noqa: S608  (our constants)
    "AFTER UPDATE OF headline, subtitle, body, embeds ON blogs_entry "
    "WHEN old.headline IS NOT new.headline OR old.subtitle IS NOT new.subtitle "
    "OR old.body IS NOT new.body OR old.embeds IS NOT new.embeds "
    f"BEGIN DELETE FROM {SQLITE_TABLE} WHERE rowid = old.id; {_SQLITE_ROW} END",
    f"CREATE TRIGGER IF NOT EXISTS {SQLITE_TABLE}_delete AFTER DELETE ON blogs_entry "  # noqa: S608
    f"BEGIN DELETE FROM {SQLITE_TABLE} WHERE rowid = old.id; END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {SQLITE_TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {SQLITE_TABLE}_update",
    f"DROP TRIGGER IF EXISTS {SQLITE_TABLE}_delete",
    f"DROP TABLE IF EXISTS {SQLITE_TABLE}",
]
SQLITE_FILL = (
    f"INSERT INTO {SQLITE_TABLE}(rowid, headline, subtitle, body) "  # noqa: S608  (constants)
    "SELECT id, headline, subtitle, bulletin_search_text(body, embeds) FROM blogs_entry "
    f"WHERE id NOT IN (SELECT rowid FROM {SQLITE_TABLE})"
)
# Markup and character references out of the body, in the database (the index's expression).
_PG_BODY = r"regexp_replace(blogs_entry.body, '<[^>]*>|&#?[a-zA-Z0-9]+;', ' ', 'g')"
# The embeds' quoted words as one JSON list of strings, whose every string to_tsvector reads.
_PG_EMBEDS = " || ".join(
    f"jsonb_path_query_array(blogs_entry.embeds, '$[*].{name}')" for name in EMBED_WORDS
)
PG_VECTOR = (
    "(setweight(to_tsvector('english'::regconfig, blogs_entry.headline), 'A') || "
    "setweight(to_tsvector('english'::regconfig, blogs_entry.subtitle), 'B') || "
    f"setweight(to_tsvector('english'::regconfig, {_PG_BODY}), 'C') || "
    f"setweight(to_tsvector('english'::regconfig, ({_PG_EMBEDS})), 'C'))"
)
PG_INDEX = [
    f"CREATE INDEX IF NOT EXISTS blogs_entry_search ON blogs_entry USING GIN ({PG_VECTOR})",
]
PG_DROP = ["DROP INDEX IF EXISTS blogs_entry_search"]
# bm25 weights of the headline, standfirst and body columns (SQLite; PostgreSQL: A, B, C).
_SQLITE_RANK = f"-bm25({SQLITE_TABLE}, 10.0, 4.0, 1.0)"


def search_text(body: str, embeds: str | list[dict[str, Any]] | None = None) -> str:
    """The words of an entry's HTML body as the index keeps them, followed by what its embeds'
    cards quote (``embeds`` as stored: a list, or SQLite's JSON text of it)."""
    words = html.unescape(plain_text(body or ""))
    quoted = " ".join(_embed_words(embeds))
    return f"{words} {quoted}" if words and quoted else words or quoted


def _embed_words(embeds: str | list[dict[str, Any]] | None) -> list[str]:
    if isinstance(embeds, str):
        try:
            embeds = json.loads(embeds)
        except ValueError:  # not written by Bulletin: its text is still searchable
            return []
    if not isinstance(embeds, list):
        return []
    return [
        str(embed[name])
        for embed in embeds
        if isinstance(embed, dict)
        for name in EMBED_WORDS
        if embed.get(name)
    ]


def register_sqlite_functions(connection: BaseDatabaseWrapper, **_: Any) -> None:
    """Give a new SQLite connection the function the index's triggers call (connection_created):
    any number of arguments, as triggers of an older release call it with the body alone."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "bulletin_search_text", -1, search_text, deterministic=True
        )


def ensure_index(using: BaseDatabaseWrapper | None = None) -> None:
    """Create the index (and, on SQLite, its triggers and any missing rows) if not there.

    Run by migration 0007 and after every ``migrate``: on SQLite, a later migration that
    rebuilds the entry table (Django copies it into a new one) drops its triggers with it.
    """
    db = using or connection
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            for statement in SQLITE_INDEX:
                cursor.execute(statement)
            cursor.execute(SQLITE_FILL)
        elif db.vendor == "postgresql":
            for statement in PG_INDEX:
                cursor.execute(statement)


def ensure_index_after_migrate(using: str = "default", **_: Any) -> None:
    """post_migrate: put the index back if a migration dropped it (once 0007 is applied)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    db = connections[using]
    if MigrationRecorder(db).migration_qs.filter(app="blogs", name="0007_entry_search").exists():
        ensure_index(db)


def drop_index(using: BaseDatabaseWrapper | None = None) -> None:
    db = using or connection
    with db.cursor() as cursor:
        for statement in SQLITE_DROP if db.vendor == "sqlite" else PG_DROP:
            cursor.execute(statement)


# --- what people type ---------------------------------------------------------------------

_TERM = re.compile(r'"([^"]*)"?|(\w+)(\*)?')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Term:
    """One thing a search asks for: a word, a prefix, or a phrase (several words in order)."""

    words: tuple[str, ...]
    prefix: bool = False


def parse_words(text: str) -> list[Term]:
    """The words, prefixes and quoted phrases in what someone typed; all else is dropped."""
    terms: list[Term] = []
    for match in _TERM.finditer(text[:MAX_QUERY_CHARS]):
        phrase, word, star = match.groups()
        if word is not None:
            terms.append(Term((word.lower(),), prefix=bool(star)))
        else:
            words = tuple(found.lower() for found in _WORD.findall(phrase or ""))
            if words:
                terms.append(Term(words))
    return terms[:MAX_WORDS]


def fts5_query(terms: list[Term]) -> str:
    """An FTS5 MATCH expression: every term quoted (words are letters and digits only)."""
    parts = []
    for term in terms:
        quoted = '"' + " ".join(term.words) + '"'
        parts.append(quoted + ("*" if term.prefix else ""))
    return " AND ".join(parts)


def tsquery(terms: list[Term]) -> str:
    """A PostgreSQL ``to_tsquery`` text: words quoted, phrases joined by ``<->``."""
    parts = []
    for term in terms:
        words = [f"'{word}'" for word in term.words]
        if term.prefix:
            words[-1] += ":*"
        parts.append("(" + " <-> ".join(words) + ")")
    return " & ".join(parts)


def matching(entries: QuerySet[Entry], terms: list[Term]) -> QuerySet[Entry]:
    """The entries containing every term, annotated with ``search_rank`` (higher: better)."""
    if not terms:
        return entries
    # extra(): the FTS5 table is no model, and a join with it keeps the other filters in SQL.
    if connection.vendor == "sqlite":
        return entries.extra(  # noqa: S610  (fixed SQL; the user's words are a parameter)
            select={"search_rank": _SQLITE_RANK},
            tables=[SQLITE_TABLE],
            # "+rowid": no rowid lookups into the index per entry (SQLite's planner picks them
            # for a count): the words find their rows once, each entry is then found by id.
            where=[f"+{SQLITE_TABLE}.rowid = blogs_entry.id", f"{SQLITE_TABLE} MATCH %s"],
            params=[fts5_query(terms)],
        )
    query = tsquery(terms)
    return entries.extra(  # noqa: S610  (fixed SQL; the user's words are a parameter)
        select={"search_rank": f"ts_rank({PG_VECTOR}, to_tsquery('english'::regconfig, %s))"},
        select_params=[query],
        where=[f"{PG_VECTOR} @@ to_tsquery('english'::regconfig, %s)"],
        params=[query],
    )


# --- filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a find form or an API call asks for (all optional)."""

    terms: tuple[Term, ...] = ()
    text: str = ""
    status: str = ""
    author_id: int | None = None
    key_event: bool | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return bool(
            self.text.strip()
            or self.status
            or self.author_id is not None
            or self.key_event is not None
            or self.date_from
            or self.date_to
        )


def _date(name: str, raw: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed.on(
            name, f"expected a date such as 2026-12-03 (YYYY-MM-DD), got {raw[:40]!r}"
        ) from None


def read_filters(params: Mapping[str, Any], *, default_status: str = "") -> Filters:
    """The filters in a query string, each checked: a bad one is refused naming the field,
    what it expects and what came."""

    def value(name: str) -> str:
        raw = params.get(name)
        return "" if raw is None else str(raw).strip()

    text = value("q")[:MAX_QUERY_CHARS]
    status = value("status") or default_status
    if status and status not in STATUSES:
        raise ValidationFailed.on(
            "status", f"expected one of {', '.join(STATUSES)}, got {status[:40]!r}"
        )
    author = value("author")
    if author and not (author.isascii() and author.isdigit() and len(author) <= 12):
        raise ValidationFailed.on("author", f"expected a person's id (digits), got {author[:40]!r}")
    key = value("key_events").lower()
    if key not in {"", "1", "0", "true", "false"}:
        raise ValidationFailed.on(
            "key_events", f"expected 1 or 0 (true or false), got {key[:40]!r}"
        )
    date_from, date_to = _date("date_from", value("date_from")), _date("date_to", value("date_to"))
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(
            f"date_from must not be after date_to, got {date_from} and {date_to}",
            fields={"date_from": f"after date_to ({date_to})", "date_to": "before date_from"},
        )
    return Filters(
        terms=tuple(parse_words(text)),
        text=text,
        status=status,
        author_id=int(author) if author else None,
        key_event=None if key == "" else key in {"1", "true"},
        date_from=date_from,
        date_to=date_to,
    )


def read_page(raw: Any) -> int:
    text = "" if raw is None else str(raw).strip()
    if not text:
        return 1
    if not (text.isascii() and text.isdigit() and 1 <= int(text[:7]) <= MAX_PAGE):
        raise ValidationFailed.on("page", f"expected a page number from 1, got {text[:40]!r}")
    return int(text)


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def find(blog: LiveBlog, visible: QuerySet[Entry], filters: Filters) -> QuerySet[Entry]:
    """The blog's entries (of ``visible``: what the viewer may see) that match, best first
    when words were asked for, else newest first; the id breaks ties so pages are stable."""
    entries = filtered(blog, visible, filters)
    if filters.terms:
        return matching(entries, list(filters.terms)).order_by("-search_rank", "-sort_time", "-id")
    if filters.status == EntryStatus.PUBLISHED:
        # Every published entry has its display_at: the same order, read from the stream's
        # index (blog, status, -display_at, -id) instead of sorting every entry on each page.
        return entries.order_by("-display_at", "-id")
    return entries.order_by("-sort_time", "-id")


def filtered(blog: LiveBlog, visible: QuerySet[Entry], filters: Filters) -> QuerySet[Entry]:
    """The blog's entries of ``visible`` that pass the filters (not the words), unordered,
    annotated with ``sort_time``: the time readers see, or when a never-published one was
    written. Dates are days in the blog's time zone, both ends included."""
    entries = visible.filter(blog=blog).annotate(
        sort_time=Coalesce(F("display_at"), F("created_at"))
    )
    if filters.status:
        entries = entries.filter(status=filters.status)
    else:
        entries = entries.exclude(status=EntryStatus.DELETED)
    if filters.author_id is not None:
        # A subquery, not a join: a join would repeat entries with several authors.
        bylined = Entry.authors.through.objects.filter(user_id=filters.author_id)
        entries = entries.filter(
            Q(pk__in=bylined.values("entry_id")) | Q(created_by_id=filters.author_id)
        )
    if filters.key_event is not None:
        entries = entries.filter(is_key_event=filters.key_event)
    zone = ZoneInfo(blog.timezone)
    if filters.date_from:
        entries = entries.filter(sort_time__gte=_day_start(filters.date_from, zone))
    if filters.date_to:
        entries = entries.filter(sort_time__lt=_day_start(filters.date_to + timedelta(1), zone))
    return entries


@dataclass(frozen=True)
class Page:
    """One page of results, with what its links need."""

    entries: list[Entry]
    number: int
    count: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_of(entries: QuerySet[Entry], number: int, size: int = PAGE_SIZE) -> Page:
    """Page ``number`` (from 1) of the results; a page past the end is empty, not an error."""
    start = (number - 1) * size
    return Page(list(entries[start : start + size]), number, entries.count(), size)
