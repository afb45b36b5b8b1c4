"""Every Bulletin setting, declared once: name, type, default and help.

Settings come from ``BULLETIN_*`` environment variables. ``settings.py`` reads them through
:func:`load`, ``bulletin check`` reports on them, and ``docs/settings.md`` documents each one
(a test fails when a setting is undocumented).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar, cast, overload
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from bulletin.providers import PROVIDER_NAMES
from bulletin.ratelimit import Rate, parse_rate

T = TypeVar("T")

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


def _parse_count(raw: str) -> int:
    value = _parse_int(raw)
    if value < 0:
        raise ValueError(f"expected zero or more, got {raw!r}")
    return value


_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_EMAIL_URL_FORMS = "console:, memory: or smtp://user:password@host:587?tls=1 (or ?ssl=1)"


def email_settings(url: str) -> dict[str, Any]:
    """Turn an email URL into Django's EMAIL_* settings (ValueError when it is not one)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _EMAIL_BACKENDS or (scheme != "smtp" and (parts.netloc or parts.path)):
        raise ValueError(f"expected {_EMAIL_URL_FORMS}, got {url!r}")
    values: dict[str, Any] = {"EMAIL_BACKEND": _EMAIL_BACKENDS[scheme]}
    if scheme != "smtp":
        return values
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"expected a port number in {_EMAIL_URL_FORMS}, got {url!r}") from None
    if not parts.hostname:
        raise ValueError(f"expected a host name in {_EMAIL_URL_FORMS}, got {url!r}")
    query = {key: given[-1] for key, given in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - {"tls", "ssl"})
    if unknown:
        raise ValueError(f"expected only ?tls=1 or ?ssl=1 in {url!r}, got {', '.join(unknown)}")
    use_tls = _parse_bool(query.get("tls", "0"))
    use_ssl = _parse_bool(query.get("ssl", "0"))
    if use_tls and use_ssl:
        raise ValueError(f"expected tls=1 or ssl=1, not both, got {url!r}")
    values.update(
        EMAIL_HOST=parts.hostname,
        EMAIL_PORT=port or (465 if use_ssl else 587 if use_tls else 25),
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_TLS=use_tls,
        EMAIL_USE_SSL=use_ssl,
    )
    return values


def _parse_email_url(raw: str) -> str:
    email_settings(raw)
    return raw.strip()


def _parse_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _parse_http_urls(raw: str) -> list[str]:
    urls = _parse_list(raw)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"expected comma-separated http:// or https:// URLs, got {url!r}")
    return urls


def _parse_oembed_endpoints(raw: str) -> dict[str, str]:
    """``x=https://publish.twitter.com/oembed,bluesky=https://embed.bsky.app/oembed``."""
    providers = [name for name in PROVIDER_NAMES if name != "link"]
    endpoints: dict[str, str] = {}
    for part in _parse_list(raw):
        provider, _, url = part.partition("=")
        provider, url = provider.strip().lower(), url.strip()
        if provider not in providers:
            raise ValueError(
                f"expected provider=URL pairs, the provider one of {', '.join(providers)}, "
                f"got {part!r}"
            )
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"expected an http:// or https:// URL for {provider}, got {url!r}")
        endpoints[provider] = url
    return endpoints


def _parse_seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"expected a number of seconds, got {raw!r}") from None
    if not 0 < value <= 60:
        raise ValueError(f"expected more than 0 and at most 60 seconds, got {raw!r}")
    return value


