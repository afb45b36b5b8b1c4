"""Fixtures for the desk's tests: uploads in a temporary folder, quick passwords, a newsroom.

The real-server fixtures of tests/realtime are reused here for the desk's live stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from bulletin.accounts.models import Role, User
from bulletin.blogs.models import LiveBlog
from tests.factories import Factory
from tests.realtime.conftest import _close_clients, serve

__all__ = ["_close_clients", "serve"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    """Uploads go to a folder of this test's own, so that what is left behind can be listed."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest, settings) -> None:
    # Factories create many users; Argon2 would spend most of the run hashing test passwords.
    # A real server signs people in with its own settings, so those tests keep the real hasher.
    if "serve" not in request.fixturenames:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Team:
    """One live blog and the people around it: its owner, an editor, a contributor, and a
    signed-in colleague who does not work on it."""

    blog: LiveBlog
    owner: User
    editor: User
    contributor: User
    stranger: User

    def client_of(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def team(make: Factory) -> Team:
    blog = make.blog(title="Harbour storm Live Updates")
    return Team(
        blog=blog,
        owner=make.owner_of(blog),
        editor=make.member(blog, Role.EDITOR),
        contributor=make.member(blog, Role.CONTRIBUTOR),
        stranger=make.user(),
    )
