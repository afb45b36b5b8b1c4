"""Image uploads: /api/v1/blogs/{slug}/media"""

from __future__ import annotations

from ninja import File, Form, Router, Status, UploadedFile

from bulletin.api import auth, lookups
from bulletin.api.auth import ApiRequest
from bulletin.api.schemas import ErrorOut, MediaOut
from bulletin.blogs import media
from bulletin.blogs.rendering import media_json

router = Router(tags=["media"])

# 429: another of the person's uploads is being decoded, or the worker is busy (decoding.py).
ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 413, 429)}


@router.post("/blogs/{slug}/media", response={201: MediaOut, **ERRORS}, auth=auth.WRITE)
def upload_image(
    request: ApiRequest,
    slug: str,
    file: File[UploadedFile],
    alt: Form[str] = "",
    caption: Form[str] = "",
    credit: Form[str] = "",
) -> Status[dict[str, object]]:
    """Upload a JPEG, PNG, GIF or WebP image (multipart field ``file``) for use in entries.

    The image is stored upright without its metadata, with WebP variants for ``srcset``;
    use its ``id`` as an entry's ``image_id``. Set ``alt`` before the entry is published.
    """
    blog = lookups.blog(slug, request.auth)
    saved = media.save_image(request.auth, blog, file, alt=alt, caption=caption, credit=credit)
    data = media_json(saved)
    assert data is not None  # None stands only for "no image"
    return Status(201, data)
