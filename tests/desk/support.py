"""Helpers for the desk's tests: what a page says, images to upload, and proof of no change."""

from __future__ import annotations

import html
import io
import re
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image

from bulletin.accounts.models import Membership, User
from bulletin.blogs.models import Change, Entry, EntryRevision, KeyPoint, LiveBlog, Media
from bulletin.desk.models import Editing, EntryDraft
from bulletin.reader.cache import pages

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN = "/desk/login/"
# What the desk's routes take in their variable parts.
ENTRY_ACTIONS = (
    "publish",
    "submit",
    "approve",
    "reject",
    "unpublish",
    "delete",
    "restore",
    "pin",
    "unpin",
    "key-event",
    "schedule",
)
STATUS_CHANGES = ("go-live", "end", "archive")


# --- reading responses --------------------------------------------------------------------


def text(response: Response) -> str:
    """The page's HTML with entities decoded, so that messages can be looked for as written."""
    return html.unescape(response.content.decode())


def field_error(response: Response, name: str) -> str:
    """The error printed next to the form field ``name`` (its ``field-error`` paragraph)."""
    # Each field is a <div class="field…"> holding its input and, when refused, its error.
    for chunk in response.content.decode().split('<div class="field')[1:]:
        if f'name="{name}"' in chunk:
            found = re.search(r'<p class="field-error"[^>]*>([^<]*)</p>', chunk)
            assert found, f"no error next to {name!r} in the page"
            classes = chunk.split('"', 1)[0].split()
            assert "invalid" in classes, f"the field {name!r} is not marked invalid"
            return html.unescape(found.group(1))
    raise AssertionError(f"no field {name!r} in the page")


def followed(client: Client, response: Response) -> str:
    """Follow a 303 (after a form post) and return the text of the page it leads to."""
    assert response.status_code == 303, (response.status_code, text(response)[:500])
    return text(client.get(response["Location"]))


class _FormReader(HTMLParser):
    """Collects what a browser would send for one form: inputs, checked boxes, text areas."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = found.get("id") == self.form_id
        if not self.inside or "name" not in found:
            if self.inside and tag == "option" and self._select and "selected" in found:
                self.values.setdefault(self._select, []).append(found.get("value", ""))
            return
        name = found["name"]
        if tag == "input":
            kind = found.get("type", "text")
            if kind in {"submit", "button", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in found:
                return
            self.values.setdefault(name, []).append(found.get("value", "on"))
        elif tag == "textarea":
            self._textarea = name
            self.values.setdefault(name, []).append("")
        elif tag == "select":
            self._select = name

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(response: Response, form_id: str) -> dict[str, Any]:
    """What the form ``form_id`` of the page would send as it stands (one value or a list)."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.values, f"no form {form_id!r} in the page"
    return {
        name: values[0] if len(values) == 1 else values for name, values in reader.values.items()
    }


def reader_page(slug: str) -> str:
    """The public page of a blog as of now (the reader keeps a blog's head for a second)."""
    cache = pages()
    with cache._lock:
        cache._pages.clear()
        cache._heads.clear()
    return text(Client().get(f"/live/{slug}"))


def csrf_token(response: Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert found, "no CSRF token in the page"
    return found.group(1)


def login_redirect_of(response: Response) -> str:
    """Assert the response sends the browser to sign in; return the page it comes back to."""
    assert response.status_code == 302, (response.status_code, text(response)[:300])
    target = urlsplit(response["Location"])
    assert target.path == LOGIN
    return parse_qs(target.query)["next"][0]


# --- images -------------------------------------------------------------------------------


def png(size: tuple[int, int] = (64, 48), color: str = "navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height: nothing that big is ever allocated."""
    data = png((1, 1))
    ihdr = b"IHDR" + struct.pack(">II", width, height) + data[24:29]
    return data[:12] + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + data[33:]


def upload(data: bytes, name: str = "photo.png", content_type: str = "image/png") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


# --- proof that nothing changed -----------------------------------------------------------


def state() -> dict[str, Any]:
    """Everything a desk action can change, readable and comparable."""
    return {
        "blogs": list(
            LiveBlog.objects.order_by("pk").values_list(
                "pk",
                "slug",
                "title",
                "description",
                "timezone",
                "status",
                "seq",
                "pinned_entry_id",
                "cover_image_id",
            )
        ),
        "entries": list(
            Entry.objects.order_by("pk").values_list(
                "pk",
                "status",
                "revision",
                "headline",
                "body",
                "is_key_event",
                "scheduled_for",
                "image_id",
            )
        ),
        "revisions": EntryRevision.objects.count(),
        "the change log": Change.objects.count(),
        "key points": list(
            KeyPoint.objects.order_by("blog_id", "position").values_list("blog_id", "text")
        ),
        "memberships": list(
            Membership.objects.order_by("blog_id", "user_id").values_list(
                "blog_id", "user_id", "role"
            )
        ),
        "users": User.objects.count(),
        "media": Media.objects.count(),
        "media files": media_files(),
        "editing": list(Editing.objects.order_by("pk").values_list("entry_id", "user_id")),
        "drafts": list(
            EntryDraft.objects.order_by("pk").values_list("author_id", "entry_id", "version")
        ),
    }


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


@contextmanager
def changes_nothing() -> Iterator[None]:
    """Assert that the block changes no row the desk writes and leaves no file behind."""
    before = state()
    yield
    assert differences(before, state()) == []


# --- the desk's routes --------------------------------------------------------------------


def _routes(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def desk_routes() -> list[str]:
    """Every route under /desk/ as the resolver has it (``desk/<slug:slug>/entries``…)."""
    return [
        route for route in _routes(get_resolver().url_patterns, "") if route.startswith("desk/")
    ]


# Each variable part of a route, as a placeholder to fill in or the values to try in turn.
_PARTS: dict[str, tuple[str, ...]] = {
    "slug": ("{slug}",),
    "entry_id": ("{entry}",),
    "author_id": ("1",),  # whose composer draft (bulletin.desk.drafts)
    "change": STATUS_CHANGES,
    "action": ENTRY_ACTIONS,
    "uidb64": ("MQ",),
    "token": ("set-password",),
    "key": ("no-such-suggestion",),  # a key-point suggestion (bulletin.assist)
}


def route_paths(route: str) -> list[str]:
    """The paths a route stands for, with ``{slug}`` and ``{entry}`` left to fill in.

    A route with a part not known here fails loudly, so that a new route gets a value.
    """
    found = re.search(r"<(?:\w+:)?(\w+)>", route)
    if found is None:
        return ["/" + route]
    name = found.group(1)
    assert name in _PARTS, f"tests/desk/support.py: say what {name!r} in {route!r} takes"
    return [
        path
        for value in _PARTS[name]
        for path in route_paths(route[: found.start()] + value + route[found.end() :])
    ]
