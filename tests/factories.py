"""Small builders for tests: each makes one thing with sensible defaults you can override."""

from __future__ import annotations

import itertools
from typing import Any

from bulletin.accounts.models import ApiToken, Membership, User
from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields, EntryFields
from bulletin.blogs.models import Entry, LiveBlog

_numbers = itertools.count(1)


class Factory:
    def user(self, username: str | None = None, **extra: Any) -> User:
        name = username or f"user{next(_numbers)}"
        return User.objects.create_user(username=name, password="a-long-test-password", **extra)

    def staff(self, username: str | None = None) -> User:
        return self.user(username, is_staff=True)

    def blog(self, owner: User | None = None, *, live: bool = True, **fields: Any) -> LiveBlog:
        owner = owner or self.staff()
        number = next(_numbers)
        values: dict[str, Any] = {"slug": f"blog-{number}", "title": f"Blog {number} Live Updates"}
        values.update(fields)
        blog = services.create_blog(owner, BlogFields.read(values))
        if live:
            blog = services.go_live(owner, blog)
        return blog

    def member(self, blog: LiveBlog, role: str, username: str | None = None, **extra: Any) -> User:
        user = self.user(username, **extra)
        Membership.objects.create(blog=blog, user=user, role=role)
        return user

    def owner_of(self, blog: LiveBlog) -> User:
        return Membership.objects.filter(blog=blog, role="owner").select_related("user")[0].user

    def entry(
        self, blog: LiveBlog, by: User | None = None, *, status: str = "published", **fields: Any
    ) -> Entry:
        by = by or self.owner_of(blog)
        values: dict[str, Any] = {"headline": "Water levels rising", "body": "<p>Update.</p>"}
        values.update(fields)
        return services.create_entry(by, blog, EntryFields.read(values), status=status)

    def token(self, user: User, scopes: list[str] | None = None) -> str:
        _token, raw = ApiToken.issue(user, "test token", scopes)
        return raw
