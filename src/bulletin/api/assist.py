"""The desk assistant: /api/v1/blogs/{slug}/assist/… (repeat checks, key-point suggestions).

Nothing here reaches readers: a suggestion becomes a key point only when an editor accepts it,
through the key-point service like any other edit of the box (docs/assist.md).
"""

from __future__ import annotations

from ninja import Router, Schema, Status
from pydantic import Field

from bulletin.api import auth, lookups
from bulletin.api.auth import ApiRequest
from bulletin.api.schemas import ErrorOut, Id, KeyPointsOut, StrictIn
from bulletin.assist import services
from bulletin.blogs.fields.kinds import Body, Headline, KeyPointText
from bulletin.blogs.rendering import blog_json

router = Router(tags=["assist"])

ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409)}


class SimilarIn(StrictIn):
    headline: Headline = ""
    body: Body = ""
    entry_id: Id | None = Field(
        default=None, description="The entry being edited, left out of the comparison."
    )


class SimilarItem(Schema):
    entry_id: int
    headline: str
    display_at: str
    score: float = Field(description="Share of the draft already published, 0 to 1.")
    new_sentences: list[str]


class SimilarOut(Schema):
    similar: list[SimilarItem]


class SuggestionOut(Schema):
    key: str
    text: str
    entry_ids: list[int]


class SuggestionsOut(Schema):
    suggestions: list[SuggestionOut]


class AcceptIn(StrictIn):
    text: KeyPointText | None = Field(
        default=None, description="The line as edited; omit to keep it."
    )


class AssistSettingsIn(StrictIn):
    repeat_threshold: float = Field(ge=0.3, le=1.0)


class AssistSettingsOut(Schema):
    repeat_threshold: float


@router.post("/blogs/{slug}/assist/similar", response={200: SimilarOut, **ERRORS}, auth=auth.WRITE)
def similar(request: ApiRequest, slug: str, payload: SimilarIn) -> dict[str, object]:
    """Published entries of this blog that the draft repeats, best first (write access)."""
    blog = lookups.blog(slug, request.auth)
    found = services.similar(
        request.auth, blog, payload.headline, payload.body, exclude=payload.entry_id
    )
    return {"similar": [repeat.as_dict() for repeat in found]}


@router.get(
    "/blogs/{slug}/assist/key-points", response={200: SuggestionsOut, **ERRORS}, auth=auth.READ
)
def key_point_suggestions(request: ApiRequest, slug: str) -> dict[str, object]:
    """Suggested key points from the last hours of coverage (editors and owners)."""
    blog = lookups.blog(slug, request.auth)
    found = services.suggestions(request.auth, blog)
    return {
        "suggestions": [{"key": s.key, "text": s.text, "entry_ids": s.entry_ids} for s in found]
    }


@router.post(
    "/blogs/{slug}/assist/key-points/{key}/accept",
    response={200: KeyPointsOut, **ERRORS},
    auth=auth.WRITE,
)
def accept_key_point(
    request: ApiRequest, slug: str, key: str, payload: AcceptIn
) -> dict[str, object]:
    """Add the suggestion (or the edited line) to the end of the key points box."""
    blog = lookups.blog(slug, request.auth)
    blog = services.accept(request.auth, blog, key, payload.text)
    return {"key_points": blog_json(blog)["key_points"], "seq": blog.seq}


@router.post(
    "/blogs/{slug}/assist/key-points/{key}/dismiss",
    response={204: None, **ERRORS},
    auth=auth.WRITE,
)
def dismiss_key_point(request: ApiRequest, slug: str, key: str) -> Status[None]:
    """Never suggest this line again on this blog."""
    services.dismiss(request.auth, lookups.blog(slug, request.auth), key)
    return Status(204, None)


@router.get(
    "/blogs/{slug}/assist/settings", response={200: AssistSettingsOut, **ERRORS}, auth=auth.READ
)
def read_settings(request: ApiRequest, slug: str) -> dict[str, float]:
    blog = lookups.blog(slug, request.auth)
    return {"repeat_threshold": services.threshold(request.auth, blog)}


@router.put(
    "/blogs/{slug}/assist/settings", response={200: AssistSettingsOut, **ERRORS}, auth=auth.WRITE
)
def update_settings(request: ApiRequest, slug: str, payload: AssistSettingsIn) -> dict[str, float]:
    """Change the score from which drafts are warned about (owners)."""
    blog = lookups.blog(slug, request.auth)
    return {
        "repeat_threshold": services.set_threshold(request.auth, blog, payload.repeat_threshold)
    }
