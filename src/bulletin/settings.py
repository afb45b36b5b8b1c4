"""Django settings, built from the typed registry in :mod:`bulletin.config`.

Nothing here should be edited per deployment: set ``BULLETIN_*`` environment variables instead
(see docs/settings.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from bulletin import config

BULLETIN = config.load()
PRODUCTION = BULLETIN["MODE"] == "production"

if PRODUCTION:
    _problems = config.unsafe_for_production(BULLETIN)
    if _problems:
        raise ImproperlyConfigured("refusing to start in production mode: " + "; ".join(_problems))

DATA_DIR = Path(BULLETIN["DATA_DIR"]).resolve()
SECRET_KEY = BULLETIN["SECRET_KEY"] or config.DEVELOPMENT_SECRET_KEY
DEBUG = not PRODUCTION
ALLOWED_HOSTS: list[str] = BULLETIN["ALLOWED_HOSTS"]
CSRF_TRUSTED_ORIGINS: list[str] = BULLETIN["CSRF_TRUSTED_ORIGINS"]
SITE_URL: str = BULLETIN["SITE_URL"].rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "bulletin",
    "bulletin.accounts",
    "bulletin.blogs",
    "bulletin.realtime",
    "bulletin.reader",
    "bulletin.api",
    # Serves the API docs' Swagger UI from its own static files instead of a CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bulletin.api.middleware.ApiErrorShape",
]

ROOT_URLCONF = "bulletin.urls"
ASGI_APPLICATION = "bulletin.asgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    try:
        db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    except (ValueError, dj_database_url.UnknownSchemeError) as exc:
        raise ImproperlyConfigured(
            f"BULLETIN_DATABASE_URL must be sqlite:///path or postgres://…, got {url!r}: {exc}"
        ) from None
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(db["NAME"])
        if not name.is_absolute():
            name = Path.cwd() / name
        # SQLite creates the file but not its folder: a fresh checkout has no var/ yet.
        name.parent.mkdir(parents=True, exist_ok=True)
        db["NAME"] = str(name)
        # IMMEDIATE transactions take the write lock up front, so two writers queue on the
        # busy timeout instead of failing with "database is locked" on lock upgrade.
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
        # Tests use a real file (not shared-cache memory) so threads see real locking.
        db["TEST"] = {"NAME": str(name.with_name(name.stem + "-test.sqlite3"))}
    elif db["ENGINE"] == "django.db.backends.postgresql":
        db.setdefault("OPTIONS", {})
        db["CONN_HEALTH_CHECKS"] = True
    else:
        raise ImproperlyConfigured(
            f"BULLETIN_DATABASE_URL must point to SQLite or PostgreSQL, got {db['ENGINE']}"
        )
    return db


DATABASES = {"default": _database(BULLETIN["DATABASE_URL"])}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Static files come straight from the apps' static/ folders: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 300
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

# Request bodies: an entry body may be 100 KB of HTML; leave room for the rest of the JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(1_000_000, BULLETIN["MAX_BODY_BYTES"] * 4)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = False  # TLS ends at the reverse proxy, which redirects.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": BULLETIN["LOG_LEVEL"]},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
