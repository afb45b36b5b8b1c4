"""What the hostile-input tests share: every API write route, hostile values, and proof that a
refused request changed nothing (every row of Bulletin's tables and every stored file)."""

from __future__ import annotations

import copy
import io
import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db.models import Model
from PIL import Image

from bulletin.accounts.models import ApiToken
from bulletin.api.auth import ApiTokenAuth
from bulletin.api.routes import api

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

BASE = "/api/v1"

SQL_TEXTS = ("'; DROP TABLE blogs_entry; --", "1 OR 1=1")
# What a script tries to do in every place text is shown.
XSS_TEXTS = (
    '<img src=x onerror="window.pwned=1">',
    "<svg onload=window.pwned=1>",
    '"><script>window.pwned=1</script>',
    '<a href="javascript:window.pwned=1">click</a>',
    "' style=\"background:url(javascript:window.pwned=1)\" x='",
)
BAD_SCHEMES = (
    "javascript:window.pwned=1",
    "JaVaScRiPt:window.pwned=1",
    " javascript:window.pwned=1",
    "java\tscript:window.pwned=1",
    "data:text/html,<script>window.pwned=1</script>",
    "vbscript:msgbox(1)",
    "//evil.example/path",
    "https:/evil.example",
)


# --- the routes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One API operation as the router declares it."""

    name: str  # the view's name: create_entry, pin_entry…
    method: str
    template: str  # /blogs/{slug}/entries/{entry_id}
    scope: str | None  # the token scope it needs (None: anyone may call it)

    @property
    def writes(self) -> bool:
        return self.method != "GET"

    def path(self, slug: str = "", entry_id: object = "") -> str:
        return self.template.replace("{slug}", str(slug)).replace("{entry_id}", str(entry_id))

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


def routes() -> list[Route]:
    """Every operation of API v1, from the router itself: a new route is covered at once."""
    found = []
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                scopes = [a.scope for a in operation.auth_callbacks if isinstance(a, ApiTokenAuth)]
                for method in operation.methods:
                    found.append(
                        Route(
                            operation.view_func.__name__,
                            method,
                            path,
                            scopes[0] if scopes else None,
                        )
                    )
    return found


def write_routes() -> list[Route]:
    return [route for route in routes() if route.writes]


@cache
def openapi() -> dict[str, Any]:
    """The published OpenAPI document (built once: callers must not change it)."""
    return api.get_openapi_schema(path_prefix=BASE)


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def request_schema(route: Route) -> tuple[str | None, dict[str, Any]]:
    """The request body's media type and schema as the OpenAPI document publishes them."""
    document = openapi()
    operation = document["paths"][BASE + route.template][route.method.lower()]
    content = operation.get("requestBody", {}).get("content", {})
    if not content:
        return None, {}
    media_type, body = next(iter(content.items()))
    return media_type, _resolve(body["schema"], document)


Where = tuple[str | int, ...]


def _kinds(schema: dict[str, Any]) -> set[str]:
    options = schema.get("anyOf") or [schema]
    return {option.get("type", "") for option in options} - {"null"}


def leaves(route: Route) -> list[tuple[Where, dict[str, Any]]]:
    """Every field of the request body (nested ones too), with its schema.

    A list of objects is entered through its first item: ``("key_points", 0, "text")``.
    """
    document = openapi()
    _media_type, root = request_schema(route)

    def walk(schema: dict[str, Any], where: Where) -> Iterator[tuple[Where, dict[str, Any]]]:
        schema = _resolve(schema, document)
        for name, field in schema.get("properties", {}).items():
            field = _resolve(field, document)
            items = _resolve(field.get("items", {}), document)
            if field.get("type") == "array" and "properties" in items:
                yield from walk(items, (*where, name, 0))
            else:
                yield (*where, name), field

    return list(walk(root, ()))


def string_fields(route: Route) -> list[Where]:
    return [where for where, field in leaves(route) if "string" in _kinds(field)]


def integer_fields(route: Route) -> list[Where]:
    """Fields holding ids: plain integers, or lists of them."""
    found = []
    for where, field in leaves(route):
        if "integer" in _kinds(field):
            found.append(where)
        elif field.get("type") == "array" and field.get("items", {}).get("type") == "integer":
            found.append((*where, 0))
    return found


def with_value(body: dict[str, Any], where: Where, value: Any) -> dict[str, Any]:
    """A copy of ``body`` with ``value`` at ``where`` (creating lists and objects on the way)."""
    changed = copy.deepcopy(body)
    holder: Any = changed
    for step, following in pairwise(where):
        if isinstance(step, int):
            while len(holder) <= step:
                holder.append({})
            holder = holder[step]
        else:
            holder = holder.setdefault(step, [] if isinstance(following, int) else {})
    last = where[-1]
    if isinstance(last, int):
        while len(holder) <= last:
            holder.append(None)
    holder[last] = value
    return changed


def field_name(where: Where) -> str:
    """How the error shape names a field: ``key_points[0].text``."""
    name = ""
    for part in where:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


