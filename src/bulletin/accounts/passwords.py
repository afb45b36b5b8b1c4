"""Changing and resetting a password: throttled guesses, and what happens to API tokens.

Changing needs the current password, so a stolen session could guess it: wrong guesses are
counted per person in the shared cache (``BULLETIN_RATE_LIMIT_PASSWORD_CHANGE``, every worker
sees the same count), and over the limit the page answers 429 with ``Retry-After`` until the
window ends, even to the right password.

API tokens: a reset by email link revokes all of the person's tokens (who resets may have lost
the account to someone else, who may have made tokens). A change offers it, ticked: the person
knows their old password and may have scripts running on tokens they trust; the done page
says how many were revoked, or that they still work.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from bulletin import config
from bulletin.accounts.models import ApiToken, User
from bulletin.accounts.signin import rate_limited_page
from bulletin.errors import RateLimited
from bulletin.ratelimit import Rate, SharedLimiter


def revoke_tokens(user: User) -> int:
    """Revoke every usable API token of ``user``; how many there were."""
    return ApiToken.objects.usable().filter(user=user).update(revoked_at=timezone.now())


# The wall clock the guess windows follow (tests move it on).
clock = time.time


def _guesses() -> SharedLimiter | None:
    rate = config.current.RATE_LIMIT_PASSWORD_CHANGE
    if rate is None:
        return None
    return SharedLimiter("password-change", rate, clock=lambda: clock())


class ChangeForm(PasswordChangeForm):
    """Django's change form, offering to revoke the person's API tokens."""

    revoke_tokens = forms.BooleanField(
        label="Also revoke my API tokens",
        help_text="Scripts and apps that use them stop working until whoever runs Bulletin "
        "makes new ones. Untick only if you trust every token you have.",
        required=False,
        initial=True,
    )


class ResetForm(SetPasswordForm):  # type: ignore[type-arg]  # not generic at run time
    """Django's set-password form for reset links: saving revokes the person's API tokens."""

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=commit)
        if commit:
            revoke_tokens(user)
        return user


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangeForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limiter = _guesses()
        if limiter is not None:
            wait = limiter.wait(f"user:{request.user.pk}")
            if wait:
                return _throttled(request, limiter.rate, wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: ChangeForm) -> HttpResponse:
        limiter = _guesses()
        if limiter is not None and "old_password" in form.errors:
            limiter.hit(f"user:{self.request.user.pk}")
        return super().form_invalid(form)

    def form_valid(self, form: ChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        if form.cleaned_data.get("revoke_tokens"):
            count = revoke_tokens(form.user)
            said = f"API tokens revoked: {count}."
        else:
            count = ApiToken.objects.usable().filter(user=form.user).count()
            said = f"API tokens still working: {count}."
        messages.info(self.request, said)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResetForm


def _throttled(request: HttpRequest, rate: Rate, wait: float) -> HttpResponse:
    error = RateLimited.after(wait, "too many wrong current passwords")
    return rate_limited_page(request, "registration/password_change_throttled.html", error, rate)
