"""The decode budget: a small file cannot unpack into gigabytes, one at a time per person and
a few at a time per worker (blogs/decoding.py)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from bulletin import config
from bulletin.blogs import decoding, media
from bulletin.blogs.models import Media
from bulletin.errors import ValidationFailed

BASE = "/api/v1"


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` RGB pixels but holds one row: its header is
    all the size check reads, and decoding it would fail."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = zlib.compress(b"\x00" * (1 + 3 * min(width, 64)))
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", row)


def png(size: tuple[int, int] = (64, 32)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, format="PNG")
    return SimpleUploadedFile("harbour.png", out.getvalue(), content_type="image/png")


def upload(slug: str, token: str):
    return Client().post(
        f"{BASE}/blogs/{slug}/media",
        {"file": png()},
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
def contributor(make):
    blog = make.blog()
    user = make.member(blog, "contributor")
    return blog, user, make.token(user)


def test_the_default_pixel_limit_refuses_the_reviews_49_megapixel_png(make, settings):
    blog = make.blog()
    with pytest.raises(ValidationFailed) as refused:
        media.save_image(make.owner_of(blog), blog, io.BytesIO(png_header(7000, 7000)))
    assert refused.value.fields == {
        "image": "must be at most 40 megapixels, got 7000x7000 (49.0 megapixels)"
    }
    assert not Media.objects.exists()


def test_a_50_megapixel_cameras_pictures_fit_the_default_limit():
    assert 8160 * 4896 <= config.BY_NAME["MEDIA_MAX_PIXELS"].default < 7000 * 7000


def test_a_second_upload_while_the_persons_first_decodes_gets_429_with_retry_after(contributor):
    blog, user, token = contributor
    with decoding.decode_slot(user.pk):  # the first upload, still decoding
        refused = upload(blog.slug, token)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "already uploading 1 image" in refused.json()["error"]["message"]
    assert int(refused["Retry-After"]) >= 1
    assert upload(blog.slug, token).status_code == 201  # once it is done


def test_another_persons_upload_is_not_held_up_by_the_first(contributor, make):
    blog, user, _token = contributor
    colleague = make.member(blog, "contributor")
    with decoding.decode_slot(user.pk):
        assert upload(blog.slug, make.token(colleague)).status_code == 201


def test_the_desk_composer_upload_gets_429_with_retry_after_too(contributor, client):
    blog, user, _token = contributor
    client.force_login(user)
    with decoding.decode_slot(user.pk):
        refused = client.post(f"/desk/{blog.slug}/images", {"image": png()})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert client.post(f"/desk/{blog.slug}/images", {"image": png()}).status_code == 201


def test_uploads_wait_for_a_worker_slot_then_get_429(contributor, settings, monkeypatch):
    blog, _user, token = contributor
    settings.BULLETIN = {**settings.BULLETIN, "MEDIA_DECODES_PER_WORKER": 1}
    monkeypatch.setattr(decoding, "WAIT_SECONDS", 0.05)
    with decoding.decode_slot(None):  # another upload holds this worker's only slot
        refused = upload(blog.slug, token)
    assert refused.status_code == 429
    assert "busy with other images" in refused.json()["error"]["message"]
    assert upload(blog.slug, token).status_code == 201


def test_zero_turns_both_bounds_off(contributor, settings):
    blog, user, token = contributor
    settings.BULLETIN = {
        **settings.BULLETIN,
        "MEDIA_DECODES_PER_WORKER": 0,
        "MEDIA_UPLOADS_PER_USER": 0,
    }
    with decoding.decode_slot(user.pk), decoding.decode_slot(user.pk):
        assert upload(blog.slug, token).status_code == 201


def test_a_failed_upload_gives_its_slot_back(contributor):
    blog, _user, token = contributor
    bad = Client().post(
        f"{BASE}/blogs/{blog.slug}/media",
        {"file": SimpleUploadedFile("x.png", png_header(7000, 7000))},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert bad.status_code == 400
    assert upload(blog.slug, token).status_code == 201
