"""People, their role on each live blog, and API tokens for machines."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A newsroom member; the byline comes from ``display_name`` or the full name."""

    display_name = models.CharField(max_length=120, blank=True)

    @property
    def byline(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    CONTRIBUTOR = "contributor", "Contributor"


class Membership(models.Model):
    """What one person may do on one live blog."""

    blog = models.ForeignKey("blogs.LiveBlog", on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blog", "user"], name="one_role_per_user_and_blog"),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.blog}"


class Scope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Write"
    ADMIN = "admin", "Admin"


TOKEN_PREFIX = "blt_"  # noqa: S105  (a visible prefix, not a secret)


def hash_token(raw: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is as safe as a slow one and keeps every
    # authenticated request cheap.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token for machines; only its SHA-256 is stored, the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters, kept readable so a person can tell tokens apart in a list.
    hint = models.CharField(max_length=12)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user: User, name: str, scopes: list[str] | None = None) -> tuple[ApiToken, str]:
        """Create a token and return it with the raw secret, which is never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            token_hash=hash_token(raw),
            hint=raw[: len(TOKEN_PREFIX) + 6],
            scopes=scopes if scopes is not None else [Scope.READ, Scope.WRITE],
        )
        return token, raw

    def has_scope(self, scope: str) -> bool:
        return Scope.ADMIN in self.scopes or scope in self.scopes
