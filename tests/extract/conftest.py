"""Fixtures for quotes and topics: a live blog with an owner, and entries written through
the services (so extraction runs as it does in production, inside the write)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from bulletin.accounts.models import User
from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Entry, LiveBlog
from tests.factories import Factory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Newsroom:
    make: Factory
    blog: LiveBlog
    owner: User

    def publish(self, body: str, headline: str = "Update", **fields: Any) -> Entry:
        return services.publish_entry(
            self.owner, self.blog, EntryFields.read({"headline": headline, "body": body, **fields})
        )


@pytest.fixture
def room(make: Factory) -> Newsroom:
    blog = make.blog(title="Summit Live Updates")
    return Newsroom(make, blog, make.owner_of(blog))
