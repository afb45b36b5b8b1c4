"""Who is calling: an API token (machines) or a session (the desk); readers are anonymous.

Authentication only says who; what they may do is decided in
:mod:`bulletin.accounts.permissions`, called by the services.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from bulletin.accounts.models import ApiToken, Scope, User, hash_token
from bulletin.errors import NotAuthenticated, PermissionDenied

# Recording every use would turn each read into a write; once a minute is enough to audit.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer blt_…``: a token that is not revoked or expired, with a scope."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = str(scope)

    def authenticate(self, request: HttpRequest, token: str) -> User:
        found = (
            ApiToken.objects.usable()
            .select_related("user")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if found is None or not found.user.is_active:
            raise NotAuthenticated("the API token is unknown, revoked or expired")
        if not found.has_scope(self.scope):
            raise PermissionDenied(
                f"this API token needs the {self.scope!r} scope, it has {found.scopes}"
            )
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class ApiRequest(HttpRequest):
    """A request after authentication: ``auth`` is the caller (anonymous for readers)."""

    auth: User | AnonymousUser


def anonymous(request: HttpRequest) -> AnonymousUser:
    return AnonymousUser()


class SignedInSession(SessionAuth):
    """The desk's session cookie; the CSRF check applies only when someone is signed in.

    Without this, an anonymous write would be refused for its missing CSRF token (403)
    instead of for being anonymous (401).
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


def _session(csrf: bool) -> SessionAuth:
    return SignedInSession(csrf=csrf)


# Reads: members see drafts, everyone else sees what is public.
READ: list[Any] = [ApiTokenAuth(Scope.READ), _session(csrf=False), anonymous]
# Writes: a token with the write scope, or a signed-in session with a CSRF token.
WRITE: list[Any] = [ApiTokenAuth(Scope.WRITE), _session(csrf=True)]