def _parse_choice(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {raw!r}")
        return value

    return parse


class Setting(Generic[T]):
    """One setting: its default, how its ``BULLETIN_*`` variable is read, and what it is for.

    Declared as an attribute of :class:`Values` (which gives it its name), it is also how the
    setting is read: ``current.MAX_BODY_BYTES`` is the value in force, of the type that the
    default and the parser agree on (mypy checks that they do; where the default alone would
    say too little, as for ``[]``, the attribute names the type).
    """

    def __init__(
        self, default: T, parse: Callable[[str], T], help: str, *, secret: bool = False
    ) -> None:
        self.name = ""
        self.default = default
        self.parse = parse
        self.help = help
        self.secret = secret

    def __set_name__(self, owner: type[Values], name: str) -> None:
        self.name = name

    @property
    def env_var(self) -> str:
        return f"BULLETIN_{self.name}"

    @overload
    def __get__(self, values: None, owner: type[Values]) -> Setting[T]: ...

    @overload
    def __get__(self, values: Values, owner: type[Values]) -> T: ...

    def __get__(self, values: Values | None, owner: type[Values]) -> Setting[T] | T:
        if values is None:
            return self  # on the class: the declaration itself (for the registry)
        return cast(T, values.source()[self.name])

    def __set__(self, values: Values, value: T) -> None:
        raise AttributeError(
            f"{self.name} is read from settings.BULLETIN: replace that mapping to change it"
        )


def _rate_limit(count: int, seconds: int, help: str) -> Setting[Rate | None]:
    """A limit of ``count`` per ``seconds`` by default; ``off`` in its variable lifts it."""
    return Setting(Rate(count, seconds), parse_rate, help)


class Values:
    """Every setting as a typed attribute, declared once here: name, type, default and help.

    An instance reads its ``source()`` mapping at each access, so that tests which replace
    ``settings.BULLETIN`` (pytest-django's ``settings`` fixture, ``override_settings``) are
    seen at once. :data:`current` reads Django's ``settings.BULLETIN``; nothing else reads a
    Bulletin setting.
    """

    MODE = Setting(
        "development",
        _parse_choice("development", "production"),
        "development (debug pages, placeholder secret allowed) or production (refuses unsafe "
        "settings at start-up).",
    )

    SECRET_KEY = Setting(
        "",
        str,
        "Signs sessions and CSRF tokens. Required in production: a long random string.",
        secret=True,
    )

    DATABASE_URL = Setting(
        "sqlite:///var/bulletin.sqlite3",
        str,
        "Where the data lives: sqlite:///relative/path, sqlite:////absolute/path or "
        "postgres://user:password@host:5432/name. SQLite runs in WAL mode.",
    )

    REDIS_URL = Setting(
        "",
        str,
        "redis://host:6379/0 to fan changes out to several worker processes through Redis. "
        "Empty: no Redis.",
    )

    ALLOWED_HOSTS = Setting(
        ["127.0.0.1", "localhost", "[::1]"],
        _parse_list,
        "Comma-separated host names this site answers to.",
    )

    SITE_URL = Setting(
        "http://127.0.0.1:8000",
        str,
        "The public address of the site, used for absolute links; links to any other host "
        'are treated as external (rel="noopener noreferrer nofollow").',
    )

    CSRF_TRUSTED_ORIGINS: Setting[list[str]] = Setting(
        [],
        _parse_list,
        "Comma-separated origins (scheme://host[:port]) allowed to send unsafe requests, "
        "needed behind a TLS-terminating proxy.",
    )

    BROKER = Setting(
        "auto",
        _parse_choice("auto", "memory", "redis", "postgres", "dbtail"),
        "How changes reach every worker process: auto (redis when BULLETIN_REDIS_URL is set, "
        "memory for one worker, else postgres LISTEN/NOTIFY or dbtail polling), memory, "
        "redis, postgres or dbtail.",
    )

    SSE_KEEPALIVE_SECONDS = Setting(
        15,
        _parse_int,
        "Seconds between keepalive comments on idle live streams (proxies close silent ones).",
    )

    DBTAIL_INTERVAL_MS = Setting(
        200,
        _parse_int,
        "How often the dbtail broker polls the change log, in milliseconds.",
    )

    WORKERS = Setting(
        1,
        _parse_int,
        "Worker processes `bulletin serve` runs (its --workers option sets this for workers).",
    )

    EMBED_ORIGINS = Setting(
        ["*"],
        _parse_list,
        "Comma-separated origins (https://news.example) allowed to show live blogs in an "
        "iframe through the embed snippet; * allows any site.",
    )

    OEMBED_FETCH = Setting(
        False,
        _parse_bool,
        "Fill the empty fields of a social post card (author, handle, text, date) from the "
        "provider's oEmbed answer when an entry is written (docs/security.md, Outbound "
        "requests). Off: Bulletin makes no request for an embed.",
    )

    OEMBED_ENDPOINTS: Setting[dict[str, str]] = Setting(
        {
            "x": "https://publish.twitter.com/oembed",
            "bluesky": "https://embed.bsky.app/oembed",
            "tiktok": "https://www.tiktok.com/oembed",
        },
        _parse_oembed_endpoints,
        "The only addresses card fetching calls, as provider=URL pairs separated by commas "
        "(providers: x, bluesky, instagram, tiktok, facebook, telegram, youtube, vimeo); "
        "redirects are followed only to these hosts.",
        secret=True,
    )

    OEMBED_TIMEOUT_SECONDS = Setting(
        3.0,
        _parse_seconds,
        "How long one oEmbed request may take before the card is left as typed.",
    )

    OEMBED_MAX_BYTES = Setting(
        100_000,
        _parse_count,
        "Largest oEmbed answer read; a larger one is dropped and the card left as typed.",
    )

    PUBLISHER_NAME = Setting(
        "Bulletin",
        str,
        "The newsroom's name, for feeds and search engines' publisher field.",
    )

    PUBLISHER_URL = Setting(
        "",
        str,
        "The newsroom's home page, for search engines' publisher field (empty: SITE_URL).",
    )

    PUBLISHER_LOGO_URL = Setting(
        "",
        str,
        "The newsroom's logo for search engines' publisher field: an absolute URL, or a "
        "path on this site beginning with a slash (empty: no logo).",
    )

    DATA_DIR = Setting(
        "var",
        str,
        "Folder for the SQLite file, uploaded media and demo credentials.",
    )

    MEDIA_ROOT = Setting(
        "",
        str,
        "Folder for uploaded images (served at /media/; behind nginx, by nginx). Empty: "
        "BULLETIN_DATA_DIR/media.",
    )

    WITHHELD_MEDIA_ROOT = Setting(
        "",
        str,
        "Folder, outside the media folder, where the images of deleted and unpublished entries "
        "are moved so that nobody can fetch them (an entry published again brings its image "
        "back; a takedown deletes the files for good). Empty: BULLETIN_DATA_DIR/withheld-media.",
    )

    CDN_PURGE_URLS: Setting[list[str]] = Setting(
        [],
        _parse_http_urls,
        "Comma-separated URLs that get a POST with the purge keys (Surrogate-Key and Cache-Tag "
        'headers, JSON {"keys": [...]}) after every deletion, unpublishing or takedown, so that '
        "a CDN drops its copies at once (docs/operations.md, Takedown). Empty: no purge.",
        secret=True,
    )

    TIME_ZONE = Setting(
        "UTC",
        str,
        "Default time zone for new live blogs (IANA name, e.g. Europe/London).",
    )

    LANGUAGE = Setting(
        "en",
        str,
        "Default language for new live blogs.",
    )

    MAX_BODY_BYTES = Setting(
        100_000,
        _parse_int,
        "Largest entry body accepted, in bytes of HTML.",
    )

    MEDIA_MAX_BYTES = Setting(
        20_000_000,
        _parse_int,
        "Largest image upload accepted, in bytes.",
    )

    MEDIA_MAX_PIXELS = Setting(
        40_000_000,
        _parse_int,
        "Largest image accepted, in pixels (width times height), checked before decoding so that "
        "a small file cannot unpack into gigabytes: 40 million takes a 50-megapixel camera's "
        "pictures and decodes to at most about 160 MB.",
    )

    MEDIA_DECODES_PER_WORKER = Setting(
        2,
        _parse_count,
        "Images one worker process decodes at once; more uploads wait for a turn (up to 30 s, "
        "then 429 + Retry-After). With MEDIA_MAX_PIXELS this bounds a worker's image memory. "
        "0: no bound.",
    )

    MEDIA_UPLOADS_PER_USER = Setting(
        1,
        _parse_count,
        "Uploads one person may have being decoded at once, counted across workers in the "
        "shared cache; one more is refused with 429 + Retry-After. 0: no bound.",
    )

    EMAIL_URL = Setting(
        "console:",
        _parse_email_url,
        "How email (password resets, invitations) leaves: console: prints it to the log, "
        "memory: keeps it in memory (tests), smtp://user:password@host:587?tls=1 sends it "
        "through an SMTP server (?ssl=1 for implicit TLS; percent-encode special characters).",
        secret=True,
    )

    EMAIL_FROM = Setting(
        "Bulletin <bulletin@localhost>",
        str,
        "The sender of Bulletin's email, e.g. Newsroom desk <desk@news.example>.",
    )

    TRUSTED_PROXY_COUNT = Setting(
        0,
        _parse_count,
        "How many reverse proxies stand in front of Bulletin and append to X-Forwarded-For; "
        "sign-in throttling and rate limits then take the client address from that header. "
        "0: trust no such header and use the connection's address.",
    )

    RATE_LIMIT_SIGNIN = _rate_limit(
        20,
        60,
        "Sign-in and password-reset requests (POST) per client address, counted across all "
        "workers in the shared cache: a count per time such as 20/m, or off.",
    )

    RATE_LIMIT_PASSWORD_CHANGE = _rate_limit(
        5,
        900,
        "Wrong current passwords on the change-password page per person, counted across all "
        "workers in the shared cache; over it the page answers 429 (even to the right password) "
        "until the window ends: a count per time such as 5/15m, or off.",
    )

    STREAMS_PER_CLIENT = Setting(
        20,
        _parse_count,
        "Live streams (SSE) one client address may hold open at once, per worker process; one "
        "more is refused with 429 + Retry-After (nginx limit_conn caps across workers). "
        "0: no cap.",
    )

    DESK_STREAMS_PER_USER = Setting(
        5,
        _parse_count,
        "Desk live streams one person may hold open at once (tabs), per worker process; one "
        "more is refused with 429 + Retry-After. 0: no cap.",
    )

    DESK_RESTORE_DAYS = Setting(
        30,
        _parse_count,
        "Days after its deletion during which an editor may restore a deleted entry from the "
        "desk's activity log (a taken-down entry never). 0: deleted entries cannot be restored.",
    )

    LEAN_STREAMS = Setting(
        True,
        _parse_bool,
        "Serve live streams (each blog's events stream) in `bulletin serve` through a lean "
        "protocol that keeps only the connection once a reader is live (about 2 KB "
        "per reader instead of about 10); off: through the ASGI edge, as under any other "
        "ASGI server.",
    )

    HEADER_TIMEOUT_SECONDS = Setting(
        10,
        _parse_count,
        "Seconds a connection may take to send a whole request line and headers (from "
        "connecting, or from the first byte of the next request on a kept-alive connection) "
        "before `bulletin serve` closes it. 0: no limit.",
    )

    RATE_LIMIT_STREAM = _rate_limit(
        60,
        10,
        "Live-stream (SSE) connections opened per client address, per worker process: a count "
        "per time such as 60/10s, or off.",
    )

    RATE_LIMIT_CHANGES = _rate_limit(
        1200,
        60,
        "Requests to the polling feed (/live/{slug}/changes) per client address, per worker "
        "process, or off.",
    )

    RATE_LIMIT_FEEDS = _rate_limit(
        300,
        60,
        "Atom, RSS and JSON Feed requests per client address, per worker process, or off.",
    )

    RATE_LIMIT_API_READ = _rate_limit(
        1200,
        60,
        "API reads per token (per client address without one), per worker process, or off.",
    )

    RATE_LIMIT_API_WRITE = _rate_limit(
        300,
        60,
        "API writes per token (per signed-in person for the desk's session), per worker "
        "process, or off.",
    )

    LOG_LEVEL = Setting(
        "INFO",
        _parse_choice("debug", "info", "warning", "error"),
        "Log level: debug, info, warning or error.",
    )

    LOG_FORMAT = Setting(
        "plain",
        _parse_choice("plain", "json"),
        "How log lines look: plain text, or json (one JSON object per line, for log shippers).",
    )

    METRICS_TOKEN = Setting(
        "",
        str,
        "Lets a Prometheus server that is not on this machine read /metrics with "
        "Authorization: Bearer <token>. Empty: /metrics answers loopback clients only.",
        secret=True,
    )

    def __init__(self, source: Callable[[], Mapping[str, Any]]) -> None:
        self.source = source

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Values:
        """Typed access to settings already loaded (``settings.py`` while Django starts)."""
        return cls(lambda: values)

    def get(self, setting: Setting[T]) -> T:
        """The value of a setting picked at run time (``Values.RATE_LIMIT_FEEDS``)."""
        return setting.__get__(self, Values)


def _django_settings() -> Mapping[str, Any]:
    # Imported here, not at the top: settings.py imports this module, and mypy's Django plugin
    # makes django.conf depend on settings.py; a top-level import would have mypy check
    # settings.py before it knows the types declared here.
    from django.conf import settings

    return settings.BULLETIN


# The settings in force: ``config.current.MAX_BODY_BYTES``.
current = Values(_django_settings)
SETTINGS: tuple[Setting[Any], ...] = tuple(
    value for value in vars(Values).values() if isinstance(value, Setting)
)

BY_NAME: Mapping[str, Setting[Any]] = {setting.name: setting for setting in SETTINGS}


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


def unsafe_for_production(loaded: Mapping[str, Any]) -> list[str]:
    """Say what in these settings makes production mode unsafe; empty when all is well."""
    values = Values.of(loaded)
    problems = []
    secret = values.SECRET_KEY
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
    if not values.SITE_URL.startswith("https://"):
        problems.append(
            f"BULLETIN_SITE_URL must start with https:// in production, got {values.SITE_URL!r}"
        )
    return problems
