"""System checks behind ``bulletin check`` (and ``bulletin check --deploy`` for production)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError

from bulletin import config
from bulletin.blogs import demo
from bulletin.blogs.demo_content import DEMO_BLOG
from bulletin.blogs.models import LiveBlog
from bulletin.config import Values


@register(Tags.security)
def development_secret(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    loopback = {"127.0.0.1", "localhost", "[::1]", "::1"}
    reachable = any(host not in loopback for host in settings.ALLOWED_HOSTS)
    if settings.SECRET_KEY == config.DEVELOPMENT_SECRET_KEY and reachable:
        return [
            Warning(
                "BULLETIN_SECRET_KEY is not set: using the development placeholder",
                hint="Fine on a laptop. Set a long random BULLETIN_SECRET_KEY before anyone else "
                "can reach this server.",
                id="bulletin.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def production_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not settings.PRODUCTION:
        messages.append(
            Error(
                "BULLETIN_MODE is development",
                hint="Set BULLETIN_MODE=production on a public server.",
                id="bulletin.E001",
            )
        )
    for index, problem in enumerate(config.unsafe_for_production(settings.BULLETIN), start=2):
        messages.append(Error(problem, id=f"bulletin.E00{index}"))
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        messages.append(
            Warning(
                "SQLite serves one machine well but not several workers under heavy load",
                hint="Set BULLETIN_DATABASE_URL=postgres://… for a national story.",
                id="bulletin.W002",
            )
        )
    return messages


# --- what production mode lets start but a public server must not run with (issue 12) -------

SECRET_MIN_CHARACTERS = 50  # Django's own deploy check warns below this (security.W009)
METRICS_TOKEN_MIN_CHARACTERS = 32
RATE_LIMITS = (
    Values.RATE_LIMIT_SIGNIN,
    Values.RATE_LIMIT_STREAM,
    Values.RATE_LIMIT_CHANGES,
    Values.RATE_LIMIT_FEEDS,
    Values.RATE_LIMIT_API_READ,
    Values.RATE_LIMIT_API_WRITE,
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@register(Tags.security, deploy=True)
def unsafe_deployment(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Errors (never mere warnings) for settings an attacker would thank you for."""
    values = config.current
    return [*_hosts_and_limits(values), *_secrets(values), *_email(), *_demo_leftovers()]


def _hosts_and_limits(values: Values) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    if "*" in settings.ALLOWED_HOSTS:
        found.append(
            Error(
                "BULLETIN_ALLOWED_HOSTS must name this site's hosts, got '*' (any Host header "
                "would be answered, and links and caches would follow it)",
                hint="Set BULLETIN_ALLOWED_HOSTS=news.example (comma-separated).",
                id="bulletin.E010",
            )
        )
    off = [setting.env_var for setting in RATE_LIMITS if values.get(setting) is None]
    if off:
        found.append(
            Error(
                f"rate limits must be on in production, got off: {', '.join(off)}",
                hint="Remove the setting to use the default, or give a count per time (60/m).",
                id="bulletin.E011",
            )
        )
    return found


def _secrets(values: Values) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    secret = values.SECRET_KEY
    # A missing or placeholder secret is production_settings' complaint (E002).
    weak = (
        len(secret) < SECRET_MIN_CHARACTERS
        or len(set(secret)) < 10
        or secret.startswith("django-insecure-")
    )
    if secret and secret != config.DEVELOPMENT_SECRET_KEY and weak:
        found.append(
            Error(
                f"BULLETIN_SECRET_KEY must be at least {SECRET_MIN_CHARACTERS} random "
                f"characters (10 or more different), got {len(secret)} characters with "
                f"{len(set(secret))} different",
                hint='python3 -c "import secrets; print(secrets.token_urlsafe(48))"',
                id="bulletin.E012",
            )
        )
    token = values.METRICS_TOKEN
    if token and (len(token) < METRICS_TOKEN_MIN_CHARACTERS or len(set(token)) < 10):
        found.append(
            Error(
                f"BULLETIN_METRICS_TOKEN must be at least {METRICS_TOKEN_MIN_CHARACTERS} random "
                f"characters (10 or more different), got {len(token)} characters",
                hint="Leave it empty to serve /metrics to loopback clients only.",
                id="bulletin.E013",
            )
        )
    return found


def _email() -> list[CheckMessage]:
    smtp = settings.EMAIL_BACKEND.endswith("smtp.EmailBackend")
    encrypted = settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL
    # A relay on this machine never puts the password or the reset links on a network.
    if not smtp or encrypted or settings.EMAIL_HOST in LOOPBACK_HOSTS:
        return []
    return [
        Error(
            f"BULLETIN_EMAIL_URL must use TLS to reach {settings.EMAIL_HOST}, got neither "
            "?tls=1 nor ?ssl=1 (the SMTP password and every password-reset link would cross "
            "the network in clear text)",
            hint="smtp://user:password@host:587?tls=1, or ?ssl=1 on port 465.",
            id="bulletin.E014",
        )
    ]


def _demo_leftovers() -> list[CheckMessage]:
    found: list[CheckMessage] = []
    credentials = Path(settings.DATA_DIR) / demo.CREDENTIALS_FILE
    if credentials.exists():
        found.append(
            Error(
                f"the demo's administrator password is kept in plain text in {credentials}",
                hint="Delete the file, and delete the 'admin' account or change its password "
                "(bulletin changepassword admin).",
                id="bulletin.E015",
            )
        )
    try:
        seeded = LiveBlog.objects.filter(slug=DEMO_BLOG.slug).exists()
    except DatabaseError:
        seeded = False  # not reachable or not migrated yet: there is no demo blog in it
    if seeded:
        found.append(
            Error(
                f"the fictional demo live blog {DEMO_BLOG.slug!r} is in this database",
                hint="Delete it in the site administration (or use a fresh database): "
                "`bulletin demo` is for development only.",
                id="bulletin.E016",
            )
        )
    return found
