"""Image uploads over API v1: POST /blogs/{slug}/media, multipart with a "file" field."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from bulletin.accounts.models import Role
from bulletin.blogs.models import Media
from tests.api.support import BASE, error_of, json_of, writes_nothing


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def png(size: tuple[int, int] = (800, 400)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, format="PNG")
    return SimpleUploadedFile("harbour.png", out.getvalue(), content_type="image/png")


def upload(slug: str, token: str | None, **fields: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().post(f"{BASE}/blogs/{slug}/media", fields, headers=headers)


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_uploading_an_image_answers_201_with_its_url_and_srcset(desk, make, media_root):
    response = upload(
        desk.blog.slug,
        make.token(desk.owner),
        file=png(),
        alt="Waves over the harbour wall",
        caption="The harbour at noon",
        credit="Agency",
    )

    media = json_of(response, 201)
    stored = Media.objects.get(pk=media["id"])
    assert media == {
        "id": stored.pk,
        "url": f"/media/{stored.file}",
        "alt": "Waves over the harbour wall",
        "caption": "The harbour at noon",
        "credit": "Agency",
        "width": 800,
        "height": 400,
        "srcset": f"/media/{stored.variants['320']} 320w, /media/{stored.variants['640']} 640w",
    }
    assert (media_root / stored.file).is_file()
    assert stored.uploaded_by == desk.owner


def test_a_contributor_may_upload_without_alt_and_describe_it_later(desk, make):
    contributor = make.member(desk.blog, Role.CONTRIBUTOR)

    media = json_of(upload(desk.blog.slug, make.token(contributor), file=png()), 201)

    assert media["alt"] == ""


def test_a_file_that_is_not_an_image_is_refused_on_the_image_field(desk, make, media_root):
    notes = SimpleUploadedFile("notes.jpg", b"Just some notes.\n", content_type="image/jpeg")

    with writes_nothing():
        error = error_of(upload(desk.blog.slug, make.token(desk.owner), file=notes), 400)

    assert error["code"] == "validation_error"
    assert error["fields"] == {
        "image": "must be a JPEG, PNG, GIF or WebP image, got a file that is not an image"
    }
    assert stored_files(media_root) == []
    assert Media.objects.count() == 0


def test_an_upload_without_a_file_says_the_file_is_required(desk, make):
    error = error_of(upload(desk.blog.slug, make.token(desk.owner), alt="Nothing"), 400)

    assert error["fields"] == {"file": "is required"}


@pytest.mark.parametrize(
    ("caller", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("stranger", 403, "permission_denied"),
        ("read-only token", 403, "permission_denied"),
    ],
)
def test_callers_who_may_not_write_drafts_store_nothing(
    desk, make, media_root, caller, status, code
):
    tokens = {
        "anonymous": None,
        "stranger": make.token(make.user()),
        "read-only token": make.token(desk.owner, ["read"]),
    }

    with writes_nothing():
        error = error_of(upload(desk.blog.slug, tokens[caller], file=png()), status)

    assert error["code"] == code
    assert stored_files(media_root) == []
    assert Media.objects.count() == 0


def test_uploading_to_a_blog_that_does_not_exist_is_not_found(make, desk):
    response = upload("no-such-blog", make.token(desk.owner), file=png())

    assert error_of(response, 404)["code"] == "not_found"


def test_the_upload_route_is_in_the_openapi_document(client):
    schema = json.loads(client.get(f"{BASE}/openapi.json").content)

    operation = schema["paths"]["/api/v1/blogs/{slug}/media"]["post"]
    assert "201" in operation["responses"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
