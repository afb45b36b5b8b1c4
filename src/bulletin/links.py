"""Absolute URLs on this site: BULLETIN_SITE_URL + a reversed route, in one place.

Every path is named in a ``urls.py`` and built with ``reverse()`` or ``{% url %}``, never by
hand (``tests/test_url_names.py`` fails when a module or template writes one). Where a URL
leaves the site — feeds, JSON-LD, the canonical link, the embed snippet, e-mails — it starts
with BULLETIN_SITE_URL, never with a host a request chose.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode


def absolute_url(url: str) -> str:
    """``url`` as an absolute URL on this site (absolute URLs are returned as they are)."""
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url if url.startswith('/') else '/' + url}"


def absolute_reverse(
    viewname: str, *args: object, query: Mapping[str, str | int] | None = None
) -> str:
    """The absolute URL of the route ``viewname`` with ``args``, and ``query`` if given."""
    url = absolute_url(reverse(viewname, args=args))
    return f"{url}?{urlencode(query)}" if query else url
