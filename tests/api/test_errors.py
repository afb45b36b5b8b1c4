"""Every refusal has the one error shape, a 4xx status, and leaves the database as it was."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from bulletin.accounts.models import ApiToken, Role, hash_token
from tests.api.support import Api, error_of, writes_nothing

# --- bodies that are not what the route takes --------------------------------------------


def test_malformed_json_is_refused_as_malformed_json(desk):
    with writes_nothing():
        error = error_of(desk.api.call("POST", f"{desk.path}/entries", raw='{"headline": '), 400)

    assert error["code"] == "malformed_json"
    assert "must be JSON" in error["message"]


def test_a_body_that_is_not_json_at_all_is_refused(desk):
    with writes_nothing():
        error = error_of(desk.api.call("POST", f"{desk.path}/entries", raw=b"\xff\xfe{"), 400)

    assert error["code"] == "malformed_json"


def test_an_unknown_field_is_refused_and_named(desk):
    with writes_nothing():
        error = error_of(
            desk.api.post(f"{desk.path}/entries", {"headline": "Quay", "headlnie": "typo"}), 400
        )

    assert error["code"] == "validation_error"
    assert "headlnie" in error["message"]
    assert error["fields"] == {"headlnie": "is not a known field"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"headline": 5}, "headline", id="number-for-string"),
        pytest.param({"headline": "Quay", "body": ["<p>x</p>"]}, "body", id="list-for-string"),
        pytest.param({"headline": "Quay", "author_ids": "1"}, "author_ids", id="string-for-list"),
        pytest.param({"headline": "Quay", "author_ids": ["me"]}, "author_ids[0]", id="list-item"),
        pytest.param({"headline": "Quay", "key_event": {}}, "key_event", id="object-for-bool"),
        pytest.param({"headline": "Quay", "status": "gone"}, "status", id="unknown-status"),
        pytest.param({"headline": "Quay", "display_at": "soon"}, "display_at", id="bad-datetime"),
        pytest.param({"headline": "Quay", "image_id": 0}, "image_id", id="id-below-one"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_and_its_field_named(desk, body, field):
    with writes_nothing():
        error = error_of(desk.api.post(f"{desk.path}/entries", body), 400)

    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert error["message"].startswith(f"{field}: ")


@pytest.mark.parametrize("body", [[], None, "headline", 3])
def test_a_body_that_is_not_an_object_is_refused(desk, body):
    with writes_nothing():
        error = error_of(desk.api.post(f"{desk.path}/entries", body), 400)

    assert error["code"] == "validation_error"
    assert "must be an object" in error["message"]


def test_a_headline_of_412_characters_is_refused_with_its_length(desk):
    with writes_nothing():
        error = error_of(desk.api.post(f"{desk.path}/entries", {"headline": "h" * 412}), 400)

    assert "headline: must be at most 300 characters, got 412" in error["message"]


def test_a_body_over_100_kb_is_refused_with_its_size(desk):
    with writes_nothing():
        error = error_of(desk.api.post(f"{desk.path}/entries", {"body": "x" * 100_001}), 400)

    assert error["code"] == "validation_error"
    assert "must be at most 100000 bytes" in error["message"]
    assert "got 100001" in error["message"]


def test_a_request_body_over_the_upload_limit_is_refused_with_413(desk):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = json.dumps({"headline": "Quay", "body": "x" * limit})

    with writes_nothing():
        error = error_of(desk.api.call("POST", f"{desk.path}/entries", raw=body), 413)

    assert error["code"] == "payload_too_large"
    assert f"at most {limit} bytes" in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"headline": "Ferries\x00"}, "headline", id="headline"),
        pytest.param({"body": "<p>\x00</p>"}, "body", id="body"),
        pytest.param({"headline": "Quay", "related_title": "\x00"}, "related_title", id="title"),
    ],
)
def test_nul_characters_are_refused(desk, body, field):
    with writes_nothing():
        error = error_of(desk.api.post(f"{desk.path}/entries", body), 400)

    assert error["code"] == "validation_error"
    assert "NUL" in error["message"]


def test_nul_characters_are_refused_in_blogs_and_key_points(desk, make, api_as):
    staff = api_as(make.staff())
    with writes_nothing():
        title = error_of(staff.post("/blogs", {"slug": "quay", "title": "Quay\x00"}), 400)
        patch = error_of(desk.api.patch(desk.path, {"description": "\x00"}), 400)
        point = error_of(
            desk.api.put(f"{desk.path}/key-points", {"key_points": [{"text": "a\x00"}]}), 400
        )
        key = error_of(desk.api.post(f"{desk.path}/entries", {"head\x00line": "x"}), 400)

    assert all("NUL" in error["message"] for error in (title, patch, point, key))


def test_a_nul_character_error_names_the_field_that_holds_it(desk):
    # The NUL check runs over the whole body, and its error is filed under "body": for an
    # entry that names the wrong field, since "body" is also the entry's text.
    error = error_of(desk.api.post(f"{desk.path}/entries", {"headline": "Ferries\x00"}), 400)

    assert "headline" in error["message"], error["message"]


@pytest.mark.parametrize(
    "url",
    ["http://[::1", "https://[not-ipv6]/x"],
)
@pytest.mark.parametrize("field", ["related_url", "embed_url"])
def test_a_url_python_cannot_parse_is_refused_not_a_server_error(desk, field, url):
    with writes_nothing():
        error = error_of(
            desk.api.post(f"{desk.path}/entries", {"headline": "Quay", field: url}), 400
        )

    assert field in error["message"]


def test_a_url_that_is_not_http_is_refused(desk):
    with writes_nothing():
        error = error_of(
            desk.api.post(
                f"{desk.path}/entries", {"headline": "Quay", "related_url": "javascript:alert(1)"}
            ),
            400,
        )

    assert error["fields"]["related_url"].startswith("must be an http(s) URL")


# --- time -------------------------------------------------------------------------------

NAIVE = "2026-01-27T14:32:00"


def test_naive_datetimes_are_refused_everywhere(desk, make, api_as):
    entry = make.entry(desk.blog, status="draft")
    staff = api_as(make.staff())

    with writes_nothing():
        refused = {
            "display_at": desk.api.post(
                f"{desk.path}/entries", {"headline": "Quay", "display_at": NAIVE}
            ),
            "scheduled_for": desk.api.post(
                f"{desk.path}/entries",
                {"headline": "Quay", "status": "scheduled", "scheduled_for": NAIVE},
            ),
            "coverage_start": staff.post(
                "/blogs", {"slug": "quay", "title": "Quay", "coverage_start": NAIVE}
            ),
            "coverage_end": desk.api.patch(desk.path, {"coverage_end": NAIVE}),
            "scheduled_for ": desk.api.post(
                f"{desk.path}/entries/{entry.pk}/schedule", {"scheduled_for": NAIVE}
            ),
        }

    for field, response in refused.items():
        error = error_of(response, 400)
        assert field.strip() in error["fields"], error
        assert "time zone" in error["message"]


def test_a_schedule_in_the_past_is_refused(desk, make):
    entry = make.entry(desk.blog, status="draft")
    past = (timezone.now() - timedelta(minutes=1)).isoformat()

    with writes_nothing():
        error = error_of(
            desk.api.post(f"{desk.path}/entries/{entry.pk}/schedule", {"scheduled_for": past}),
            400,
        )

    assert error["message"].startswith("scheduled_for: must be in the future")


# --- blogs ------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["Harbour Storm", "harbour--storm", "-storm", "", "a" * 101])
def test_a_bad_slug_is_refused_on_create(make, api_as, slug):
    with writes_nothing():
        error = error_of(api_as(make.staff()).post("/blogs", {"slug": slug, "title": "Storm"}), 400)

    assert "slug" in error["fields"]


def test_a_slug_already_taken_is_a_conflict(desk, make, api_as):
    with writes_nothing():
        error = error_of(
            api_as(make.staff()).post("/blogs", {"slug": desk.blog.slug, "title": "Again"}), 409
        )

    assert error["code"] == "conflict"
    assert error["fields"] == {"slug": "already taken"}


def test_renaming_a_blog_to_a_taken_slug_is_a_conflict(desk, make):
    other = make.blog()

    with writes_nothing():
        error = error_of(desk.api.patch(desk.path, {"slug": other.slug}), 409)

    assert error["code"] == "conflict"


def test_a_required_field_missing_on_create_is_named(make, api_as):
    with writes_nothing():
        error = error_of(api_as(make.staff()).post("/blogs", {"slug": "quay"}), 400)

    assert error["fields"] == {"title": "is required"}


# --- what does not exist ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", ""),
        ("PATCH", ""),
        ("GET", "/entries"),
        ("POST", "/entries"),
        ("GET", "/changes"),
        ("PUT", "/key-points"),
        ("POST", "/live"),
    ],
)
def test_an_unknown_blog_is_not_found(desk, method, suffix):
    body = {"": {"title": "Quay"}, "/key-points": {"key_points": []}}.get(
        suffix, {"headline": "Quay"}
    )

    with writes_nothing():
        error = error_of(desk.api.call(method, f"/blogs/no-such-blog{suffix}", body), 404)

    assert error["code"] == "not_found"
    assert "no-such-blog" in error["message"]


ENTRY_ROUTES = [
    ("GET", ""),
    ("PATCH", ""),
    ("DELETE", ""),
    ("POST", "/publish"),
    ("POST", "/pin"),
    ("DELETE", "/pin"),
    ("PUT", "/key-event"),
]


@pytest.mark.parametrize(("method", "suffix"), ENTRY_ROUTES)
@pytest.mark.parametrize("entry_id", [999_999, 2**63 - 1])
def test_an_unknown_entry_is_not_found(desk, method, suffix, entry_id):
    body = {"key_event": True} if suffix == "/key-event" else {"headline": "Quay"}

    with writes_nothing():
        response = desk.api.call(
            method, f"{desk.path}/entries/{entry_id}{suffix}", body, if_match="1"
        )

    assert error_of(response, 404)["code"] == "not_found"


def test_an_entry_of_another_blog_is_not_found(desk, make):
    elsewhere = make.entry(make.blog())

    with writes_nothing():
        error = error_of(desk.api.delete(f"{desk.path}/entries/{elsewhere.pk}"), 404)

    assert error["code"] == "not_found"


@pytest.mark.parametrize(("method", "suffix"), ENTRY_ROUTES)
@pytest.mark.parametrize("entry_id", ["abc", "1.5", "0", "-1", str(2**63), str(2**70)])
def test_an_entry_id_that_is_not_a_64_bit_id_is_refused_not_a_server_error(
    desk, method, suffix, entry_id
):
    with writes_nothing():
        response = desk.api.call(method, f"{desk.path}/entries/{entry_id}{suffix}", {})

    assert response.status_code in {400, 404}
    error_of(response, response.status_code)


@pytest.mark.parametrize(
    "query", ["since=-1", f"since={2**70}", "since=abc", "limit=0", "limit=101", "limit=x"]
)
def test_query_values_out_of_range_are_refused(desk, query):
    route = "changes" if query.startswith("since") else "entries"

    error = error_of(desk.api.get(f"{desk.path}/{route}?{query}"), 400)

    assert error["code"] == "validation_error"
    assert query.split("=")[0] in error["fields"]


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%00",
        _cursor("2026-01-27T14:32:00+00:00"),
        _cursor("2026-01-27T14:32:00+00:00|abc"),
        _cursor("2026-01-27T14:32:00|5"),
        _cursor("2026-01-27T14:32:00+00:00|0"),
        "x" * 201,
    ],
)
def test_an_invalid_cursor_is_refused(desk, cursor):
    error = error_of(desk.api.get(f"{desk.path}/entries?cursor={cursor}"), 400)

    assert "cursor" in error["fields"]


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_a_cursor_at_the_edge_of_time_is_never_a_server_error(desk, make, moment):
    # Converted to UTC these moments leave Python's datetime range; PostgreSQL can compare
    # them, SQLite's adapter cannot. Refusing such a cursor (400) or answering (200) are both
    # fine; crashing is not.
    make.entry(desk.blog)

    response = desk.api.get(f"{desk.path}/entries?cursor={_cursor(moment + '|1')}")

    assert response.status_code in {200, 400}, response.content
    if response.status_code == 400:
        assert "cursor" in error_of(response, 400)["fields"]


@pytest.mark.parametrize("header", ["*", "abc", "1, 2", "r1", "9999999999"])
def test_an_if_match_that_is_not_a_revision_is_refused(desk, make, header):
    entry = make.entry(desk.blog)

    with writes_nothing():
        response = desk.api.patch(
            f"{desk.path}/entries/{entry.pk}", {"headline": "x"}, if_match=header
        )

    assert "If-Match" in error_of(response, 400)["fields"]


# --- who is asking ----------------------------------------------------------------------


def test_an_anonymous_write_is_refused_with_401(desk, anonymous):
    with writes_nothing():
        error = error_of(anonymous.post(f"{desk.path}/entries", {"headline": "Quay"}), 401)

    assert error["code"] == "not_authenticated"
    assert "Bearer" in error["message"]


def test_an_anonymous_write_from_a_real_client_is_refused_with_401_not_a_csrf_error(desk):
    # Django's test client skips CSRF checks unless told; a real HTTP client does not.
    with writes_nothing():
        response = Api(Client(enforce_csrf_checks=True)).post(
            f"{desk.path}/entries", {"headline": "Quay"}
        )

    assert error_of(response, 401)["code"] == "not_authenticated"


def test_a_token_without_the_write_scope_may_read_but_not_write(desk, api_as):
    reader = api_as(desk.owner, scopes=["read"])

    assert reader.get(desk.path).status_code == 200
    with writes_nothing():
        error = error_of(reader.post(f"{desk.path}/entries", {"headline": "Quay"}), 403)

    assert error["code"] == "permission_denied"


def test_the_scope_error_names_the_missing_scope_as_tokens_spell_it(desk, api_as):
    reader = api_as(desk.owner, scopes=["read"])

    error = error_of(reader.post(f"{desk.path}/entries", {"headline": "Quay"}), 403)

    assert "needs the 'write' scope" in error["message"], error["message"]


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param({"revoked_at": timezone.now()}, id="revoked"),
        pytest.param({"expires_at": timezone.now() - timedelta(seconds=1)}, id="expired"),
    ],
)
def test_a_revoked_or_expired_token_is_refused_with_401(desk, make, spoil):
    raw = make.token(desk.owner)
    ApiToken.objects.filter(token_hash=hash_token(raw)).update(**spoil)
    api = Api(Client(), raw)

    with writes_nothing():
        write = error_of(api.post(f"{desk.path}/entries", {"headline": "Quay"}), 401)
        read = error_of(api.get(desk.path), 401)

    assert write["code"] == read["code"] == "not_authenticated"


def test_an_unknown_token_is_refused_with_401(desk):
    with writes_nothing():
        error = error_of(Api(Client(), "blt_nonsense").post(desk.path + "/live"), 401)

    assert error["code"] == "not_authenticated"


def test_a_contributor_may_not_publish(desk, make, api_as):
    contributor = make.member(desk.blog, Role.CONTRIBUTOR)
    api = api_as(contributor)
    draft = make.entry(desk.blog, by=contributor, status="draft")

    with writes_nothing():
        create = error_of(api.post(f"{desk.path}/entries", {"headline": "Quay"}), 403)
        publish = error_of(api.post(f"{desk.path}/entries/{draft.pk}/publish"), 403)

    assert create["code"] == publish["code"] == "permission_denied"
    assert "your role is contributor" in publish["message"]


def test_a_non_staff_user_may_not_create_blogs(make, api_as):
    with writes_nothing():
        error = error_of(api_as(make.user()).post("/blogs", {"slug": "quay", "title": "Q"}), 403)

    assert error["code"] == "permission_denied"


def test_writing_to_an_archived_blog_is_refused(make, api_as):
    blog = make.blog()
    entry = make.entry(blog)
    api = api_as(make.owner_of(blog))
    api.post(f"/blogs/{blog.slug}/end")
    api.post(f"/blogs/{blog.slug}/archive")

    with writes_nothing():
        create = error_of(api.post(f"/blogs/{blog.slug}/entries", {"headline": "Late"}), 409)
        edit = error_of(
            api.patch(f"/blogs/{blog.slug}/entries/{entry.pk}", {"headline": "x"}, if_match="1"),
            409,
        )

    assert create["code"] == edit["code"] == "invalid_state"


# --- outside the routes -----------------------------------------------------------------


def test_a_method_a_route_does_not_take_gets_the_one_error_shape(desk):
    response = desk.api.call("PUT", "/blogs", {})

    assert error_of(response, 405)["code"] == "method_not_allowed"


def test_an_unknown_api_path_gets_the_one_error_shape(desk):
    assert error_of(desk.api.get("/no-such-route"), 404)["code"] == "not_found"
