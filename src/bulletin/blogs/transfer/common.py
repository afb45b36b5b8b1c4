"""What the exporter and the importer share: the format's name and version, times, chunks."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Protocol, TypeVar

FORMAT = "bulletin-blog"
VERSION = 1
# Entries are read and written this many at a time, so that a 10,000-entry blog never sits
# in memory as model objects all at once and no query names more ids than SQLite allows.
CHUNK = 500
# How often a long run reports how far it got.
REPORT_EVERY = 1000

# Receives one line of progress ("exported 4,000/10,000 entries"); the command decides
# whether and where to print it.
Report = Callable[[str], None]

T = TypeVar("T")


class Writer(Protocol):
    """Where an export goes: an open text file, standard output, a StringIO."""

    def write(self, text: str, /) -> object: ...


def utc(moment: datetime | None) -> str | None:
    """``moment`` in ISO 8601, in UTC with a ``Z``, to the microsecond; None stays None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def entry_ref(position: int) -> str:
    return f"e{position + 1}"


def media_ref(position: int) -> str:
    return f"m{position + 1}"


def contributor_ref(position: int) -> str:
    return f"c{position + 1}"


def counted(done: int, total: int, verb: str, noun: str) -> str:
    return f"{verb} {done:,}/{total:,} {noun}"


def should_report(done: int, total: int) -> bool:
    return done == total or done % REPORT_EVERY == 0
