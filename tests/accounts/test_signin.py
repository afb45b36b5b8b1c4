"""Signing in to the desk: Django's auth views, throttled by django-axes, and password email."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, Client, RequestFactory

from bulletin import config
from bulletin import settings as bulletin_settings
from bulletin.accounts.models import User
from bulletin.accounts.signin import client_ip
from tests import loops

PASSWORD = "a-long-test-password"  # what tests/factories.py gives every user
NEW_PASSWORD = "river-delta-lantern-42"
LOGIN = "/desk/login/"


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: Any):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def link_path(body: str) -> str:
    match = re.search(r"https?://\S+/desk/reset/\S+/", body)
    assert match, body
    return urlsplit(match.group(0)).path


# --- the sign-in page ------------------------------------------------------------------


def test_login_page_renders_an_accessible_form_on_the_desk_layout(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign in to the desk" in html
    assert "Bulletin desk" in html  # desk/base.html
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert re.search(r'<input[^>]*name="username"[^>]*autofocus', html)
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert 'href="/desk/password-reset/"' in html
    # A Content-Security-Policy without 'unsafe-inline' must be able to cover these pages.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"<style|\sstyle=|\son[a-z]+=", html) == []


def test_a_good_sign_in_redirects_to_the_desk_and_starts_a_twelve_hour_session(client, make):
    make.user("ada")
    response = sign_in(client, "ada")
    assert response.status_code == 302
    assert response["Location"] == "/desk/"
    assert signed_in(client)
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == 12 * 60 * 60
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_a_sign_in_follows_next_on_this_site_but_not_elsewhere(client, make):
    make.user("ada")
    data = {"username": "ada", "password": PASSWORD}
    assert client.post(f"{LOGIN}?next=/desk/blogs/", data)["Location"] == "/desk/blogs/"
    client.post("/desk/logout/")
    assert client.post(f"{LOGIN}?next=https://evil.example/", data)["Location"] == "/desk/"


def test_a_wrong_password_shows_an_error_and_signs_nobody_in(client, make):
    make.user("ada")
    response = sign_in(client, "ada", "not-the-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Please enter a correct username and password" in html
    assert not signed_in(client)


def test_the_login_form_refuses_a_post_without_its_csrf_token(make):
    make.user("ada")
    browser = Client(enforce_csrf_checks=True)
    assert sign_in(browser, "ada").status_code == 403
    assert not signed_in(browser)

    page = browser.get(LOGIN)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = browser.post(
        LOGIN, {"username": "ada", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert signed_in(browser)


def test_a_new_users_password_is_hashed_with_argon2(settings, make):
    # tests/accounts/conftest.py swaps in a fast hasher; put the real setting back.
    settings.PASSWORD_HASHERS = bulletin_settings.PASSWORD_HASHERS
    user = make.user("ada")
    assert user.password.startswith("argon2")
    assert check_password(PASSWORD, user.password)


def test_client_login_works_in_tests_when_given_a_request(client, make):
    # Axes must see a request to count attempts: tests pass one, or use force_login.
    make.user("ada")
    assert client.login(request=HttpRequest(), username="ada", password=PASSWORD)
    assert client.get("/desk/password/").status_code == 200


# --- throttling (django-axes) ----------------------------------------------------------


def test_five_failures_lock_that_username_from_that_address_even_with_the_right_password(
    client, make
):
    make.user("ada")
    for _attempt in range(4):
        assert sign_in(client, "ada", "wrong-password").status_code == 200
    fifth = sign_in(client, "ada", "wrong-password")
    assert fifth.status_code == 429

    sixth = sign_in(client, "ada")
    assert sixth.status_code == 429
    assert not signed_in(client)
    html = sixth.content.decode()
    assert "Too many sign-in attempts" in html
    assert "paused for 15 minutes" in html
    assert "Try again after" in html
    assert "Bulletin desk" in html  # the desk's layout
    assert sixth["Retry-After"] == str(15 * 60)


def test_a_lockout_leaves_other_usernames_and_other_addresses_alone(client, make):
    make.user("ada")
    make.user("grace")
    for _attempt in range(5):
        sign_in(client, "ada", "wrong-password")
    assert sign_in(client, "ada").status_code == 429

    assert sign_in(client, "grace")["Location"] == "/desk/"
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(elsewhere, "ada")["Location"] == "/desk/"


def test_a_successful_sign_in_clears_the_count_of_failures(client, make):
    make.user("ada")
    for _attempt in range(4):
        sign_in(client, "ada", "wrong-password")
    assert sign_in(client, "ada").status_code == 302
    assert not AccessAttempt.objects.filter(username="ada").exists()

    client.post("/desk/logout/")
    for _attempt in range(4):
        assert sign_in(client, "ada", "wrong-password").status_code == 200
    assert sign_in(client, "ada").status_code == 302


def test_the_lockout_page_also_comes_through_the_asgi_handler_that_serves_bulletin(
    transactional_db,
):
    # Axes's async middleware passes its arguments to the lockout page in another order.
    User.objects.create_user(username="ada", password=PASSWORD)
    browser = AsyncClient()

    async def attempts() -> list[HttpResponse]:
        wrong = [
            await browser.post(LOGIN, {"username": "ada", "password": "wrong-password"})
            for _attempt in range(5)
        ]
        return [*wrong, await browser.post(LOGIN, {"username": "ada", "password": PASSWORD})]

    responses = loops.run(attempts)
    assert [response.status_code for response in responses] == [200, 200, 200, 200, 429, 429]
    assert "signing in as <strong>ada</strong>" in responses[-1].content.decode()


def test_the_admin_sign_in_is_throttled_too(client, make):
    make.staff("root")
    for _attempt in range(5):
        client.post("/admin/login/", {"username": "root", "password": "wrong-password"})
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assert not signed_in(client)


def test_attempts_are_counted_per_forwarded_client_behind_a_trusted_proxy(client, make, settings):
    settings.BULLETIN = {**settings.BULLETIN, "TRUSTED_PROXY_COUNT": 1}
    make.user("ada")
    sign_in(client, "ada", "wrong-password", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AccessAttempt.objects.get(username="ada").ip_address == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),  # no proxy: the header is the client's own claim
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client wrote the left entry
        (2, "203.0.113.9, 192.0.2.1", "203.0.113.9"),
        (2, "203.0.113.9", "127.0.0.1"),  # fewer entries than proxies: not via them all
        (1, "not-an-address", "127.0.0.1"),
        (1, "", "127.0.0.1"),
    ],
)
def test_the_client_address_trusts_only_as_many_forwarded_entries_as_proxies(
    settings, proxies, forwarded, expected
):
    settings.BULLETIN = {**settings.BULLETIN, "TRUSTED_PROXY_COUNT": proxies}
    request = RequestFactory().post(LOGIN, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# --- signing out ------------------------------------------------------------------------


def test_sign_out_is_post_only_and_returns_to_the_sign_in_page(client, make):
    client.force_login(make.user("ada"))
    assert client.get("/desk/logout/").status_code == 405
    assert signed_in(client)

    response = client.post("/desk/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not signed_in(client)


# --- changing and resetting a password ----------------------------------------------------


def test_changing_a_password_needs_the_old_one(client, make):
    user = make.user("ada")
    client.force_login(user)
    page = client.get("/desk/password/").content.decode()
    assert 'autocomplete="current-password"' in page
    assert 'autocomplete="new-password"' in page

    wrong = client.post(
        "/desk/password/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    html = wrong.content.decode()
    assert 'id="id_old_password_error"' in html  # the error sits next to its field
    assert 'aria-invalid="true"' in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    right = client.post(
        "/desk/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert right["Location"] == "/desk/password/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert signed_in(client)  # Django keeps this session valid after the change
    assert "Password changed" in client.get("/desk/password/done/").content.decode()


def test_the_password_change_page_asks_strangers_to_sign_in(client, db):
    response = client.get("/desk/password/")
    assert response.status_code == 302
    assert response["Location"] == "/desk/login/?next=/desk/password/"


def test_a_reset_email_lets_a_colleague_set_a_new_password_and_sign_in(client, make):
    user = make.user("ada", email="ada@news.example")
    response = client.post("/desk/password-reset/", {"email": "ADA@news.example"})
    assert response["Location"] == "/desk/password-reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@news.example"]
    assert message.subject == "Set a new password for Bulletin"
    assert message.from_email == "Bulletin <bulletin@localhost>"
    assert "http://127.0.0.1:8000/desk/reset/" in message.body  # BULLETIN_SITE_URL
    path = link_path(message.body)

    form = client.get(path, follow=True)
    assert form.status_code == 200
    assert "Set a new password" in form.content.decode()
    set_password_url = form.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == "/desk/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    assert sign_in(client, "ada", NEW_PASSWORD)["Location"] == "/desk/"
    client.post("/desk/logout/")
    assert "no longer works" in client.get(path, follow=True).content.decode()


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db):
    response = client.post("/desk/password-reset/", {"email": "nobody@news.example"})
    assert response["Location"] == "/desk/password-reset/done/"
    assert mail.outbox == []


def test_reset_email_is_printed_by_the_default_console_backend(client, make, settings, capsys):
    default = config.BY_NAME["EMAIL_URL"].default
    settings.EMAIL_BACKEND = config.email_settings(default)["EMAIL_BACKEND"]
    make.user("ada", email="ada@news.example")
    response = client.post("/desk/password-reset/", {"email": "ada@news.example"})
    assert response["Location"] == "/desk/password-reset/done/"
    printed = capsys.readouterr().out
    assert "Subject: Set a new password for Bulletin" in printed
    assert "/desk/reset/" in printed


# --- email settings -----------------------------------------------------------------------


def test_email_defaults_to_the_console_and_the_default_sender():
    values = config.load({})
    assert values["EMAIL_URL"] == "console:"
    assert values["EMAIL_FROM"] == "Bulletin <bulletin@localhost>"
    assert values["TRUSTED_PROXY_COUNT"] == 0
    assert config.email_settings("console:") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
    assert config.BY_NAME["EMAIL_URL"].secret


def test_an_smtp_url_gives_host_port_user_password_and_tls():
    assert config.email_settings("smtp://desk%40news.example:p%3Ass@mail.example:587?tls=1") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "desk@news.example",
        "EMAIL_HOST_PASSWORD": "p:ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }
    implicit = config.email_settings("smtp://mail.example?ssl=1")
    assert (implicit["EMAIL_PORT"], implicit["EMAIL_USE_SSL"]) == (465, True)
    assert config.email_settings("memory:")["EMAIL_BACKEND"].endswith("locmem.EmailBackend")


@pytest.mark.parametrize(
    "url",
    ["smtp:", "smtp://mail.example:port", "smtp://mail.example?tls=1&ssl=1", "mailgun://key", ""],
)
def test_a_bad_email_url_names_the_variable_and_the_forms_expected(url):
    with pytest.raises(ImproperlyConfigured) as caught:
        config.load({"BULLETIN_EMAIL_URL": url})
    message = str(caught.value)
    assert message.startswith("BULLETIN_EMAIL_URL: expected")
    assert repr(url) in message


def test_a_negative_proxy_count_is_refused():
    with pytest.raises(ImproperlyConfigured, match="BULLETIN_TRUSTED_PROXY_COUNT: expected zero"):
        config.load({"BULLETIN_TRUSTED_PROXY_COUNT": "-1"})
