"""Pydantic's validation errors in Bulletin's words: what was expected and what came
("must be at most 300 characters, got 412"), for the API and the field model alike."""

from __future__ import annotations

import json
from typing import Any

_JSON_TYPES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def describe(value: Any) -> str:
    """Name the JSON type of a value, for 'got …' in messages."""
    for kind, name in _JSON_TYPES.items():
        if type(value) is kind:
            return name
    return type(value).__name__


def shown(value: Any) -> str:
    """A value as the caller wrote it in JSON (null, true, "text"), cut short."""
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "datetime_type": "a date-time such as 2026-01-27T14:32:00Z",
    "datetime_parsing": "a date-time such as 2026-01-27T14:32:00Z",
    "datetime_from_date_parsing": "a date-time such as 2026-01-27T14:32:00Z",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_unicode": "text of whole Unicode characters (a lone surrogate is not one)",
}


def pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    got = describe(value)
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters, got {len(value or '')}"
    if kind == "string_too_short":
        return f"must be at least {ctx.get('min_length')} characters, got {len(value or '')}"
    if kind == "too_long":
        return f"must hold at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        bound = next(iter(ctx.items()), ("", ""))
        words = {"ge": "at least", "gt": "more than", "le": "at most", "lt": "less than"}
        return f"must be {words.get(bound[0], bound[0])} {bound[1]}, got {shown(value)}"
    if kind in {"literal_error", "enum"}:
        return f"must be one of {ctx.get('expected')}, got {shown(value)}"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx.get('pattern')}, got {shown(value)}"
    if kind in _EXPECTED:
        what = shown(value) if isinstance(value, str | int | float) else got
        return f"must be {_EXPECTED[kind]}, got {what}"
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "is not valid")))
    return f"{error.get('msg', 'is not valid')}, got {got}"
