"""Images of deleted, unpublished and taken-down entries are no longer served.

Each test fetches the image and every srcset variant through the app's real /media/ URL (what
nginx serves from the same folder in production: see tests/deploy/test_nginx.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from bulletin.accounts.models import User
from bulletin.blogs import media, services, withheld
from bulletin.blogs.fields import BlogFields, EntryFields
from bulletin.blogs.models import Entry, LiveBlog, Media
from tests.factories import Factory


@pytest.fixture(autouse=True)
def _withheld_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.WITHHELD_MEDIA_ROOT = tmp_path / "withheld-media"


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run a service and then what it announced after commit (here, in one transaction)."""

    def run(service: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return service(*args, **kwargs)

    return run


def _image(user: User, blog: LiveBlog) -> Media:
    out = io.BytesIO()
    Image.new("RGB", (1000, 600), "teal").save(out, format="PNG")
    saved = media.save_image(user, blog, out, alt="The harbour wall")
    assert len(saved.variants) == 3  # 320, 640 and 960 pixels wide
    return saved


def _urls(image: Media) -> list[str]:
    return [settings.MEDIA_URL + path for path in [image.file, *image.variants.values()]]


def _statuses(image: Media) -> set[int]:
    client = Client()
    statuses = set()
    for url in _urls(image):
        response = client.get(url)
        statuses.add(response.status_code)
        if response.streaming:
            response.getvalue()  # reading it to the end closes the file
    return statuses


def _served(image: Media) -> bool:
    statuses = _statuses(image)
    assert len(statuses) == 1, f"some files served, some not: {statuses}"
    return statuses == {200}


def _held_files(image: Media) -> Iterator[Path]:
    root = Path(settings.WITHHELD_MEDIA_ROOT)
    return (root / path for path in [image.file, *image.variants.values()])


@pytest.fixture
def scene(make: Factory) -> tuple[LiveBlog, User, Media, Entry]:
    blog = make.blog()
    owner = make.owner_of(blog)
    image = _image(owner, blog)
    entry = make.entry(blog, image_id=image.pk)
    assert _served(image)
    return blog, owner, image, entry


def test_a_deleted_entrys_image_is_no_longer_served_but_kept_aside(scene, committed) -> None:
    _blog, owner, image, entry = scene

    committed(services.delete_entry, owner, entry)

    assert _statuses(image) == {404}
    assert all(path.is_file() for path in _held_files(image))


def test_a_taken_down_entrys_image_files_are_deleted_for_good(scene, committed) -> None:
    _blog, owner, image, entry = scene

    committed(services.takedown_entry, owner, entry, reason="Court order")

    assert _statuses(image) == {404}
    assert not any(path.exists() for path in _held_files(image))
    assert not any((Path(settings.MEDIA_ROOT) / p).exists() for p in image.variants.values())


def test_taking_down_an_entry_deleted_earlier_destroys_the_files_kept_aside(
    scene, committed
) -> None:
    _blog, owner, image, entry = scene
    committed(services.delete_entry, owner, entry)

    committed(services.takedown_entry, owner, entry, reason="Court order")

    assert _statuses(image) == {404}
    assert not any(path.exists() for path in _held_files(image))


def test_an_unpublished_entrys_image_comes_back_when_it_is_published_again(
    scene, committed
) -> None:
    _blog, owner, image, entry = scene

    committed(services.unpublish_entry, owner, entry)
    assert _statuses(image) == {404}

    committed(services.publish_draft, owner, entry)
    assert _served(image)
    assert not any(path.exists() for path in _held_files(image))


def test_an_image_another_published_entry_shows_stays_served(scene, make, committed) -> None:
    blog, owner, image, entry = scene
    make.entry(blog, headline="Same picture, other update", image_id=image.pk)

    committed(services.takedown_entry, owner, entry, reason="Court order")
    assert _served(image)
    committed(services.delete_entry, owner, Entry.objects.exclude(pk=entry.pk).get())
    assert _statuses(image) == {404}


def test_a_blog_cover_stays_served_when_an_entry_that_showed_it_goes(scene, committed) -> None:
    blog, owner, image, entry = scene
    services.update_blog(owner, blog, BlogFields(cover_image_id=image.pk))

    committed(services.delete_entry, owner, entry)

    assert _served(image)


def test_an_entry_published_with_a_withheld_image_brings_it_back(scene, make, committed) -> None:
    blog, owner, image, entry = scene
    committed(services.delete_entry, owner, entry)
    assert _statuses(image) == {404}

    committed(services.create_entry, owner, blog, EntryFields(headline="Again", image_id=image.pk))

    assert _served(image)


def test_a_deleted_drafts_image_that_nothing_public_shows_is_withheld_too(make, committed) -> None:
    blog = make.blog()
    owner = make.owner_of(blog)
    image = _image(owner, blog)
    draft = make.entry(blog, status="draft", image_id=image.pk)

    committed(services.delete_entry, owner, draft)

    # Nothing public showed it, so nothing public may: the files leave the media folder too.
    assert _statuses(image) == {404}


def test_a_file_name_outside_the_media_folder_is_never_moved(make, tmp_path: Path) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    rogue = Media.objects.create(file="../precious.txt", alt="rogue", variants={})

    assert withheld.withhold([rogue.pk], destroy=True) == [rogue.pk]
    assert withheld.restore([rogue.pk]) == []
    assert outside.read_text() == "keep me"


def test_a_withheld_folder_inside_the_media_folder_is_refused_at_start_up(tmp_path: Path) -> None:
    import subprocess
    import sys

    media_root = tmp_path / "media"
    check = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "DJANGO_SETTINGS_MODULE": "bulletin.settings",
            "BULLETIN_MEDIA_ROOT": str(media_root),
            "BULLETIN_WITHHELD_MEDIA_ROOT": str(media_root / "withheld"),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode != 0
    assert "BULLETIN_WITHHELD_MEDIA_ROOT must be outside the media folder" in check.stderr
