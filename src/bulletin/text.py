"""Which characters Bulletin stores: the rules every text field passes before the database.

Every text field: no NUL (PostgreSQL refuses it mid-query) and no lone UTF-16 surrogate
(JSON may carry ``"\\udfff"``; it cannot be encoded for SQLite, PostgreSQL or the sanitiser).
One-line fields (titles, headlines, key points): also no explicit bidirectional formatting
(U+202A to U+202E, U+2066 to U+2069: they can make a headline read backwards, "Trojan source"
style) and no control characters; zero-width spaces, word joiners and byte-order marks are
removed silently (invisible padding that defeats duplicate checks). Joiners (U+200C, U+200D)
and the implicit direction marks (U+200E, U+200F, U+061C) stay: Persian, Indic scripts, emoji
sequences and mixed Arabic/English text need them. docs/security.md ("Hostile input").
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bulletin.errors import ValidationFailed

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc


def _name(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if char == "\x00":
        return f"a NUL character ({code})"
    if "\ud800" <= char <= "\udfff":
        return f"a lone UTF-16 surrogate ({code})"
    name = unicodedata.name(char, "")
    return f"{code} {name}".strip() if name else f"the control character {code}"


def check_storable(field: str, value: str) -> str:
    """``value`` unchanged, or a refusal naming the first character no database can store."""
    found = _UNSTORABLE.search(value)
    if found is not None:
        raise ValidationFailed.on(
            field,
            "must be text without NUL characters or lone UTF-16 surrogates, "
            f"got {_name(found.group())} at character {found.start() + 1}",
        )
    return value


def check_tree(value: Any, path: str = "") -> None:
    """Check every string (keys too) in parsed JSON; the refusal names the field's path."""
    if isinstance(value, str):
        check_storable(path or "body", value)
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            check_storable(where, key)
            check_tree(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_tree(item, f"{path}[{index}]")


def clean_line(field: str, value: str) -> str:
    """One line of display text: storable, zero-width padding removed, no bidi overrides or
    control characters (call after collapsing whitespace, which turns tabs into spaces)."""
    check_storable(field, value)
    value = _ZERO_WIDTH.sub("", value)
    found = _BIDI_CONTROLS.search(value)
    if found is not None:
        raise ValidationFailed.on(
            field,
            "must not contain bidirectional override or isolate characters, "
            f"got {_name(found.group())} at character {found.start() + 1}",
        )
    found = _CONTROL.search(value)
    if found is not None:
        raise ValidationFailed.on(
            field,
            f"must not contain control characters, got {_name(found.group())} "
            f"at character {found.start() + 1}",
        )
    return value
