"""What every field model shares: unknown fields are refused, and a refusal is the project's
:class:`~bulletin.errors.ValidationFailed`, naming each bad field by its path.

The API hands its request bodies to Django Ninja, which reports pydantic's errors through
``bulletin.api.errors``; every other reader (the desk's forms, import files, Python callers)
gets the same messages from :func:`refusal`.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, TypeAdapter
from pydantic import ValidationError as PydanticError

from bulletin.errors import ValidationFailed
from bulletin.validation_messages import pydantic_message


def path_of(location: tuple[int | str, ...], prefix: str = "") -> str:
    """``("entries", 3, "headline")`` → ``entries[3].headline`` (after ``prefix``)."""
    name = prefix
    for part in location:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name


def refusal(error: PydanticError, *, prefix: str = "", whole: str = "body") -> ValidationFailed:
    """Every field pydantic refused, each with what was expected and what came; ``whole``
    names the value itself when it is not even an object."""
    fields: dict[str, str] = {}
    for problem in error.errors(include_url=False):
        name = path_of(problem["loc"], prefix) or whole
        fields.setdefault(name, pydantic_message(dict(problem)))
    message = "; ".join(f"{name}: {text}" for name, text in fields.items())
    return ValidationFailed(message, fields=fields)


class Fields(BaseModel):
    """A field model: what one kind of write may set. Fields not sent stay out of
    ``model_fields_set``, so a partial edit changes only what was sent."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def read(cls, data: Any, *, prefix: str = "", whole: str = "body") -> Self:
        """Validate ``data`` (a dict as sent), refusing with the paths of the bad fields.

        The desk, the importer and Python callers read with this; the API's bodies are
        validated by Django Ninja, whose errors take the same words (bulletin.api.errors).
        Calling the model itself (``EntryFields(headline=…)``) raises pydantic's own error.
        """
        try:
            return cls.model_validate(data)
        except PydanticError as error:
            raise refusal(error, prefix=prefix, whole=whole) from None

    def given(self) -> dict[str, Any]:
        """The fields the writer sent, by name (a field left out is left as it is)."""
        return self.model_dump(include=self.model_fields_set)


def read_value(kind: Any, field: str, value: Any) -> Any:
    """One value of a field kind on its own (a service's keyword argument)."""
    try:
        return TypeAdapter(kind).validate_python(value)
    except PydanticError as error:
        raise refusal(error, prefix=field, whole=field) from None
