"""API tokens: shown once, stored only as a SHA-256, usable until revoked or expired."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone

from bulletin.accounts.models import TOKEN_PREFIX, ApiToken, Scope, hash_token


def test_the_raw_token_is_never_stored_only_its_sha256(make):
    user = make.user()

    token, raw = ApiToken.issue(user, "wire feed")

    assert raw.startswith(TOKEN_PREFIX)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest() == hash_token(raw)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not [name for name, value in stored.items() if raw in str(value)]


def test_the_hint_is_a_short_prefix_to_tell_tokens_apart(make):
    token, raw = ApiToken.issue(make.user(), "wire feed")

    assert token.hint == raw[: len(TOKEN_PREFIX) + 6]
    assert len(raw) > len(token.hint) + 32
    assert str(token) == f"wire feed ({token.hint}…)"


def test_each_token_is_different(make):
    user = make.user()

    raws = {ApiToken.issue(user, f"token {n}")[1] for n in range(5)}

    assert len(raws) == 5


def test_a_token_finds_its_row_by_hash(make):
    token, raw = ApiToken.issue(make.user(), "wire feed")

    assert ApiToken.objects.get(token_hash=hash_token(raw)) == token
    assert not ApiToken.objects.filter(token_hash=hash_token(raw + "x")).exists()


def test_usable_leaves_out_revoked_and_expired_tokens(make):
    user = make.user()
    now = timezone.now()
    fresh, _ = ApiToken.issue(user, "fresh")
    expiring_later, _ = ApiToken.issue(user, "expires tomorrow")
    expired, _ = ApiToken.issue(user, "expired")
    revoked, _ = ApiToken.issue(user, "revoked")
    ApiToken.objects.filter(pk=expiring_later.pk).update(expires_at=now + timedelta(days=1))
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=now - timedelta(seconds=1))
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=now)

    assert set(ApiToken.objects.usable()) == {fresh, expiring_later}


def test_new_tokens_read_and_write_by_default(make):
    token, _ = ApiToken.issue(make.user(), "default")

    assert token.scopes == [Scope.READ, Scope.WRITE]
    assert token.has_scope(Scope.READ)
    assert token.has_scope(Scope.WRITE)
    assert not token.has_scope(Scope.ADMIN)


def test_a_read_only_token_may_not_write(make):
    token, _ = ApiToken.issue(make.user(), "reader", [Scope.READ])

    assert token.has_scope(Scope.READ)
    assert not token.has_scope(Scope.WRITE)


def test_an_admin_token_has_every_scope(make):
    token, _ = ApiToken.issue(make.user(), "admin", [Scope.ADMIN])

    assert all(token.has_scope(scope) for scope in Scope)


def test_the_factory_token_is_a_usable_raw_token(make):
    user = make.user()

    raw = make.token(user, [Scope.READ])

    assert ApiToken.objects.usable().get(token_hash=hash_token(raw)).user == user
