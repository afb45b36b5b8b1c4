"""Marks the reader page adds to an entry's stored HTML when it shows it in the stream."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

# The entry template's header (blogs/templates/blogs/entry.html), where its flags go.
_ENTRY_META = re.compile(r'<header class="entry__meta"[^>]*>')


@register.filter
def with_pinned_flag(html: str) -> SafeString:
    """The stored (sanitised) HTML of the pinned entry, flagged "Pinned" in the stream: the
    box at the top shows it only briefly, so its full copy here says what it is.
    live.js (markPinned) adds and removes the same flag when the pin changes."""
    flag = f'<span class="entry__flag entry__flag--pinned">{escape(gettext("Pinned"))}</span>'
    return mark_safe(_ENTRY_META.sub(lambda found: found.group(0) + flag, html, count=1))  # noqa: S308
