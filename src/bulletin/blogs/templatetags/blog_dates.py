"""Times and dates in a blog's conventions, for templates (rules in bulletin.blogs.dates)."""

from __future__ import annotations

from datetime import date

from django import template

from bulletin.blogs.dates import day_label as _day_label

register = template.Library()


@register.filter
def day_label(day: date, language: str) -> str:
    """``{{ day|day_label:blog.language }}`` → "Tuesday, January 27", "Dienstag, 27. Januar"."""
    return _day_label(day, language)
