"""Tables in entry bodies scroll sideways inside their own box, never the page.

An election result with six columns is wider than a phone: the reader page wraps each table
of the (sanitised) body in a box that scrolls horizontally. The box is a named region that
takes keyboard focus, so that it can be scrolled without a mouse (WCAG 2.1.1). Feeds keep
the bare tables (feed readers lay them out themselves).
"""

from __future__ import annotations

import re
from html import escape, unescape

from django.utils.translation import gettext

from bulletin.blogs.sanitize import plain_text

# The sanitiser allows no attribute on <table> and escapes "<" in text, so these are tags.
_TABLE_TAG = re.compile(r"<(/?)table>")
_CAPTION = re.compile(r"<caption>(.*?)</caption>", re.DOTALL)
LABEL_CHARS = 120


def _boxed(table: str) -> str:
    caption = _CAPTION.search(table)
    name = unescape(plain_text(caption.group(1))) if caption else ""
    label = name[:LABEL_CHARS] or gettext("Table")
    return (
        f'<div class="entry__table" role="region" tabindex="0" aria-label="{escape(label)}">'
        f"{table}</div>"
    )


def scrollable(body: str) -> str:
    """``body`` with each table (not those inside another table) in a box that scrolls
    sideways."""
    if "<table>" not in body:
        return body
    out: list[str] = []
    depth = 0
    done = 0  # how much of body is in out
    start = 0  # where the outermost open table began
    for tag in _TABLE_TAG.finditer(body):
        if not tag.group(1):
            if depth == 0:
                out.append(body[done : tag.start()])
                start = tag.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                out.append(_boxed(body[start : tag.end()]))
                done = tag.end()
    out.append(body[done:] if depth == 0 else body[start:])  # an unclosed table stays bare
    return "".join(out)