# --- responses ----------------------------------------------------------------------------


def error_of(response: Response, *statuses: int) -> dict[str, Any]:
    """Assert the one error shape with one of these statuses; return the error."""
    assert response.status_code in statuses, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    payload = json.loads(response.content)
    assert set(payload) == {"error"}, payload
    error: dict[str, Any] = payload["error"]
    assert set(error) <= {"code", "message", "fields", "current_revision"}, error
    assert isinstance(error["code"], str)
    assert error["code"]
    assert isinstance(error["message"], str)
    assert error["message"]
    for name, message in (error.get("fields") or {}).items():
        assert isinstance(name, str)
        assert isinstance(message, str)
        assert message
    return error


# --- proof of no change -------------------------------------------------------------------

# Written by reading (when a token was last used, a person signed in): not what a write did.
_READ_STAMPS: dict[type[Model], set[str]] = {ApiToken: {"last_used_at"}}
_APPS = ("accounts", "blogs", "desk")


def stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def snapshot() -> dict[str, Any]:
    """Every row of Bulletin's own tables, and every file under MEDIA_ROOT."""
    rows: dict[str, Any] = {}
    for model in apps.get_models():
        if model._meta.app_label not in _APPS:
            continue
        skip = _READ_STAMPS.get(model, set()) | {"last_login"}
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*names))
    rows["files"] = stored_files()
    return rows


def changed_between(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


@contextmanager
def unchanged() -> Iterator[None]:
    """Assert the block leaves every row (seq, revisions, change log…) and file as it was."""
    before = snapshot()
    yield
    after = snapshot()
    changed = changed_between(before, after)
    assert changed == [], {name: (before[name], after.get(name)) for name in changed}


def _holds(value: Any, text: str) -> bool:
    if isinstance(value, str):
        return text in value
    if isinstance(value, dict):
        return any(_holds(item, text) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_holds(item, text) for item in value)
    return False


def stores_text(text: str) -> bool:
    """Whether some row of Bulletin's tables holds ``text`` as it was sent."""
    return _holds(list(snapshot().values()), text)


# --- pages that must stay inert -----------------------------------------------------------

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "cite", "data", "poster", "xlink:href"}
_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:application")
_JSON_TYPES = {"application/ld+json", "application/json"}


class _Inspector(HTMLParser):
    """Finds what could run in a page: handlers, script URLs, inline scripts, style tricks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: dict[str, str] | None = None
        self._script_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name.lower(): value or "" for name, value in attrs}
        for name, value in found.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value[:60]!r}>")
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            if name in _URL_ATTRIBUTES and squeezed.startswith(_DANGEROUS_SCHEMES):
                self.problems.append(f"<{tag} {name}={value[:60]!r}>")
            if name == "style" and ("javascript:" in squeezed or "expression(" in squeezed):
                self.problems.append(f"<{tag} style={value[:60]!r}>")
            if name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc=…>")
        if tag == "base":
            self.problems.append("<base>")
        if tag == "meta" and found.get("http-equiv", "").lower() == "refresh":
            self.problems.append(f"<meta refresh {found.get('content', '')[:60]!r}>")
        if tag == "script":
            self._script = found
            self._script_text = ""

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag != "script" or self._script is None:
            return
        script, text = self._script, self._script_text
        self._script = None
        if script.get("type", "").lower() in _JSON_TYPES:
            try:
                json.loads(text)
            except ValueError:
                self.problems.append(f"<script> of JSON that is not JSON: {text[:80]!r}")
        elif not script.get("src", "").startswith("/static/") or text.strip():
            self.problems.append(f"<script {script}>{text[:80]!r}")


def active_parts(html: str) -> list[str]:
    """What in ``html`` could run script: [] for a page where hostile text stayed text."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


# --- uploads --------------------------------------------------------------------------------

HOSTILE_FILE_NAMES = (
    "../../etc/passwd.png",
    "..\\..\\x.jpg",
    "/etc/passwd.png",
    "....//....//x.png",
    "..%2F..%2Fx.png",
    "quay\x00.png",
    "quay.png\x00.php",
    "quay.php",
    ".htaccess",
    "x" * 300 + ".png",
    "'; DROP TABLE blogs_media; --.png",
    "<script>window.pwned=1</script>.png",
)
STORED_NAME = r"uploads/\d{4}/\d{2}/[0-9a-f]{32}\.(png|jpg|gif|webp)"


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, format="PNG")
    return out.getvalue()


def multipart(
    fields: dict[str, str | list[str]], file_field: str, file_name: str, data: bytes
) -> tuple[bytes, str]:
    """A multipart body written by hand, with its Content-Type.

    Django's test client strips the folders of a file's name before sending; a hostile
    client sends whatever it likes.
    """
    boundary = uuid.uuid4().hex
    parts = []
    for key, values in fields.items():
        for value in [values] if isinstance(values, str) else values:
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
            parts.append(head.encode() + value.encode() + b"\r\n")
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="'.encode()
        + file_name.encode()
        + b'"\r\nContent-Type: image/png\r\n\r\n'
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())
