"""The security headers of every response, declared once for Django and for the edge.

Django's middleware sets them on what Django answers: ``SecurityMiddleware`` (nosniff,
Referrer-Policy, Cross-Origin-Opener-Policy, HSTS), ``XFrameOptionsMiddleware``, django-csp's
``CSPMiddleware`` (from ``CONTENT_SECURITY_POLICY``, built from :data:`CSP_DIRECTIVES`) and
:class:`PermissionsPolicyMiddleware`. The realtime edge answers cached live pages without
Django and takes the very same values from :func:`edge_headers`, so the two cannot drift
(``tests/test_security_headers.py`` compares them). docs/security.md explains each header.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from csp.constants import NONE, SELF
from csp.utils import build_policy
from django.conf import settings
from django.utils.deprecation import MiddlewareMixin

from bulletin import config
from bulletin.blogs.embeds import FRAME_ORIGINS

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.http.response import HttpResponseBase

# Powerful features no Bulletin page uses; interest-cohort (FLoC) and its successor
# browsing-topics keep the pages out of the browser's ad-interest profiling.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), interest-cohort=(), browsing-topics=()"
)

# No inline script or style anywhere: scripts and style sheets are files under /static/.
# Images may come from any https host because entry bodies may hold <img src="https://…">
# (see blogs/sanitize.py); data: is for the desk's empty favicon.
CSP_DIRECTIVES: dict[str, list[str]] = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:", "https:"],
    "connect-src": [SELF],
    "frame-src": list(FRAME_ORIGINS),
    "frame-ancestors": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "object-src": [NONE],
}

# The headers one page carries for its security, in lower case (what tests compare).
SECURITY_HEADERS = (
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
    "permissions-policy",
    "strict-transport-security",
)


def content_security_policy() -> str:
    """The policy exactly as django-csp writes it on a response without overrides."""
    return build_policy()


def embed_frame_ancestors() -> dict[str, list[str]]:
    """The CSP replacement for the embed page: the sites allowed to frame it."""
    origins = config.current.EMBED_ORIGINS
    return {"frame-ancestors": list(origins) or [NONE]}


def is_secure(scheme: str, header: Callable[[str], str | None]) -> bool:
    """Whether Django would call this request secure (``request.is_secure()``), from its
    scheme and a way to read one of its headers by lower-case name."""
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        name, secure_value = proxy
        value = header(name.removeprefix("HTTP_").replace("_", "-").lower())
        if value is not None:
            return bool(value.split(",", 1)[0].strip() == secure_value)
    return scheme == "https"


def _referrer_policy(value: Any) -> str:
    # As SecurityMiddleware writes it: a comma-separated string or a list of fallbacks.
    parts = value.split(",") if isinstance(value, str) else value
    return ",".join(part.strip() for part in parts)


def edge_headers(*, secure: bool) -> list[tuple[bytes, bytes]]:
    """The security headers Django's middleware puts on a page, for the edge's own answers."""
    headers = [
        ("content-security-policy", content_security_policy()),
        ("x-frame-options", settings.X_FRAME_OPTIONS),
    ]
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("x-content-type-options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("referrer-policy", _referrer_policy(settings.SECURE_REFERRER_POLICY)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("cross-origin-opener-policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    headers.append(("permissions-policy", PERMISSIONS_POLICY))
    if secure and settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append(("strict-transport-security", hsts))
    return [(name.encode(), value.encode("latin-1")) for name, value in headers]


class PermissionsPolicyMiddleware(MiddlewareMixin):
    """Add the Permissions-Policy header, which Django's SecurityMiddleware does not set."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> Any:
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
