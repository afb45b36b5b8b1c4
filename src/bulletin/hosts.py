"""The Host a request names, checked against ALLOWED_HOSTS as Django checks it, for the edge.

The edge answers cached pages, the changes feed, live streams and the operations paths without
Django's middleware, so it runs Django's own check (``validate_host``) itself: a page answered
for ``Host: evil.example`` could be cached under that name by a proxy, and links built from it
would point elsewhere. docs/security.md ("Hosts").
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from bulletin.errors import ValidationFailed
from bulletin.numbers import describe

# Probes on the machine itself (``curl http://127.0.0.1:8000/healthz``) name the loopback
# address, which production's ALLOWED_HOSTS rightly leaves out; nothing those paths answer
# depends on the host name.
PROBE_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def allowed_hosts() -> tuple[str, ...]:
    """ALLOWED_HOSTS as Django applies it (development with none set allows localhost)."""
    hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]
    return tuple(hosts)


@lru_cache(maxsize=1024)
def _allowed(host: str, allowed: tuple[str, ...]) -> bool:
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed)


def requested_host(headers: Iterable[tuple[bytes, bytes]], server: Any) -> str | None:
    """The host name a request names, found where Django's ``get_host`` looks."""
    wanted = b"x-forwarded-host" if settings.USE_X_FORWARDED_HOST else b"host"
    for name, value in headers:
        if name.lower() == wanted:
            return value.decode("latin-1")
    if wanted != b"host":
        for name, value in headers:
            if name.lower() == b"host":
                return value.decode("latin-1")
    # HTTP/1.0 without Host: Django falls back to the server's own name.
    return str(server[0]) if server else None


def refusal(scope: dict[str, Any], *, probe: bool = False) -> ValidationFailed | None:
    """Why this request's host is refused (400), or None when it may be answered.

    A request without any host name (no Host header and no server address: only in-process
    callers) names nothing that could be misused, and goes ahead.
    """
    host = requested_host(scope.get("headers", ()), scope.get("server"))
    if host is None:
        return None
    allowed = allowed_hosts()
    if probe:
        allowed = (*allowed, *PROBE_HOSTS)
    if len(host) <= 300 and _allowed(host, allowed):
        return None
    return ValidationFailed.on(
        "Host",
        f"must name a host this site answers to (BULLETIN_ALLOWED_HOSTS), got {describe(host)}",
    )
