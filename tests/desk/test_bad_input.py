"""Whatever a desk form or address carries, the answer is a clear refusal, never a 500.

Each row is something a browser, a stale tab or a curious colleague can send; the owner sends
it (so that nothing is refused for want of a role), and nothing changes.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.desk.conftest import Team
from tests.desk.support import changes_nothing, followed, png, text, upload
from tests.factories import Factory

SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no

# (what is sent, method, path under /desk/{blog}, form, the status expected)
BAD: list[tuple[str, str, str, dict[str, Any], int]] = [
    ("a superscript digit as an author", "post", "/entries", {"authors": SUPERSCRIPT_TWO}, 400),
    ("a superscript digit as an image id", "post", "/entries", {"image_id": "²"}, 400),
    ("an image id that is no image", "post", "/entries", {"image_id": "999999"}, 400),
    ("an author id that is nobody", "post", "/entries", {"authors": "999999"}, 400),
    ("an unknown composer action", "post", "/entries", {"action": "shout"}, 400),
    (
        "a year out of range",
        "post",
        "/entries",
        {"action": "schedule", "scheduled_for": "9999-01-01T00:00"},
        400,
    ),
    (
        "a date of the year 1",
        "post",
        "/entries",
        {"action": "schedule", "scheduled_for": "0001-01-01T00:00"},
        400,
    ),
    ("a NUL in the body", "post", "/entries", {"body": "<p>a\x00b</p>"}, 400),
    ("a headline far too long", "post", "/entries", {"headline": "x" * 400}, 400),
    (
        "an embed that is not a web address",
        "post",
        "/entries",
        {"embed_url": "javascript:alert(1)"},
        400,
    ),
    (
        "alt text with a control character",
        "post",
        "/entries",
        {"image_id": "{image}", "image_alt": "a\x07b"},
        400,
    ),
    ("a superscript digit as a revision", "post", "/entries/{entry}/edit", {"revision": "²"}, 400),
    ("a revision that is not a number", "post", "/entries/{entry}/edit", {"revision": "two"}, 400),
    (
        "a display time that is not a time",
        "post",
        "/entries/{entry}/edit",
        {"revision": "1", "display_at": "soon"},
        400,
    ),
    (
        "a correction note far too long",
        "post",
        "/entries/{entry}/edit",
        {"revision": "1", "correction_note": "x" * 1001},
        400,
    ),
    (
        "an edit form's display time in a preview",
        "post",
        "/preview",
        {"revision": "1", "action": "save", "headline": "x", "display_at": "2030-01-01T10:00"},
        200,
    ),
    ("a preview with a superscript digit as author", "post", "/preview", {"authors": "²"}, 400),
    (
        "a superscript digit as a key point's entry",
        "post",
        "/key-points",
        {"point": "a", "point_entry": "²"},
        303,
    ),
    ("a key point far too long", "post", "/key-points", {"point": "x" * 300}, 303),
    ("a superscript digit as a member", "post", "/members", {"do": "remove", "user": "²"}, 400),
    ("an unknown thing to do with members", "post", "/members", {"do": "promote"}, 400),
    (
        "a role that does not exist",
        "post",
        "/members",
        {"do": "role", "user": "{owner}", "role": "king"},
        400,
    ),
    ("an unknown coverage change", "post", "/status/pause", {}, 303),
    (
        "a coverage start of the year 1",
        "post",
        "/settings",
        {"coverage_start": "0001-01-01T00:00"},
        400,
    ),
    ("a language nobody speaks", "post", "/settings", {"language": "xx-klingon"}, 400),
    ("a cover image id that is no image", "post", "/settings", {"cover_image_id": "²"}, 400),
    ("an unknown order", "post", "/settings", {"order": "random"}, 400),
    ("a superscript digit as where the activity log starts", "get", "/activity?before=²", {}, 200),
    ("an entry id beyond any database", "get", "/entries/99999999999999999999999/edit", {}, 404),
    (
        "an entry id beyond any database, for an action",
        "post",
        "/entries/99999999999999999999999/pin",
        {},
        404,
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "data", "status"),
    [pytest.param(method, path, data, status, id=name) for name, method, path, data, status in BAD],
)
def test_a_bad_request_is_refused_clearly_and_changes_nothing(
    team: Team, make: Factory, method: str, path: str, data: dict[str, Any], status: int
) -> None:
    entry = make.entry(team.blog)
    image = Client()
    image.force_login(team.owner)
    names = {"entry": entry.pk, "owner": team.owner.pk, "image": ""}
    if "{image}" in str(data):
        names["image"] = image.post(
            f"/desk/{team.blog.slug}/images", {"image": upload(png())}
        ).json()["id"]
    form = {
        key: value.format(**names) if isinstance(value, str) else value
        for key, value in data.items()
    }
    client = Client(raise_request_exception=False)
    client.force_login(team.owner)

    with changes_nothing():
        response = getattr(client, method)(f"/desk/{team.blog.slug}{path.format(**names)}", form)

    assert response.status_code == status, (response.status_code, text(response)[:500])
    if status == 303:  # a one-button form: the refusal is a message on the page it came from
        assert '<li class="flash-error">' in followed(client, response)
