"""Fixtures for API tests: a newsroom with one live blog, and clients that speak JSON."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from bulletin.accounts.models import User
from bulletin.blogs.models import LiveBlog
from tests.api.support import Api
from tests.factories import Factory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Factories create many users; Argon2 would spend most of the run hashing test passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_as(make: Factory) -> Callable[..., Api]:
    """A JSON client holding a fresh bearer token of ``user`` (read and write unless told)."""

    def build(user: User, scopes: list[str] | None = None) -> Api:
        return Api(Client(), make.token(user, scopes))

    return build


@pytest.fixture
def anonymous() -> Api:
    """A reader with no token and no session (Django's test client skips CSRF checks)."""
    return Api(Client())


@dataclass
class Desk:
    blog: LiveBlog
    owner: User
    api: Api  # the owner's token

    @property
    def path(self) -> str:
        return f"/blogs/{self.blog.slug}"


@pytest.fixture
def desk(make: Factory, api_as: Callable[..., Api]) -> Desk:
    """A live blog, its owner (a staff member) and the owner's API client."""
    blog = make.blog(title="Harbour storm Live Updates")
    owner = make.owner_of(blog)
    return Desk(blog, owner, api_as(owner))
