"""Fixtures for the hostile-input suite: a newsroom with every kind of caller, quick passwords,
and uploads kept in a folder of the test's own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from bulletin.accounts.models import Role, User
from bulletin.blogs import services
from bulletin.blogs.models import Entry, LiveBlog
from tests.api.support import Api
from tests.factories import Factory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    """Uploads go two folders deep in the test's folder, so that a file written beside them
    (../../) can be seen."""
    root = tmp_path / "site" / "data" / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Factories create many users; Argon2 would spend most of the run hashing test passwords.
    # Browser tests sign in with a session cookie, never with a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Newsroom:
    """One live blog with its owner (staff), an editor and a contributor, and the owner of
    another blog who does not work on this one."""

    make: Factory
    blog: LiveBlog
    owner: User
    editor: User
    contributor: User
    outsider: User
    other_blog: LiveBlog

    def api(self, user: User, scopes: list[str] | None = None) -> Api:
        """A JSON client with a fresh bearer token of ``user`` (read and write unless told)."""
        return Api(Client(), self.make.token(user, scopes))

    def entry(self, status: str = "published", by: User | None = None, **fields: object) -> Entry:
        return self.make.entry(self.blog, by or self.owner, status=status, **fields)

    def pinned(self) -> Entry:
        entry = self.entry()
        services.pin_entry(self.owner, self.blog, entry)
        return entry

    def refreshed_blog(self) -> LiveBlog:
        return LiveBlog.objects.get(pk=self.blog.pk)


@pytest.fixture
def newsroom(make: Factory) -> Newsroom:
    blog = make.blog(title="Harbour storm Live Updates")
    other_blog = make.blog(title="Election night Live Updates")
    return Newsroom(
        make=make,
        blog=blog,
        owner=make.owner_of(blog),
        editor=make.member(blog, Role.EDITOR),
        contributor=make.member(blog, Role.CONTRIBUTOR),
        outsider=make.owner_of(other_blog),
        other_blog=other_blog,
    )
