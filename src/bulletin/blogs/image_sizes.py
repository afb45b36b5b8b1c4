"""Pictures in entry bodies keep their space while they load.

A browser reserves an image's box before it arrives only when it knows its shape: the
``width`` and ``height`` attributes. A writer who puts one of this site's uploads into the
body's HTML rarely types them; rendering (on write) adds them from the upload's record.
Images from elsewhere keep what the writer gave.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

from django.conf import settings

from bulletin.blogs.models import Media

# The sanitiser's output: attributes double-quoted, "<" and ">" escaped inside them.
_IMG = re.compile(r"<img\b([^>]*)>")
_SRC = re.compile(r'\bsrc="([^"]*)"')


def _upload_path(src: str) -> str | None:
    """The upload's path under MEDIA_ROOT when ``src`` points at one on this site."""
    parts = urlsplit(unescape(src))
    if parts.netloc and parts.netloc != urlsplit(settings.SITE_URL).netloc:
        return None
    media = settings.MEDIA_URL
    return parts.path.removeprefix(media) if parts.path.startswith(media) else None


def _unsized(body: str) -> dict[str, str]:
    """src → upload path, for the body's images that have no width or height."""
    found: dict[str, str] = {}
    for match in _IMG.finditer(body):
        attributes = match.group(1)
        src = _SRC.search(attributes)
        if src is None or " width=" in attributes or " height=" in attributes:
            continue
        path = _upload_path(src.group(1))
        if path:
            found[src.group(1)] = path
    return found


def with_sizes(body: str) -> str:
    """``body`` with width and height on each image that is one of this site's uploads."""
    if "<img" not in body:
        return body
    wanted = _unsized(body)
    if not wanted:
        return body
    sizes = {
        path: (width, height)
        for path, width, height in Media.objects.filter(
            file__in=set(wanted.values()), width__gt=0, height__gt=0
        ).values_list("file", "width", "height")
    }

    def sized(match: re.Match[str]) -> str:
        attributes = match.group(1)
        src = _SRC.search(attributes)
        size = sizes.get(wanted.get(src.group(1), "")) if src else None
        if size is None or " width=" in attributes or " height=" in attributes:
            return match.group(0)
        return f'<img{attributes} width="{size[0]}" height="{size[1]}">'

    return _IMG.sub(sized, body)
