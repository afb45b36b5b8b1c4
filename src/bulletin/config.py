"""Every Bulletin setting, declared once: name, type, default and help.

Settings come from ``BULLETIN_*`` environment variables. ``settings.py`` reads them through
:func:`load`, ``bulletin check`` reports on them, and ``docs/settings.md`` documents each one
(a test fails when a setting is undocumented).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# A placeholder that only development may use; production mode refuses it.
DEVELOPMENT_SECRET_KEY = "bulletin-development-only-secret-do-not-use-in-production"  # noqa: S105


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected one of 1/0, true/false, yes/no, on/off, got {raw!r}")


def _parse_int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"expected a whole number, got {raw!r}") from None


def _parse_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _parse_choice(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {raw!r}")
        return value

    return parse


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str
    secret: bool = False

    @property
    def env_var(self) -> str:
        return f"BULLETIN_{self.name}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "MODE",
        "development",
        _parse_choice("development", "production"),
        "development (debug pages, placeholder secret allowed) or production (refuses unsafe "
        "settings at start-up).",
    ),
    Setting(
        "SECRET_KEY",
        "",
        str,
        "Signs sessions and CSRF tokens. Required in production: a long random string.",
        secret=True,
    ),
    Setting(
        "DATABASE_URL",
        "sqlite:///var/bulletin.sqlite3",
        str,
        "Where the data lives: sqlite:///relative/path, sqlite:////absolute/path or "
        "postgres://user:password@host:5432/name. SQLite runs in WAL mode.",
    ),
    Setting(
        "REDIS_URL",
        "",
        str,
        "redis://host:6379/0 to fan changes out to several worker processes through Redis. "
        "Empty: no Redis.",
    ),
    Setting(
        "ALLOWED_HOSTS",
        ["127.0.0.1", "localhost", "[::1]"],
        _parse_list,
        "Comma-separated host names this site answers to.",
    ),
    Setting(
        "SITE_URL",
        "http://127.0.0.1:8000",
        str,
        "The public address of the site, used for absolute links; links to any other host "
        'are treated as external (rel="noopener noreferrer nofollow").',
    ),
    Setting(
        "CSRF_TRUSTED_ORIGINS",
        [],
        _parse_list,
        "Comma-separated origins (scheme://host[:port]) allowed to send unsafe requests, "
        "needed behind a TLS-terminating proxy.",
    ),
    Setting(
        "BROKER",
        "auto",
        _parse_choice("auto", "memory", "redis", "postgres", "dbtail"),
        "How changes reach every worker process: auto (redis when BULLETIN_REDIS_URL is set, "
        "memory for one worker, else postgres LISTEN/NOTIFY or dbtail polling), memory, "
        "redis, postgres or dbtail.",
    ),
    Setting(
        "SSE_KEEPALIVE_SECONDS",
        15,
        _parse_int,
        "Seconds between keepalive comments on idle live streams (proxies close silent ones).",
    ),
    Setting(
        "DBTAIL_INTERVAL_MS",
        200,
        _parse_int,
        "How often the dbtail broker polls the change log, in milliseconds.",
    ),
    Setting(
        "WORKERS",
        1,
        _parse_int,
        "Worker processes `bulletin serve` runs (its --workers option sets this for workers).",
    ),
    Setting(
        "EMBED_ORIGINS",
        ["*"],
        _parse_list,
        "Comma-separated origins (https://news.example) allowed to show live blogs in an "
        "iframe through the embed snippet; * allows any site.",
    ),
    Setting(
        "PUBLISHER_NAME",
        "Bulletin",
        str,
        "The newsroom's name, for feeds and search engines' publisher field.",
    ),
    Setting(
        "DATA_DIR",
        "var",
        str,
        "Folder for the SQLite file, uploaded media and demo credentials.",
    ),
    Setting(
        "TIME_ZONE",
        "UTC",
        str,
        "Default time zone for new live blogs (IANA name, e.g. Europe/London).",
    ),
    Setting(
        "LANGUAGE",
        "en",
        str,
        "Default language for new live blogs.",
    ),
    Setting(
        "MAX_BODY_BYTES",
        100_000,
        _parse_int,
        "Largest entry body accepted, in bytes of HTML.",
    ),
    Setting(
        "LOG_LEVEL",
        "INFO",
        _parse_choice("debug", "info", "warning", "error"),
        "Log level: debug, info, warning or error.",
    ),
)

BY_NAME: Mapping[str, Setting] = {setting.name: setting for setting in SETTINGS}


def load(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read every setting from the environment, failing with one clear line on a bad value."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(setting.env_var)
        if raw is None:
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{setting.env_var}: {exc}") from None
    if isinstance(values["LOG_LEVEL"], str):
        values["LOG_LEVEL"] = values["LOG_LEVEL"].upper()
    return values


def unsafe_for_production(values: Mapping[str, Any]) -> list[str]:
    """Say what in these settings makes production mode unsafe; empty when all is well."""
    problems = []
    secret = values["SECRET_KEY"]
    if not secret or secret == DEVELOPMENT_SECRET_KEY:
        problems.append(
            "BULLETIN_SECRET_KEY must be set to a long random string in production, got "
            + ("nothing" if not secret else "the development placeholder")
        )
    elif len(secret) < 40 or len(set(secret)) < 10:
        problems.append(
            "BULLETIN_SECRET_KEY must be at least 40 characters with at least 10 different "
            f"characters, got {len(secret)} characters"
        )
    if not str(values["SITE_URL"]).startswith("https://"):
        problems.append(
            f"BULLETIN_SITE_URL must start with https:// in production, got {values['SITE_URL']!r}"
        )
    return problems
