"""The reader page's "Who said what" panel and topic chips, when an editor switched them on.

Rendered with the page, once per change of the blog (the page is kept per seq); a reader's
request never reads quotes or topics.
"""

from __future__ import annotations

from typing import Any

from django import template

from bulletin.blogs.models import LiveBlog
from bulletin.extract import queries

register = template.Library()

# Enough to pick from at a glance; the API lists every topic and quote.
MAX_CHIPS = 12
MAX_SPEAKERS = 12
MAX_QUOTES = 20


@register.inclusion_tag("extract/_reader_panels.html", takes_context=True)
def reader_panels(context: template.Context, blog: LiveBlog) -> dict[str, Any]:
    switches = queries.switches(blog)
    # The entries this page shows: the chips list only those (the filter acts on them).
    shown = {entry.pk for day in context.get("days") or [] for entry in day.entries}
    speakers = queries.speakers(blog, within=shown)[:MAX_SPEAKERS] if switches.quotes_public else []
    quotes = list(queries.approved_quotes(blog)[:MAX_QUOTES]) if speakers else []
    return {
        "chips": queries.chips(blog, within=shown)[:MAX_CHIPS] if switches.topics_public else [],
        "speakers": speakers,
        "quotes": quotes,
        "scripted": not context.get("static_copy", False),
    }
