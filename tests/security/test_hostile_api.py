"""Hostile input through every write route of API v1: each is refused with a clear 4xx in the
one error shape and leaves every row and file as it was, or is stored harmlessly as text.

The routes come from the router itself (:func:`tests.security.support.routes`), and their
fields from the published OpenAPI document, so a new route or field is attacked at once; a
new write route only needs a recipe below saying how to call it successfully.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from bulletin import config
from bulletin.accounts.models import ApiToken, Scope, hash_token
from bulletin.assist import services as assist
from bulletin.blogs import media, services
from bulletin.blogs.fields import NewContributor
from bulletin.blogs.models import Entry, Media
from tests.security.conftest import Newsroom
from tests.security.support import (
    BASE,
    HOSTILE_FILE_NAMES,
    SQL_TEXTS,
    STORED_NAME,
    Route,
    error_of,
    field_name,
    files_under,
    integer_fields,
    leaves,
    multipart,
    openapi,
    png_bytes,
    request_schema,
    routes,
    snapshot,
    stores_text,
    string_fields,
    unchanged,
    with_value,
    write_routes,
)

# --- how to call each write route successfully ---------------------------------------------


@dataclass(frozen=True)
class Recipe:
    """A request the route accepts from the blog's owner; the tests spoil one part of it."""

    body: dict[str, Any] | None = None
    entry: str | None = None  # status of the entry in {entry_id}, made by the owner
    if_match: bool = False
    blog: str = "live"
    pinned: bool = False
    multipart: bool = False
    fields: dict[str, str] = field(default_factory=dict)
    suggestion: bool = False  # {key} names a key-point suggestion the assistant made
    contributor: bool = False  # {contributor_id} names a profile the owner added
    selects: bool = False  # the body's "entries" lists the entry (a bulk action)


ENTRY_BODY = {
    "headline": "Quay closed",
    "body": "<p>Water over the quay.</p>",
    # Every field of an embed gets its hostile value inside a complete one; the older
    # embed_* fields (the first embed) are tested on their own, over it.
    "embeds": [
        {
            "url": "https://example.com/story",
            "title": "Harbour cam",
            "description": "The quay at noon",
            "author": "HM Coastguard",
        }
    ],
    "related_url": "https://example.org/background",
    "related_title": "Background",
}
RECIPES: dict[str, Recipe] = {
    "create_blog": Recipe({"slug": "harbour-night", "title": "Harbour night"}),
    "update_blog": Recipe({"title": "Renamed", "description": "The storm, hour by hour"}),
    "go_live": Recipe(blog="ended"),
    "end_coverage": Recipe(),
    "archive": Recipe(blog="ended"),
    "replace_key_points": Recipe({"key_points": [{"text": "Quay closed"}]}),
    "create_entry": Recipe(ENTRY_BODY),
    "update_entry": Recipe(
        {**ENTRY_BODY, "correction_note": "Corrected the pier."}, entry="published", if_match=True
    ),
    "delete_entry": Recipe(entry="published"),
    "submit_entry": Recipe(entry="draft"),
    "approve_entry": Recipe(entry="submitted", if_match=True),
    "reject_entry": Recipe(entry="submitted"),
    "publish_entry": Recipe(entry="draft", if_match=True),
    "unpublish_entry": Recipe(entry="published"),
    "bulk_entries": Recipe({"action": "unpublish"}, entry="published", selects=True),
    "restore_entry": Recipe(entry="deleted"),
    "schedule_entry": Recipe({"scheduled_for": "2100-01-01T00:00:00Z"}, entry="draft"),
    "set_key_event": Recipe({"key_event": True}, entry="published"),
    "pin_entry": Recipe(entry="published"),
    "unpin_entry": Recipe(entry="published", pinned=True),
    "upload_image": Recipe(multipart=True, fields={"alt": "The quay", "caption": "", "credit": ""}),
    "takedown_entry": Recipe({"reason": "Court order 2026/114"}, entry="published"),
    "similar": Recipe({"headline": "Quay closed", "body": "<p>Water over the quay.</p>"}),
    "accept_key_point": Recipe({"text": "The quay is closed"}, suggestion=True),
    "dismiss_key_point": Recipe(suggestion=True),
    "update_settings": Recipe({"repeat_threshold": 0.7}),
    "create_contributor": Recipe({"name": "Ana Costa", "role": "Harbour stringer"}),
    "update_contributor": Recipe(
        {"name": "Ana Costa", "role": "Harbour correspondent"}, contributor=True
    ),
    "delete_contributor": Recipe(contributor=True),
}
# Fields that hold words a person writes: hostile text there is stored as text.
TEXT_FIELDS = {
    "headline",
    "subtitle",
    "body",
    "embed_title",
    "embed_description",
    "embed_author",
    "embed_handle",
    "author",
    "handle",
    "related_title",
    "correction_note",
    "title",
    "description",
    "text",
    "alt",
    "caption",
    "credit",
    "reason",
    "guest_byline",
    "name",
    "role",
}

