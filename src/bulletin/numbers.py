"""Whole numbers from requests (query strings, headers, form fields, cursors): one strict parser.

``str.isdigit()`` says yes to ``"²"`` and ``"١٢"`` and ``int()`` takes ``" 12 "``, ``"1_000"``
and any length (a 5,000-digit string costs quadratic time and then overflows a 64-bit
column). Request input is parsed here instead: ASCII digits only, at most 19 of them, at most
``limit``. docs/security.md ("Hostile input") lists the rule.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest value of a 64-bit signed column (ids, seq numbers)
MAX_DIGITS = len(str(MAX_ID))
_DIGITS = frozenset("0123456789")


def whole_number(raw: str | None, *, limit: int = MAX_ID) -> int | None:
    """``raw`` as a whole number from 0 to ``limit``, or None when it is anything else."""
    if raw is None or not 0 < len(raw) <= MAX_DIGITS or not _DIGITS.issuperset(raw):
        return None
    value = int(raw)
    return value if value <= limit else None


def describe(raw: str) -> str:
    """A short, printable account of what came, for error messages."""
    return repr(raw[:40]) + ("…" if len(raw) > 40 else "")
