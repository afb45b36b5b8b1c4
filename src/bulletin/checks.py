"""System checks behind ``bulletin check`` (and ``bulletin check --deploy`` for production)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from bulletin import config


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
