"""Changing a password is throttled like signing in; a reset revokes the person's API tokens."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from bulletin.accounts import passwords
from bulletin.ratelimit import Rate

PASSWORD = "a-long-test-password"  # what tests/factories.py gives every user
NEW_PASSWORD = "river-delta-lantern-42"
CHANGE = "/desk/password/"


@pytest.fixture(autouse=True)
def _five_guesses_per_quarter_hour(settings):
    settings.BULLETIN = {**settings.BULLETIN, "RATE_LIMIT_PASSWORD_CHANGE": Rate(5, 900)}


def change(client: Client, old: str, **extra: str):
    data = {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return client.post(CHANGE, {**data, **extra})


def api_status(token: str) -> int:
    return Client().get("/api/v1/blogs", headers={"Authorization": f"Bearer {token}"}).status_code


def test_wrong_current_passwords_over_the_limit_get_429_and_even_the_right_one_waits(
    client, make, monkeypatch
):
    now = [1_000_000.0]
    monkeypatch.setattr(passwords, "clock", lambda: now[0])
    user = make.user("ada")
    client.force_login(user)
    for _guess in range(5):
        assert change(client, "wrong-guess").status_code == 200
    refused = change(client, PASSWORD)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 900
    assert "Too many wrong passwords" in refused.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    now[0] += 900  # the next window
    assert change(client, PASSWORD)["Location"] == "/desk/password/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_guess_count_is_per_person_and_right_passwords_do_not_count(client, make):
    ada, bo = make.user("ada"), make.user("bo")
    client.force_login(ada)
    for _guess in range(5):
        change(client, "wrong-guess")
    other = Client()
    other.force_login(bo)
    # A new password that does not match its confirmation is no guess at the old one.
    for _try in range(6):
        assert change(other, PASSWORD, new_password2="something-else-42").status_code == 200
    assert change(other, PASSWORD)["Location"] == "/desk/password/done/"


def test_a_change_revokes_api_tokens_when_ticked_and_says_so(client, make):
    user = make.user("ada")
    token = make.token(user)
    assert api_status(token) == 200
    client.force_login(user)
    assert 'name="revoke_tokens"' in client.get(CHANGE).content.decode()
    assert change(client, PASSWORD, revoke_tokens="on").status_code == 302
    assert api_status(token) == 401
    assert "API tokens revoked: 1." in client.get("/desk/password/done/").content.decode()


def test_a_change_keeps_api_tokens_when_unticked_and_says_so(client, make):
    user = make.user("ada")
    token = make.token(user)
    client.force_login(user)
    assert change(client, PASSWORD).status_code == 302  # a form post without the box ticked
    assert api_status(token) == 200
    assert "API tokens still working: 1." in client.get("/desk/password/done/").content.decode()


def test_a_reset_by_email_link_revokes_every_api_token(client, make):
    user = make.user("ada", email="ada@news.example")
    token, other = make.token(user), make.token(make.user("bo"))
    assert api_status(token) == 200
    client.post("/desk/password-reset/", {"email": "ada@news.example"})
    link = re.search(r"https?://\S+/desk/reset/\S+/", mail.outbox[-1].body)
    assert link
    form = client.get(urlsplit(link.group(0)).path, follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/desk/reset/done/"
    assert api_status(token) == 401
    assert api_status(other) == 200  # only the person's own tokens
    page = client.get("/desk/reset/done/").content.decode()
    assert "API tokens of your account were revoked" in page
