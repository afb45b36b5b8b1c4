"""{% key_point_suggestions %}: the suggestions panel inside the desk's key points box."""

from __future__ import annotations

from typing import Any

from django import template

from bulletin.assist.services import open_suggestions

register = template.Library()


@register.inclusion_tag("assist/_key_point_suggestions.html", takes_context=True)
def key_point_suggestions(context: template.Context) -> dict[str, Any]:
    """Shown to those who curate (the sidebar asks ``desk.may_curate`` before calling)."""
    desk = context["desk"]
    return {
        "blog": desk.blog,
        "suggestions": open_suggestions(desk.blog) if desk.may_curate else [],
        "csrf_token": context.get("csrf_token", ""),
    }
