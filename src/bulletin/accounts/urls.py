"""Sign-in, sign-out and passwords for the desk (Django's auth views)."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from bulletin.accounts.passwords import PasswordChangeView, PasswordResetConfirmView
from bulletin.accounts.signin import PasswordResetView

urlpatterns: list[URLPattern] = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    # LogoutView answers POST only (Django 5), so a link or an image cannot sign anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Wrong current passwords are throttled; tokens may be revoked (accounts/passwords.py).
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        # Setting a new password from a reset link revokes the person's API tokens.
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
