"""Fixtures for the assistant's tests: a newsroom with one live blog and its stories."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from bulletin.accounts.models import Role, User
from bulletin.blogs.models import Entry, LiveBlog
from tests.api.support import Api
from tests.factories import Factory

# A published story, a reworded copy of it, and a follow-up with real news.
STORY: dict[str, Any] = {
    "headline": "Two people killed by falling tree in Kessport",
    "body": "<p>Two people died when a tree fell on their car on Marine Parade in Kessport, "
    "police said.</p><p>Officers said the victims, a man and a woman in their 60s, were "
    "pronounced dead at the scene. Marine Parade is closed while the tree is removed.</p>",
}
REWORDED: dict[str, Any] = {
    "headline": "Falling tree kills two on Marine Parade",
    "body": "<p>A man and a woman in their sixties were killed when a tree came down on their "
    "car on Marine Parade, police have said.</p><p>Both were declared dead at the scene. The "
    "road remains closed while the tree is cleared.</p>",
}
FOLLOW_UP: dict[str, Any] = {
    "headline": "Victims of falling tree named",
    "body": "<p>Police have named the two people killed when a tree fell on their car on Marine "
    "Parade as Peter and Anne Lowry, both 64, from Dunmere.</p><p>Their family described them "
    "as devoted grandparents.</p>",
}
OTHER: dict[str, Any] = {
    "headline": "Ferries cancelled for the day",
    "body": "<p>Harbourlink has cancelled all ferry crossings from Kessport for the rest of the "
    "day. Passengers holding tickets can travel free of charge on Thursday.</p>",
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest, settings) -> None:
    if "live_server" not in request.fixturenames:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Team:
    blog: LiveBlog
    owner: User
    editor: User
    contributor: User
    stranger: User
    story: Entry
    other: Entry

    @property
    def path(self) -> str:
        return f"/blogs/{self.blog.slug}/assist"

    def client_of(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def team(make: Factory) -> Team:
    blog = make.blog(title="Storm Mara Live Updates")
    return Team(
        blog=blog,
        owner=make.owner_of(blog),
        editor=make.member(blog, Role.EDITOR),
        contributor=make.member(blog, Role.CONTRIBUTOR),
        stranger=make.user(),
        story=make.entry(blog, **STORY),
        other=make.entry(blog, **OTHER),
    )


@pytest.fixture
def api_as(make: Factory) -> Callable[..., Api]:
    def build(user: User, scopes: list[str] | None = None) -> Api:
        return Api(Client(), make.token(user, scopes))

    return build
