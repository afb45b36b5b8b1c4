"""Who said what and what entries are about: /api/v1/blogs/{slug}/quotes and …/topics.

Public once an editor has switched the reader panel (or the topic chips) on; the blog's
members may always read them, to check them first. What an editor rejected or hid is never
in them.
"""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from bulletin import surrogate
from bulletin.accounts.permissions import Action, can
from bulletin.api import lookups
from bulletin.api.auth import READ, ApiRequest
from bulletin.api.schemas import ErrorOut
from bulletin.blogs.models import LiveBlog
from bulletin.errors import NotAuthenticated, PermissionDenied
from bulletin.extract import queries

router = Router(tags=["quotes and topics"])

ERRORS = {code: ErrorOut for code in (400, 401, 403, 404)}


class QuoteOut(Schema):
    speaker: str
    text: str
    entry_id: int


class QuotesOut(Schema):
    quotes: list[QuoteOut]


class TopicOut(Schema):
    label: str
    entry_ids: list[int]


class TopicsOut(Schema):
    topics: list[TopicOut]


class QuotesQuery(Schema):
    speaker: str | None = Field(
        default=None, max_length=200, description="Only this speaker's quotes (as shown)."
    )


def _readable(request: ApiRequest, blog: LiveBlog, public: bool, what: str) -> None:
    """Public once switched on; until then only for the blog's members (who check them)."""
    if public or can(request.auth, blog, Action.VIEW_DESK):
        return
    if not request.auth.is_authenticated:
        raise NotAuthenticated(
            f"sign in as a member of this live blog to read its {what}: readers see them only "
            "once an editor shows them"
        )
    raise PermissionDenied(
        f"you may not read the {what} of this live blog: an editor has not shown them to "
        "readers and you are not a member"
    )


@router.get("/blogs/{slug}/quotes", response={200: QuotesOut, **ERRORS}, auth=READ)
def list_quotes(
    request: ApiRequest, response: HttpResponse, slug: str, query: Query[QuotesQuery]
) -> dict[str, object]:
    """Quotations of published entries with their speakers, newest entry first."""
    blog = lookups.blog(slug, request.auth)
    switches = queries.switches(blog)
    _readable(request, blog, switches.quotes_public, "quotes")
    surrogate.tag(response, blog.pk)
    return {"quotes": queries.quotes_json(blog, query.speaker)}


@router.get("/blogs/{slug}/topics", response={200: TopicsOut, **ERRORS}, auth=READ)
def list_topics(request: ApiRequest, response: HttpResponse, slug: str) -> dict[str, object]:
    """People, places and organisations the published entries are about, most entries first."""
    blog = lookups.blog(slug, request.auth)
    switches = queries.switches(blog)
    _readable(request, blog, switches.topics_public, "topics")
    surrogate.tag(response, blog.pk)
    return {"topics": queries.topics_json(blog)}