# POST routes that only answer a question (the repeat check): they store nothing, so the
# stored-or-refused tests below do not apply; their own test is further down.
QUESTIONS = {"similar"}
WRITES = [route for route in write_routes() if route.name not in QUESTIONS]
JSON_WRITES = [r for r in WRITES if request_schema(r)[0] == "application/json"]
UPLOADS = [r for r in WRITES if request_schema(r)[0] == "multipart/form-data"]
ENTRY_WRITES = [r for r in WRITES if "{entry_id}" in r.template]
BLOG_WRITES = [r for r in WRITES if "{slug}" in r.template]


def _ids(found: list[Route]) -> list[Any]:
    return [pytest.param(route, id=str(route)) for route in found]


def _field_params(found: list[Route], pick: Any) -> list[Any]:
    return [
        pytest.param(route, where, id=f"{route} {field_name(where)}")
        for route in found
        for where in pick(route)
    ]


@dataclass
class Target:
    """One route made ready to succeed: the blog in the right state, the entry it acts on."""

    route: Route
    recipe: Recipe
    path: str
    headers: dict[str, str]
    owner_token: str  # issued before the test looks at the database

    def send(
        self,
        client: Client,
        token: str | None = "",
        *,
        body: Any = None,
        raw: bytes | str | None = None,
        content_type: str = "application/json",
        fields: dict[str, Any] | None = None,
        path: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """Send the recipe (or what replaces it) with the owner's bearer token, with ``token``
        instead when one is given, or with none when ``token`` is None."""
        sent = {**self.headers, **(headers or {})}
        token = self.owner_token if token == "" else token
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        url = BASE + (path if path is not None else self.path)
        if self.recipe.multipart and raw is None:
            data = {"file": _upload(png_bytes()), **self.recipe.fields, **(fields or {})}
            return client.post(url, data, headers=sent)
        if raw is None:
            chosen = body if body is not None else self.recipe.body
            raw = json.dumps(chosen) if chosen is not None else ""
        return client.generic(self.route.method, url, raw, content_type=content_type, headers=sent)


def _upload(data: bytes, name: str = "quay.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def prepare(room: Newsroom, route: Route) -> Target:
    recipe = RECIPES[route.name]
    if recipe.blog == "ended":
        services.end_coverage(room.owner, room.blog)
    entry_id: object = ""
    if recipe.entry is not None:
        # A deleted entry is one that was published first (the restore route's).
        entry = room.entry("published" if recipe.entry == "deleted" else recipe.entry)
        if recipe.entry == "deleted":
            entry = services.delete_entry(room.owner, entry)
        entry_id = entry.pk
        if recipe.pinned:
            services.pin_entry(room.owner, room.blog, entry)
    if recipe.selects:
        recipe = replace(recipe, body={**(recipe.body or {}), "entries": [entry_id]})
    headers = {"If-Match": '"1"'} if recipe.if_match else {}
    path = route.path(room.blog.slug, entry_id)
    if recipe.suggestion:
        path = path.replace("{key}", suggestion_key(room))
    if recipe.contributor:
        profile = services.create_contributor(
            room.owner, room.blog, NewContributor(name="A. Costa", role="Stringer")
        )
        path = path.replace("{contributor_id}", str(profile.pk))
    return Target(route, recipe, path, headers, owner_token(room))


def suggestion_key(room: Newsroom) -> str:
    """Publish an entry the assistant draws a key point from, and name that suggestion."""
    room.entry(
        "published",
        key_event=True,
        body="<p>The harbour authority closed the main quay to all traffic after the storm.</p>",
    )
    suggestions = assist.suggestions(room.owner, room.blog)
    assert suggestions, "the assistant suggested no key point to accept or dismiss"
    return suggestions[0].key


def owner_token(room: Newsroom, scopes: list[str] | None = None) -> str:
    return room.make.token(room.owner, scopes)


# --- the recipes themselves -----------------------------------------------------------------


def test_every_write_route_has_a_recipe_here():
    missing = sorted({route.name for route in WRITES} - RECIPES.keys())
    assert missing == [], f"say how to call {missing} in RECIPES of {__file__}"
    assert {route.scope for route in WRITES} <= {Scope.WRITE, Scope.ADMIN}


@pytest.mark.parametrize("route", _ids(WRITES))
def test_each_recipe_is_accepted_from_the_owner_so_refusals_below_are_the_input(newsroom, route):
    target = prepare(newsroom, route)

    response = target.send(Client())

    assert 200 <= response.status_code < 300, (response.status_code, response.content[:300])


# --- SQL-ish text ---------------------------------------------------------------------------


@pytest.mark.parametrize("sql", SQL_TEXTS)
@pytest.mark.parametrize(
    ("route", "where"),
    _field_params(JSON_WRITES + UPLOADS, lambda r: [w for w in string_fields(r) if w != ("file",)]),
)
def test_sql_text_in_a_field_is_stored_as_text_or_refused(newsroom, route, where, sql):
    name = where[-1]
    target = prepare(newsroom, route)
    if target.recipe.multipart:
        send: dict[str, Any] = {"fields": {str(name): sql}}
    else:
        send = {"body": with_value(target.recipe.body or {}, where, sql)}
    entries = Entry.objects.count()
    before = snapshot()

    response = target.send(Client(), **send)

    if name in TEXT_FIELDS:
        assert response.status_code in {200, 201}, response.content[:300]
        assert stores_text(sql), f"{sql!r} sent as {field_name(where)} was not stored as sent"
    else:
        error = error_of(response, 400)
        assert error["code"] == "validation_error"
        assert field_name(where) in error["message"]
        assert snapshot() == before
    # The table the payload names is still there, with every row it had.
    assert Entry.objects.count() >= entries


SLUGS = [*SQL_TEXTS, "blog-1' OR '1'='1", "../../etc/passwd", "%", "x\x00y", "ä" * 300]
ENTRY_IDS = [*SQL_TEXTS, "1 OR 1=1", "1;DROP", str(2**70), "-1", "0", "1e3", "0x10", "\u0661"]


@pytest.mark.parametrize("route", _ids(BLOG_WRITES))
def test_a_hostile_slug_in_the_path_is_not_found(newsroom, route):
    target = prepare(newsroom, route)
    for slug in SLUGS:
        path = target.path.replace(f"/blogs/{newsroom.blog.slug}", f"/blogs/{quote(slug, safe='')}")

        with unchanged():
            response = target.send(Client(), path=path)

        assert error_of(response, 404)["code"] == "not_found", slug


@pytest.mark.parametrize("route", _ids(ENTRY_WRITES))
def test_a_hostile_entry_id_in_the_path_is_refused(newsroom, route):
    target = prepare(newsroom, route)
    for entry_id in ENTRY_IDS:
        path = re.sub(r"/entries/\d+", f"/entries/{quote(entry_id, safe='')}", target.path)

        with unchanged():
            response = target.send(Client(), path=path)

        error = error_of(response, 400, 404)
        if response.status_code == 400:
            assert "entry_id" in error["message"], (entry_id, error)


# Query parameters that filter by words a person wrote (a speaker's name, the words of a
# search): any text is a question they may ask, answered from stored rows.
FREE_TEXT_QUERIES = {"speaker", "q"}


def _query_parameters(route: Route) -> list[str]:
    operation = openapi()["paths"][BASE + route.template][route.method.lower()]
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]


@pytest.mark.parametrize(
    ("route", "name"),
    [
        pytest.param(route, name, id=f"{route} ?{name}")
        for route in routes()
        for name in _query_parameters(route)
    ],
)
def test_sql_text_in_a_query_parameter_is_refused(newsroom, route, name):
    client = Client()
    token = owner_token(newsroom)
    for sql in SQL_TEXTS:
        path = f"{BASE}{route.path(newsroom.blog.slug)}?{name}={quote(sql, safe='')}"

        with unchanged():
            response = client.get(path, headers={"Authorization": f"Bearer {token}"})

        if name in FREE_TEXT_QUERIES:
            assert response.status_code == 200, (sql, response.content[:300])
            continue
        error = error_of(response, 400)
        assert name in error["message"], (sql, error)


@pytest.mark.parametrize("route", _ids(WRITES))
def test_unknown_query_parameters_on_a_write_are_ignored_not_run(newsroom, route):
    target = prepare(newsroom, route)
    query = "&".join(f"{n}={quote(SQL_TEXTS[0], safe='')}" for n in ("slug", "entry_id", "since"))

    response = target.send(Client(), path=f"{target.path}?{query}")

    assert 200 <= response.status_code < 300, response.content[:300]
    assert not stores_text(SQL_TEXTS[0])


@pytest.mark.parametrize("text", [*SQL_TEXTS, "W" * 10_000])
def test_a_repeat_check_of_hostile_text_answers_and_stores_nothing(newsroom, text):
    newsroom.entry("published")
    route = next(r for r in write_routes() if r.name == "similar")
    target = prepare(newsroom, route)

    with unchanged():
        response = target.send(Client(), body={"headline": text[:300], "body": f"<p>{text}</p>"})

    assert response.status_code == 200, response.content[:300]
    assert not stores_text(text)


def test_sql_text_in_the_if_match_header_is_refused(newsroom):
    target = prepare(newsroom, next(r for r in WRITES if r.name == "update_entry"))
    for sql in SQL_TEXTS:
        with unchanged():
            response = target.send(Client(), headers={"If-Match": sql})

        assert "If-Match" in error_of(response, 400)["message"]


# --- sizes, shapes and encodings ------------------------------------------------------------


@pytest.mark.parametrize("route", _ids(JSON_WRITES))
def test_a_body_over_the_request_limit_or_of_one_megabyte_is_refused_with_413(newsroom, route):
    target = prepare(newsroom, route)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    for size in (limit + 1, 1 << 20):
        raw = json.dumps({"headline": "x" * size})

        with unchanged():
            error = error_of(target.send(Client(), raw=raw), 413)

        assert error["code"] == "payload_too_large"
        assert f"at most {limit} bytes" in error["message"]


@pytest.mark.parametrize(
    ("route", "where"),
    _field_params(JSON_WRITES, lambda r: [w for w in string_fields(r)]),
)
def test_ten_thousand_characters_in_a_field_are_refused_with_the_length_or_kept_whole(
    newsroom, route, where
):
    target = prepare(newsroom, route)
    schema = dict(leaves(route))[where]
    text = "W" * 10_000

    before = snapshot()
    response = target.send(Client(), body=with_value(target.recipe.body or {}, where, text))

    if schema.get("maxLength", 10_000) < 10_000:
        error = error_of(response, 400)
        assert error["fields"] == {
            field_name(where): f"must be at most {schema['maxLength']} characters, got 10000"
        }
        assert snapshot() == before
    elif response.status_code < 300:
        assert stores_text(text)
    else:
        error = error_of(response, 400)
        assert field_name(where) in error["message"]
        assert snapshot() == before


def test_a_body_over_its_byte_limit_is_refused_with_its_size(newsroom):
    limit = config.current.MAX_BODY_BYTES
    for route in (r for r in JSON_WRITES if ("body",) in string_fields(r)):
        target = prepare(newsroom, route)
        body = with_value(target.recipe.body or {}, ("body",), "é" * (limit // 2 + 1))

        with unchanged():
            error = error_of(target.send(Client(), body=body), 400)

        assert error["fields"] == {"body": f"must be at most {limit} bytes, got {limit + 2}"}


MALFORMED = {
    "nested 10,000 levels (array)": "[" * 10_000 + "]" * 10_000,
    "nested 10,000 levels (object)": '{"headline": ' * 10_000 + '"x"' + "}" * 10_000,
    "NaN": '{"headline": NaN, "key_event": NaN}',
    "Infinity": '{"headline": Infinity, "key_event": -Infinity}',
    "invalid UTF-8": b'{"headline": "Quay \xff\xfe closed"}',
    "UTF-16": '{"headline": "Quay"}'.encode("utf-16"),
    "cut short": '{"headline": "Quay',
    "two documents": '{"headline": "a"}{"headline": "b"}',
}


@pytest.mark.parametrize("route", _ids(JSON_WRITES))
def test_malformed_json_is_refused_as_malformed(newsroom, route):
    target = prepare(newsroom, route)
    for kind, raw in MALFORMED.items():
        with unchanged():
            response = target.send(Client(), raw=raw)

        error = error_of(response, 400)
        assert error["code"] == "malformed_json", (kind, error)
        assert error["message"].startswith("request body must be JSON"), (kind, error)
        if kind in {"NaN", "Infinity"}:
            assert "is not a JSON number" in error["message"]


def test_a_lone_surrogate_is_refused_as_text_that_is_not_unicode(newsroom):
    target = prepare(newsroom, next(r for r in WRITES if r.name == "create_entry"))

    with unchanged():
        response = target.send(Client(), raw='{"headline": "Quay \\ud800"}')

    assert error_of(response, 400)["fields"] == {
        "headline": "must be text without NUL characters or lone UTF-16 surrogates, "
        "got a lone UTF-16 surrogate (U+D800) at character 6"
    }


@pytest.mark.parametrize("route", _ids(JSON_WRITES))
def test_a_body_that_is_empty_or_not_an_object_is_refused(newsroom, route):
    target = prepare(newsroom, route)
    for raw in ("", "null", "[]", '"Quay"', "42", "true", "[{}]"):
        with unchanged():
            error = error_of(target.send(Client(), raw=raw), 400)

        assert error["code"] == "validation_error", raw


WRONG_TYPES = {
    "text/plain": "text/plain",
    "form": "application/x-www-form-urlencoded",
    "multipart": "multipart/form-data; boundary=x",
    "xml": "application/xml",
    "none": "",
}


@pytest.mark.parametrize("route", _ids(JSON_WRITES))
def test_json_sent_under_another_content_type_is_refused_with_415(newsroom, route):
    target = prepare(newsroom, route)
    raw = json.dumps(target.recipe.body)
    for kind, content_type in WRONG_TYPES.items():
        with unchanged():
            response = target.send(Client(), raw=raw, content_type=content_type)

        error = error_of(response, 415)
        assert error["code"] == "unsupported_media_type", kind
        assert "must be sent as Content-Type: application/json" in error["message"]


def test_json_with_a_charset_or_a_json_suffix_type_is_still_json(newsroom):
    target = prepare(newsroom, next(r for r in WRITES if r.name == "create_entry"))
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = target.send(Client(), raw=json.dumps(ENTRY_BODY), content_type=content_type)

        assert response.status_code == 201, (content_type, response.content[:300])


@pytest.mark.parametrize(
    ("route", "where"), _field_params(JSON_WRITES, lambda r: [w for w in string_fields(r)])
)
def test_a_nul_character_in_a_field_is_refused_and_the_field_named(newsroom, route, where):
    target = prepare(newsroom, route)
    body = with_value(target.recipe.body or {}, where, "Quay\x00closed")

    with unchanged():
        error = error_of(target.send(Client(), body=body), 400)

    # The field holding it, or the list of objects it is in.
    named = field_name(where)
    assert any(named.startswith(name) for name in error["fields"]), error
    assert "NUL" in error["message"]


@pytest.mark.parametrize(
    ("route", "where"), _field_params(JSON_WRITES, lambda r: [w for w, _s in leaves(r)])
)
def test_a_value_of_the_wrong_type_is_refused_and_the_field_named(newsroom, route, where):
    target = prepare(newsroom, route)
    for wrong in ({"$gt": ""}, [[1]]):
        body = with_value(target.recipe.body or {}, where, wrong)

        with unchanged():
            error = error_of(target.send(Client(), body=body), 400)

        assert error["code"] == "validation_error"
        assert field_name(where) in error["message"], (wrong, error)


@pytest.mark.parametrize(("route", "where"), _field_params(JSON_WRITES, integer_fields))
def test_an_id_of_two_to_the_seventy_is_refused_and_the_field_named(newsroom, route, where):
    target = prepare(newsroom, route)
    for huge in (2**70, -(2**70), 2**63):
        body = with_value(target.recipe.body or {}, where, huge)

        with unchanged():
            error = error_of(target.send(Client(), body=body), 400)

        assert error["fields"] == {
            field_name(where): f"must be at most {2**63 - 1}, got {huge}"
            if huge > 0
            else f"must be at least 1, got {huge}"
        }


def test_a_nul_character_in_a_field_name_is_refused(newsroom):
    for route in JSON_WRITES:
        target = prepare(newsroom, route)
        raw = json.dumps({**(target.recipe.body or {}), "head\x00line": "Quay"})

        with unchanged():
            error = error_of(target.send(Client(), raw=raw), 400)

        assert "NUL" in error["message"], (str(route), error)


# --- uploads --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_FILE_NAMES)
def test_an_upload_is_stored_under_a_random_name_inside_media_root_whatever_its_name(
    newsroom, media_root, tmp_path, name
):
    body, content_type = multipart({"alt": "The quay"}, "file", name, png_bytes())

    response = Client().generic(
        "POST",
        f"{BASE}/blogs/{newsroom.blog.slug}/media",
        body,
        content_type=content_type,
        headers={"Authorization": f"Bearer {owner_token(newsroom)}"},
    )

    assert response.status_code == 201, response.content[:300]
    stored = Media.objects.get(pk=response.json()["id"])
    assert re.fullmatch(STORED_NAME, stored.file), stored.file
    assert response.json()["url"] == f"/media/{stored.file}"
    written = files_under(tmp_path)
    assert written
    assert all(path.is_relative_to(media_root / "uploads") for path in written), written
    assert all(re.fullmatch(r"[0-9a-f]{32}(-\d+)?\.(png|webp)", p.name) for p in written)


@pytest.mark.parametrize("route", _ids(UPLOADS))
def test_an_upload_that_is_not_a_sane_image_is_refused_and_stores_nothing(
    newsroom, settings, route
):
    settings.BULLETIN = {**settings.BULLETIN, "MEDIA_MAX_BYTES": 50_000}
    target = prepare(newsroom, route)
    token = owner_token(newsroom)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="window.pwned=1"/>'
    hostile = {
        "an SVG named .png": {"file": _upload(svg)},
        "HTML named .png": {"file": _upload(b"<script>window.pwned=1</script>")},
        "an empty file": {"file": _upload(b"")},
        "more bytes than allowed": {"file": _upload(png_bytes() + b"\0" * 60_000)},
        "a picture cut short": {"file": _upload(png_bytes()[:60])},
        "no file at all": {"file": ""},
    }
    for kind, data in hostile.items():
        with unchanged():
            response = Client().post(
                BASE + target.path,
                {"alt": "The quay", **data},
                headers={"Authorization": f"Bearer {token}"},
            )

        error = error_of(response, 400)
        assert error["code"] == "validation_error", kind
    for raw, content_type in ((json.dumps({"alt": "x"}), "application/json"), ("", "")):
        with unchanged():
            response = target.send(Client(), token, raw=raw, content_type=content_type)

        assert error_of(response, 400)["fields"] == {"file": "is required"}


@pytest.mark.parametrize("route", _ids(UPLOADS))
def test_the_words_of_an_upload_refuse_control_characters_and_excess(newsroom, route):
    target = prepare(newsroom, route)
    token = owner_token(newsroom)
    for name in ("alt", "caption", "credit"):
        for value in ("Quay\x00", "Quay\x1b[2J", "W" * 10_000):
            with unchanged():
                response = target.send(Client(), token, fields={name: value})

            assert name in error_of(response, 400)["fields"], (name, value[:20])


# --- another blog's pictures ----------------------------------------------------------------


def _image_fields(route: Route) -> list[Any]:
    return [w for w in integer_fields(route) if str(w[-1]).endswith(("image_id", "photo_id"))]


def _image_of(uploader: Any, blog: Any) -> Media:
    return media.save_image(uploader, blog, _upload(png_bytes()), alt="Embargoed picture")


@pytest.mark.parametrize(("route", "where"), _field_params(JSON_WRITES, _image_fields))
def test_an_image_uploaded_for_another_blog_cannot_be_attached_or_seen(newsroom, route, where):
    target = prepare(newsroom, route)
    theirs = _image_of(newsroom.outsider, newsroom.other_blog)
    body = with_value(target.recipe.body or {}, where, theirs.pk)

    with unchanged():
        response = target.send(Client(), body=body)

    assert error_of(response, 400)["fields"] == {
        field_name(where): f"must be an image uploaded by this live blog's team, got {theirs.pk}"
    }
    assert theirs.file not in response.content.decode()


@pytest.mark.parametrize(("route", "where"), _field_params(JSON_WRITES, _image_fields))
def test_an_image_a_teammate_uploaded_may_be_attached(newsroom, route, where):
    target = prepare(newsroom, route)
    # A blog being created has no team yet: its creator's own upload.
    teammate = newsroom.owner if route.name == "create_blog" else newsroom.editor
    ours = _image_of(teammate, newsroom.blog)
    body = with_value(target.recipe.body or {}, where, ours.pk)

    response = target.send(Client(), body=body)

    assert 200 <= response.status_code < 300, response.content[:300]
    assert ours.file in response.content.decode()


# --- forged roles ---------------------------------------------------------------------------


def _refused(response: Any, *statuses: int) -> dict[str, Any]:
    error = error_of(response, *statuses)
    assert error["code"] in {"permission_denied", "not_found", "not_authenticated"}, error
    return error


@pytest.mark.parametrize("route", _ids([r for r in WRITES if r.name != "upload_image"]))
def test_a_contributor_token_may_not_publish_approve_pin_curate_or_configure(newsroom, route):
    # Every recipe acts on the owner's entries or publishes: beyond what contributors may do.
    # The owner's unpublished entries do not even exist for a contributor (404, not 403).
    target = prepare(newsroom, route)
    token = newsroom.make.token(newsroom.contributor)
    hidden = target.recipe.entry not in {None, "published"}

    with unchanged():
        error = _refused(target.send(Client(), token), 404 if hidden else 403)

    if hidden:
        assert error["code"] == "not_found", error
        return
    assert error["code"] == "permission_denied"
    assert "contributor" in error["message"] or "staff" in error["message"], error


@pytest.mark.parametrize("route", _ids([r for r in WRITES if "{slug}" in r.template]))
def test_a_token_of_another_blogs_owner_writes_nothing_here(newsroom, route):
    target = prepare(newsroom, route)
    token = newsroom.make.token(newsroom.outsider)

    with unchanged():
        error = _refused(target.send(Client(), token), 403, 404)

    if error["code"] == "permission_denied":
        assert "not a member of this live blog" in error["message"], error


@pytest.mark.parametrize("route", _ids(WRITES))
def test_a_token_without_the_scope_a_route_needs_is_refused(newsroom, route):
    target = prepare(newsroom, route)
    lacking = [[], [Scope.READ]]
    if route.scope == Scope.ADMIN:
        lacking.append([Scope.READ, Scope.WRITE])
    for scopes in lacking:
        token = owner_token(newsroom, scopes)
        with unchanged():
            error = _refused(target.send(Client(), token), 403)

        assert f"needs the {route.scope!r} scope" in error["message"], (scopes, error)


@pytest.mark.parametrize("route", _ids(WRITES))
def test_an_admin_token_reaches_every_write_route(newsroom, route):
    target = prepare(newsroom, route)

    response = target.send(Client(), owner_token(newsroom, [Scope.ADMIN]))

    assert 200 <= response.status_code < 300, response.content[:300]


# --- stale, replayed and forged tokens ------------------------------------------------------


def _revoked(room: Newsroom) -> str:
    raw = owner_token(room)
    ApiToken.objects.filter(token_hash=hash_token(raw)).update(revoked_at=timezone.now())
    return raw


def _expired(room: Newsroom) -> str:
    raw = owner_token(room)
    ApiToken.objects.filter(token_hash=hash_token(raw)).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    return raw


def _of_a_deactivated_user(room: Newsroom) -> str:
    raw = owner_token(room)
    room.owner.is_active = False
    room.owner.save(update_fields=["is_active"])
    return raw


def _tampered(room: Newsroom) -> str:
    raw = owner_token(room)
    last = raw[-1]
    return raw[:-1] + ("A" if last != "A" else "B")


def _truncated(room: Newsroom) -> str:
    return owner_token(room)[:-1]


def _sql(room: Newsroom) -> str:
    return "' OR '1'='1"


def _huge(room: Newsroom) -> str:
    return "blt_" + "A" * 20_000


SPOILED = {
    "revoked": _revoked,
    "expired": _expired,
    "of a deactivated user": _of_a_deactivated_user,
    "tampered (one character changed)": _tampered,
    "truncated": _truncated,
    "SQL": _sql,
    "20,000 characters": _huge,
}


@pytest.mark.parametrize("route", _ids(WRITES))
def test_a_stale_or_forged_token_is_refused_with_401(newsroom, route):
    target = prepare(newsroom, route)
    tokens = {kind: spoil(newsroom) for kind, spoil in SPOILED.items()}
    for kind, token in tokens.items():
        with unchanged():
            error = _refused(target.send(Client(), token), 401)

        assert error["code"] == "not_authenticated", kind
        assert token not in error["message"]


@pytest.mark.parametrize("header", ["Basic b3duZXI6cGFzcw==", "Bearer", "Token abc", "bearer  "])
def test_an_authorization_header_of_another_scheme_is_refused_with_401(newsroom, header):
    target = prepare(newsroom, next(r for r in WRITES if r.name == "create_entry"))

    with unchanged():
        response = target.send(Client(), None, headers={"Authorization": header})

    assert _refused(response, 401)["code"] == "not_authenticated"


def test_a_replayed_if_match_after_a_successful_edit_is_a_conflict_and_changes_nothing(newsroom):
    target = prepare(newsroom, next(r for r in WRITES if r.name == "update_entry"))
    token = owner_token(newsroom)
    first = target.send(Client(), token, body={"headline": "Pier 5, not Pier 4"})
    assert first.status_code == 200, first.content[:300]
    assert first.json()["revision"] == 2
    blog_seq = newsroom.refreshed_blog().seq

    for replay in ({"headline": "Pier 5, not Pier 4"}, {"headline": "Pier 6"}):
        with unchanged():
            error = error_of(target.send(Client(), token, body=replay), 409)

        assert error["code"] == "conflict"
        assert error["current_revision"] == 2
    entry_id = int(target.path.rsplit("/", 1)[-1])
    assert Entry.objects.get(pk=entry_id).headline == "Pier 5, not Pier 4"
    assert newsroom.refreshed_blog().seq == blog_seq


@pytest.mark.parametrize(
    "name", ["approve_entry", "reject_entry", "publish_entry", "delete_entry", "submit_entry"]
)
def test_a_replayed_workflow_step_is_refused_and_changes_nothing(newsroom, name):
    target = prepare(newsroom, next(r for r in WRITES if r.name == name))
    token = owner_token(newsroom)
    assert target.send(Client(), token).status_code < 300

    with unchanged():
        error = error_of(target.send(Client(), token), 404, 409)

    assert error["code"] in {"invalid_state", "not_found"}


# --- sessions and CSRF ----------------------------------------------------------------------


def _session(room: Newsroom) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(room.owner)
    return client


@pytest.mark.parametrize("route", _ids(WRITES))
def test_a_session_write_without_the_csrf_token_is_refused_with_403(newsroom, route):
    target = prepare(newsroom, route)
    client = _session(newsroom)

    with unchanged():
        error = error_of(target.send(client, None), 403)

    assert error["code"] == "permission_denied"
    assert "CSRF" in error["message"]


def test_a_session_write_with_a_forged_csrf_token_is_refused_with_403(newsroom):
    target = prepare(newsroom, next(r for r in WRITES if r.name == "create_entry"))
    client = _session(newsroom)
    client.cookies["csrftoken"] = "a" * 32
    for header in ("b" * 32, "", "' OR 1=1 --"):
        with unchanged():
            response = target.send(client, None, headers={"X-CSRFToken": header})

        assert "CSRF" in error_of(response, 403)["message"]


def test_a_session_write_with_its_csrf_token_is_accepted(newsroom):
    target = prepare(newsroom, next(r for r in WRITES if r.name == "create_entry"))
    client = _session(newsroom)
    client.cookies["csrftoken"] = "c" * 32

    response = target.send(client, None, headers={"X-CSRFToken": "c" * 32})

    assert response.status_code == 201, response.content[:300]


def test_the_session_of_a_deactivated_user_is_refused_with_401(newsroom):
    target = prepare(newsroom, next(r for r in WRITES if r.name == "create_entry"))
    client = _session(newsroom)
    client.cookies["csrftoken"] = "c" * 32
    newsroom.owner.is_active = False
    newsroom.owner.save(update_fields=["is_active"])

    with unchanged():
        response = target.send(client, None, headers={"X-CSRFToken": "c" * 32})

    assert error_of(response, 401)["code"] == "not_authenticated"
