"""What Bulletin adds to Django's sign-in: the client's address, the lockout page, reset links.

Django's auth views do the work (see ``urls.py``); django-axes counts failures and calls
:func:`client_ip` and :func:`lockout_response` through the ``AXES_*`` settings.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bulletin import config
from bulletin.accounts.models import User
from bulletin.errors import RateLimited
from bulletin.ratelimit import Rate, client_address


def client_ip(request: HttpRequest) -> str | None:
    """The address sign-in attempts and rate limits are counted against, trusting only our
    own proxies (``BULLETIN_TRUSTED_PROXY_COUNT``; see :func:`ratelimit.client_address`)."""
    return client_address(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        config.current.TRUSTED_PROXY_COUNT,
    )


def link_lifetime() -> str:
    """How long password links work, in words ("3 days")."""
    seconds: int = settings.PASSWORD_RESET_TIMEOUT
    if seconds >= 86_400:
        days = seconds // 86_400
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(1, math.ceil(seconds / 3600))
    return f"{hours} hour{'s' if hours != 1 else ''}"


def rate_limited_page(
    request: HttpRequest, template: str, error: RateLimited, rate: Rate
) -> HttpResponse:
    """A page saying that ``rate`` was exceeded and when to try again: 429 + Retry-After."""
    context = {"seconds": error.retry_after, "rate": rate}
    response = render(request, template, context, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The page a locked-out sign-in gets: 429, and when to try again."""
    cool_off = settings.AXES_COOLOFF_TIME
    # Axes may pass the credentials in either position (its async middleware does).
    given = credentials if isinstance(credentials, dict) else original_response
    username = given.get("username") if isinstance(given, dict) else None
    if not isinstance(username, str):
        username = request.POST.get("username", "")
    response = render(
        request,
        "registration/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": math.ceil(cool_off.total_seconds() / 60),
            "retry_at": timezone.now() + cool_off,
            "username": username[:150],
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def _fold(text: str) -> str:
    # As Django compares emails for resets: iexact in the database may match other characters.
    return unicodedata.normalize("NFKC", text).casefold()


class ResetForm(PasswordResetForm):
    """Django's reset form, also for colleagues who were invited but never set a password."""

    def get_users(self, email: str) -> Iterator[User]:
        # Django skips unusable passwords (meant for accounts signed in elsewhere); here an
        # unusable password only means "invited, link not used yet", so a new link must work.
        wanted = _fold(email)
        users = User.objects.filter(email__iexact=email, is_active=True)
        return (user for user in users if _fold(user.email) == wanted)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, with links on BULLETIN_SITE_URL rather than the request's host."""

    form_class = ResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        self.extra_email_context = {
            **(self.extra_email_context or {}),
            "site_url": settings.SITE_URL,
            "link_lifetime": link_lifetime(),
        }
        return super().form_valid(form)
