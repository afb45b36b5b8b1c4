"""Answers given for someone are never kept by a shared cache; public ones say what they vary on.

A CDN that kept a draft blog's change feed, asked with a token, would serve it to anyone: every
answer to a request with credentials (a bearer token, a signed-in session) and every desk page
is ``Cache-Control: private, no-store``; public API answers carry ``Vary: Authorization, Cookie``.
"""

from __future__ import annotations

import pytest
from django.test import Client

from bulletin.accounts.models import Role
from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from tests.factories import Factory

PRIVATE = "private, no-store"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def test_a_draft_blogs_change_feed_asked_with_a_token_is_private(make: Factory) -> None:
    blog = make.blog(live=False)
    services.save_draft(make.owner_of(blog), blog, EntryFields(headline="Obituary, embargoed"))
    token = make.token(make.owner_of(blog))

    response = Client().get(f"/api/v1/blogs/{blog.slug}/changes?since=0", headers=_bearer(token))
    again = Client().get(
        f"/api/v1/blogs/{blog.slug}/changes?since=0",
        headers={**_bearer(token), "If-None-Match": response["ETag"]},
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    assert again.status_code == 304
    assert again["Cache-Control"] == PRIVATE


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/blogs",
        "/api/v1/blogs/{slug}",
        "/api/v1/blogs/{slug}/key-points",
        "/api/v1/blogs/{slug}/changes?since=0",
        "/api/v1/blogs/{slug}/entries",
        "/api/v1/blogs/{slug}/entries?status=draft",
        "/api/v1/blogs/{slug}/entries/{entry}",
    ],
)
def test_every_api_read_with_a_token_or_a_session_is_private(make: Factory, path: str) -> None:
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog)
    url = path.format(slug=blog.slug, entry=entry.pk)
    session = Client()
    session.force_login(owner)

    with_token = Client().get(url, headers=_bearer(make.token(owner)))
    with_session = session.get(url)

    for response in (with_token, with_session):
        assert response.status_code == 200, response.content[:300]
        assert response["Cache-Control"] == PRIVATE


def test_a_bad_token_is_refused_privately(make: Factory) -> None:
    blog = make.blog()

    response = Client().get(f"/api/v1/blogs/{blog.slug}", headers=_bearer("blt_nonsense"))

    assert response.status_code == 401
    assert response["Cache-Control"] == PRIVATE


def test_a_public_api_answer_may_be_cached_and_says_it_varies_with_credentials(
    make: Factory,
) -> None:
    blog = make.blog()
    make.entry(blog)

    feed = Client().get(f"/api/v1/blogs/{blog.slug}/changes?since=0")
    entry_list = Client().get(f"/api/v1/blogs/{blog.slug}/entries")

    assert feed["Cache-Control"].startswith("public")
    for response in (feed, entry_list):
        assert response.status_code == 200
        assert {"authorization", "cookie"} <= _vary(response)
        assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "path",
    [
        "/desk/",
        "/desk/{slug}/",
        "/desk/{slug}/panels",
        "/desk/{slug}/activity",
        "/desk/{slug}/settings",
    ],
)
def test_every_desk_page_is_private(make: Factory, path: str) -> None:
    blog = make.blog()
    client = Client()
    client.force_login(make.member(blog, Role.CONTRIBUTOR))

    response = client.get(path.format(slug=blog.slug))

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_the_public_page_stays_cacheable_for_a_signed_in_editor(make: Factory) -> None:
    blog = make.blog()
    make.entry(blog)
    editor = Client()
    editor.force_login(make.member(blog, Role.EDITOR))

    as_reader = Client().get(f"/live/{blog.slug}")
    as_editor = editor.get(f"/live/{blog.slug}")

    assert as_reader.status_code == as_editor.status_code == 200
    # Nothing on it depends on who asks: the same answer, cacheable for everyone.
    assert as_editor["Cache-Control"] == as_reader["Cache-Control"]
    assert "private" not in as_editor["Cache-Control"]
