"""Read an export file's objects field by field, naming the exact place of anything wrong.

Every refusal is a :class:`~bulletin.errors.ValidationFailed` whose message starts with the
path of the value (``entries[12].status``), says what was expected and what came.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Model

from bulletin.errors import ValidationFailed


def shown(value: object) -> str:
    """A short description of a value for an error message."""
    if isinstance(value, str):
        return repr(value[:60] + ("…" if len(value) > 60 else ""))
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return json_name(value)


def json_name(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)[:60]


def refuse(where: str, expected: str, got: object) -> ValidationFailed:
    return ValidationFailed.on(where, f"must be {expected}, got {shown(got)}")


class Obj:
    """One JSON object of the file and its path (``entries[3]``)."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise refuse(where, "an object", value)
        self.value: dict[str, Any] = value
        self.where = where

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str) -> Any:
        if key not in self.value:
            raise ValidationFailed.on(self.where or "file", f"is missing the key {key!r}")
        return self.value[key]

    def _typed(self, key: str, kind: type, expected: str, *, null: bool = False) -> Any:
        value = self.get(key)
        if value is None and null:
            return None
        # bool is an int in Python, never in the file.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise refuse(self.path(key), expected + (" or null" if null else ""), value)
        return value

    def text(self, key: str, *, limit: int | None = None) -> str:
        value: str = self._typed(key, str, "a string")
        return _checked_text(self.path(key), value, limit)

    def field_text(self, key: str, model: type[Model], field: str | None = None) -> str:
        """A string no longer than the model field allows (PostgreSQL would refuse it)."""
        limit = getattr(model._meta.get_field(field or key), "max_length", None)
        return self.text(key, limit=limit)

    def name(self, key: str) -> str | None:
        """A reference or username, or null."""
        value: str | None = self._typed(key, str, "a string", null=True)
        return value

    def integer(self, key: str, *, minimum: int = 0) -> int:
        value: int = self._typed(key, int, "a whole number")
        if value < minimum:
            raise ValidationFailed.on(self.path(key), f"must be at least {minimum}, got {value}")
        return value

    def boolean(self, key: str) -> bool:
        value: bool = self._typed(key, bool, "true or false")
        return value

    def time(self, key: str, *, null: bool = True) -> datetime | None:
        value: str | None = self._typed(key, str, "an ISO 8601 time", null=null)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise refuse(self.path(key), "an ISO 8601 time (2026-01-27T14:32:00Z)", value) from None
        if moment.tzinfo is None:
            raise refuse(self.path(key), "a time with a zone offset, e.g. a final Z", value)
        return moment

    def moment(self, key: str) -> datetime:
        value = self.time(key, null=False)
        assert value is not None
        return value

    def mapping(self, key: str) -> dict[str, Any]:
        value: dict[str, Any] = self._typed(key, dict, "an object")
        return value

    def objects(self, key: str) -> list[Obj]:
        items: list[Any] = self._typed(key, list, "a list")
        return [Obj(item, f"{self.path(key)}[{index}]") for index, item in enumerate(items)]

    def strings(self, key: str) -> list[str]:
        items: list[Any] = self._typed(key, list, "a list")
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise refuse(f"{self.path(key)}[{index}]", "a string", item)
        return items

    def choice(self, key: str, choices: list[str]) -> str:
        value = self.text(key)
        if value not in choices:
            raise ValidationFailed.on(
                self.path(key), f"must be one of {', '.join(choices)}, got {shown(value)}"
            )
        return value


def _checked_text(where: str, value: str, limit: int | None) -> str:
    if "\x00" in value:
        raise ValidationFailed.on(where, "must not contain NUL characters (U+0000)")
    if limit is not None and len(value) > limit:
        raise ValidationFailed.on(where, f"must be at most {limit} characters, got {len(value)}")
    return value
