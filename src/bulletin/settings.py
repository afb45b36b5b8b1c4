"""Django settings, built from the typed registry in :mod:`bulletin.config`.

Nothing here should be edited per deployment: set ``BULLETIN_*`` environment variables instead
(see docs/settings.md).
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from bulletin import config, security

BULLETIN = config.load()
_bulletin = config.Values.of(BULLETIN)  # typed: what is read below, as the app reads it
PRODUCTION = _bulletin.MODE == "production"

if PRODUCTION:
    _problems = config.unsafe_for_production(BULLETIN)
    if _problems:
        raise ImproperlyConfigured("refusing to start in production mode: " + "; ".join(_problems))

DATA_DIR = Path(_bulletin.DATA_DIR).resolve()
SECRET_KEY = _bulletin.SECRET_KEY or config.DEVELOPMENT_SECRET_KEY
DEBUG = not PRODUCTION
ALLOWED_HOSTS: list[str] = _bulletin.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS: list[str] = _bulletin.CSRF_TRUSTED_ORIGINS
SITE_URL: str = _bulletin.SITE_URL.rstrip("/")

INSTALLED_APPS = [
    # Before the admin: its registration/*.html templates would hide the desk's sign-in pages.
    "bulletin.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "bulletin",
    "bulletin.blogs",
    "bulletin.realtime",
    "bulletin.reader",
    "bulletin.desk",
    "bulletin.api",
    "bulletin.assist",
    "bulletin.extract",
    # Serves the API docs' Swagger UI from its own static files instead of a CDN.
    "ninja",
    # Counts failed sign-ins in the database and locks out brute force (see AXES_* below).
    "axes",
]

MIDDLEWARE = [
    # First, so that it times everything below (the request-latency metric).
    "bulletin.metrics.request_metrics",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy from CONTENT_SECURITY_POLICY below; Permissions-Policy.
    "csp.middleware.CSPMiddleware",
    "bulletin.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Answers for someone (a session, a token, the desk) are private, no-store; public API
    # answers say they vary with Authorization and Cookie. Inside auth: it asks who was served.
    "bulletin.cache_policy.CachePolicyMiddleware",
    # Per-address and per-token limits on sign-in, feeds and the API (429 + Retry-After).
    "bulletin.throttling.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bulletin.api.middleware.ApiErrorShape",
    # A view that meets a database outage answers 503 + Retry-After, not 500.
    "bulletin.outage.DatabaseOutageMiddleware",
    # Last, as axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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
        # SQLite would create it readable by everyone on the machine (password hashes, API
        # token hashes, drafts): create it private first. Its -wal and -shm files copy the mode.
        with contextlib.suppress(FileExistsError):
            name.touch(mode=0o600, exist_ok=False)
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
        # Across a network partition (packets dropped, nothing refused) a connection attempt
        # or a query would wait minutes for TCP to give up, and so would every request behind
        # it: give up after 5 s, so the request answers 503 and Retry-After. And a transaction
        # whose worker was cut off mid-way would keep the blog's row locked, stalling every
        # other worker's writes, until PostgreSQL noticed the dead client: it ends such a
        # transaction after 10 s idle (ours run their statements back to back).
        # bench/cluster.py and tests/cluster measure both (docs/benchmarks.md).
        db.setdefault("OPTIONS", {}).update(
            {
                "connect_timeout": 5,
                "tcp_user_timeout": 5000,
                "options": "-c idle_in_transaction_session_timeout=10000",
            }
        )
        db["CONN_HEALTH_CHECKS"] = True
    else:
        raise ImproperlyConfigured(
            f"BULLETIN_DATABASE_URL must point to SQLite or PostgreSQL, got {db['ENGINE']}"
        )
    return db


DATABASES = {"default": _database(_bulletin.DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "shared": counts every worker process must see (the sign-in rate limit): Redis when there
# is one, else a table in the database (created by `bulletin migrate`). "default" stays in
# this process's memory for anything that need not be shared.
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _bulletin.REDIS_URL,
            "KEY_PREFIX": "bulletin",
        }
        if _bulletin.REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "bulletin_cache",
        }
    ),
}

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
AUTHENTICATION_BACKENDS = [
    # Refuses locked-out sign-ins before any password is checked; authenticates nobody itself.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Route names (urls.py), which Django reverses: /desk/login/ and /desk/.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (django-axes 8): 5 failures for one username from one address lock that
# pair out for 15 minutes; attempts live in the database, so every worker process sees them.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "bulletin.accounts.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "bulletin.accounts.signin.client_ip"

_email = config.email_settings(_bulletin.EMAIL_URL)
EMAIL_BACKEND: str = _email["EMAIL_BACKEND"]
EMAIL_HOST: str = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT: int = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER: str = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD: str = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS: bool = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL: bool = _email.get("EMAIL_USE_SSL", False)
# A stuck mail server must not hold a sign-in page (or an invitation's transaction) for ever.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL: str = _bulletin.EMAIL_FROM
SERVER_EMAIL = DEFAULT_FROM_EMAIL

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
MEDIA_ROOT = Path(_bulletin.MEDIA_ROOT).resolve() if _bulletin.MEDIA_ROOT else DATA_DIR / "media"
# Image files nobody may fetch any more (their entries were deleted or unpublished).
WITHHELD_MEDIA_ROOT = (
    Path(_bulletin.WITHHELD_MEDIA_ROOT).resolve()
    if _bulletin.WITHHELD_MEDIA_ROOT
    else DATA_DIR / "withheld-media"
)
if WITHHELD_MEDIA_ROOT.is_relative_to(MEDIA_ROOT):
    # Everything under MEDIA_ROOT is served: withheld files there would still be public.
    raise ImproperlyConfigured(
        f"BULLETIN_WITHHELD_MEDIA_ROOT must be outside the media folder {MEDIA_ROOT}, "
        f"got {WITHHELD_MEDIA_ROOT}"
    )

# Request bodies: an entry body may be 100 KB of HTML; leave room for the rest of the JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(1_000_000, _bulletin.MAX_BODY_BYTES * 4)

# A working day on the desk; Django rotates the session key at every sign-in.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script or style on any page (docs/security.md); the embed page replaces
# frame-ancestors with BULLETIN_EMBED_ORIGINS. The edge sends the same header on cached pages.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": security.CSP_DIRECTIVES}
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
        "json": {"()": "bulletin.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": _bulletin.LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": _bulletin.LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # Lockouts and repeated failures are warnings; every sign-in and its banner are not news.
        "axes": {"level": "WARNING"},
    },
}
