"""Image uploads: only sane images get in, stored upright and clean; a refusal leaves nothing."""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from PIL import Image, PngImagePlugin

from bulletin.accounts.models import Role
from bulletin.blogs import media as media_module
from bulletin.blogs.media import save_image
from bulletin.blogs.models import Media
from bulletin.blogs.rendering import media_json
from bulletin.blogs.services import describe_image
from bulletin.errors import NotAuthenticated, PermissionDenied, ValidationFailed

STORED_NAME = re.compile(r"^uploads/\d{4}/\d{2}/[0-9a-f]{32}(-\d+)?\.(jpg|png|gif|webp)$")


# --- builders -----------------------------------------------------------------------------


def picture(size: tuple[int, int] = (64, 48), mode: str = "RGB", color: Any = "red") -> Image.Image:
    return Image.new(mode, size, color)


def encoded(image: Image.Image, image_format: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def noisy_png(size: tuple[int, int] = (200, 200)) -> bytes:
    # Random pixels barely compress, so half the file holds half the picture.
    pixels = bytes(
        (x * 7919 + y * 104729 + (x * y) % 251) % 256
        for y in range(size[1])
        for x in range(size[0])
    )
    return encoded(Image.frombytes("L", size, pixels), "PNG")


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height: nothing that big is ever allocated."""
    data = encoded(picture((1, 1)), "PNG")
    ihdr = b"IHDR" + struct.pack(">II", width, height) + data[24:29]
    return data[:12] + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + data[33:]


def jpeg_turned_on_its_side() -> bytes:
    """40x20 as stored, red left half and blue right half; EXIF says turn it 90° clockwise."""
    image = picture((40, 20), color="blue")
    image.paste("red", (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "Camera maker"
    exif[0x0131] = "Secret software"
    return encoded(image, "JPEG", exif=exif.tobytes(), quality=95, comment=b"private note")


# --- fixtures and checks ------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def blog(make):
    return make.blog()


@pytest.fixture
def owner(make, blog):
    return make.owner_of(blog)


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@contextmanager
def leaves_nothing(root: Path) -> Iterator[None]:
    """Assert that the block adds no file under MEDIA_ROOT and no Media row."""
    files, rows = stored_files(root), Media.objects.count()
    yield
    assert stored_files(root) == files
    assert Media.objects.count() == rows


def refusal(root: Path, call: Any) -> str:
    """Run a call that must be refused on "image"; return its message."""
    with leaves_nothing(root), pytest.raises(ValidationFailed) as caught:
        call()
    assert set(caught.value.fields) == {"image"}
    return caught.value.message


def reopen(root: Path, relative: str) -> Image.Image:
    image = Image.open(io.BytesIO((root / relative).read_bytes()))
    image.load()
    return image


# --- accepted images ----------------------------------------------------------------------


def test_a_sideways_jpeg_is_stored_upright_without_its_exif_or_comment(blog, owner, media_root):
    media = save_image(owner, blog, upload(jpeg_turned_on_its_side()), alt="Flooded quay")

    assert (media.width, media.height) == (20, 40)
    assert STORED_NAME.match(media.file)
    assert media.file.endswith(".jpg")
    stored = reopen(media_root, media.file)
    assert stored.format == "JPEG"
    assert stored.size == (20, 40)
    top, bottom = stored.getpixel((10, 5)), stored.getpixel((10, 35))
    # Red on top: the left half, turned clockwise.
    assert top == pytest.approx((255, 0, 0), abs=40)
    assert bottom == pytest.approx((0, 0, 255), abs=40)
    assert "exif" not in stored.info
    assert "comment" not in stored.info
    assert dict(stored.getexif()) == {}
    assert b"Secret software" not in (media_root / media.file).read_bytes()
    assert media.alt == "Flooded quay"
    assert media.uploaded_by == owner


def test_a_wide_png_gets_webp_variants_for_each_smaller_srcset_width(blog, owner, media_root):
    media = save_image(owner, blog, upload(encoded(picture((1000, 500)), "PNG"), "map.png"))

    assert media.file.endswith(".png")
    assert (media.width, media.height) == (1000, 500)
    assert sorted(media.variants, key=int) == ["320", "640", "960"]
    for width, path in media.variants.items():
        assert STORED_NAME.match(path)
        variant = reopen(media_root, path)
        assert variant.format == "WEBP"
        assert variant.size == (int(width), int(width) // 2)
    data = media_json(media)
    assert data is not None
    assert data["url"] == f"/media/{media.file}"
    assert data["srcset"] == ", ".join(
        f"/media/{media.variants[w]} {w}w" for w in ("320", "640", "960")
    )
    assert len(stored_files(media_root)) == 4


def test_an_image_narrower_than_every_variant_width_has_no_variants(blog, owner, media_root):
    media = save_image(owner, blog, upload(encoded(picture((300, 200)), "PNG")))

    assert media.variants == {}
    assert stored_files(media_root) == [media_root / media.file]


def test_png_metadata_is_stripped_and_the_colour_profile_kept(blog, owner, media_root):
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Private person")
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    profile = b"not a real profile, kept as is"
    data = encoded(
        picture((400, 200)), "PNG", pnginfo=text, exif=exif.tobytes(), icc_profile=profile
    )

    media = save_image(owner, blog, upload(data, "map.png"))

    stored = reopen(media_root, media.file)
    assert "Author" not in stored.info
    assert "exif" not in stored.info
    assert stored.info.get("icc_profile") == profile
    assert b"Private person" not in (media_root / media.file).read_bytes()


def test_a_cmyk_jpeg_is_stored_as_rgb(blog, owner, media_root):
    data = encoded(picture((400, 300), "CMYK", (0, 255, 255, 0)), "JPEG")

    media = save_image(owner, blog, upload(data))

    stored = reopen(media_root, media.file)
    assert stored.mode == "RGB"
    assert stored.getpixel((200, 150)) == pytest.approx((255, 0, 0), abs=40)
    assert reopen(media_root, media.variants["320"]).mode == "RGB"


def test_a_palette_png_with_transparency_keeps_it_in_its_variants(blog, owner, media_root):
    image = picture((700, 100), "P", 1)
    image.putpalette([255, 255, 255, 0, 0, 255] + [0] * 762)
    image.paste(0, (0, 0, 350, 100))
    data = encoded(image, "PNG", transparency=0)

    media = save_image(owner, blog, upload(data, "logo.png"))

    stored = reopen(media_root, media.file)
    assert stored.mode == "P"
    assert stored.info.get("transparency") == 0
    variant = reopen(media_root, media.variants["640"])
    assert variant.mode == "RGBA"
    assert variant.getpixel((10, 50))[3] == 0
    assert variant.getpixel((630, 50))[:3] == (0, 0, 255)


def test_grey_with_alpha_and_16_bit_grey_pngs_make_sensible_variants(blog, owner, media_root):
    grey_alpha = save_image(
        owner, blog, upload(encoded(picture((400, 40), "LA", (90, 128)), "PNG"))
    )
    deep_grey = save_image(owner, blog, upload(encoded(picture((400, 40), "I;16", 32768), "PNG")))

    assert reopen(media_root, grey_alpha.variants["320"]).getpixel((5, 5)) == pytest.approx(
        (90, 90, 90, 128), abs=2
    )
    assert reopen(media_root, deep_grey.file).mode == "I;16"
    assert reopen(media_root, deep_grey.variants["320"]).getpixel((5, 5)) == pytest.approx(
        (128, 128, 128), abs=2
    )


def test_a_gif_keeps_its_first_frame_and_a_webp_stays_webp(blog, owner, media_root):
    frames = [picture((400, 100), color="green"), picture((400, 100), color="yellow")]
    gif = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    webp = encoded(picture((500, 100), "RGBA", (0, 0, 255, 128)), "WEBP")

    animated = save_image(owner, blog, upload(gif, "clip.gif"))
    translucent = save_image(owner, blog, upload(webp, "pic.webp"))

    first = reopen(media_root, animated.file)
    assert first.format == "GIF"
    assert getattr(first, "n_frames", 1) == 1
    assert first.convert("RGB").getpixel((10, 10)) == (0, 128, 0)
    stored = reopen(media_root, translucent.file)
    assert stored.format == "WEBP"
    assert stored.mode == "RGBA"
    assert list(translucent.variants) == ["320"]


def test_a_phone_multi_picture_jpeg_is_stored_as_a_plain_jpeg(blog, owner, media_root):
    first, second = picture((400, 300), color="red"), picture((400, 300), color="blue")
    data = encoded(first, "MPO", save_all=True, append_images=[second])

    media = save_image(owner, blog, upload(data))

    assert media.file.endswith(".jpg")
    assert reopen(media_root, media.file).format == "JPEG"


def test_a_plain_binary_file_object_is_accepted(blog, owner, media_root):
    stream = io.BytesIO(encoded(picture((100, 80)), "PNG"))
    stream.name = "from-disk.png"
    stream.seek(50)

    media = save_image(owner, blog, stream, caption="  From   the air ", credit="Agency ")

    assert (media.width, media.height) == (100, 80)
    assert (media.caption, media.credit) == ("From the air", "Agency")


def test_the_uploaders_file_name_never_reaches_the_disk(blog, owner, media_root, tmp_path):
    data = encoded(picture((400, 100)), "PNG")

    for name in ("../../etc/passwd.png", "..\\..\\boot.ini.png", "/etc/shadow.jpg", "a\x00b.gif"):
        media = save_image(owner, blog, upload(data, name))
        assert STORED_NAME.match(media.file)
        assert media.file.endswith(".png")

    assert sorted(path.name for path in tmp_path.iterdir()) == ["media"]
    for path in stored_files(media_root):
        assert path.resolve().is_relative_to(media_root.resolve())
        assert STORED_NAME.match(path.relative_to(media_root).as_posix())


def test_a_contributor_may_upload(make, blog, media_root):
    contributor = make.member(blog, Role.CONTRIBUTOR)

    media = save_image(contributor, blog, upload(encoded(picture(), "PNG")))

    assert media.uploaded_by == contributor


# --- refusals -----------------------------------------------------------------------------


def test_strangers_and_anonymous_callers_may_not_upload_and_nothing_is_written(
    make, blog, media_root
):
    data = encoded(picture(), "PNG")
    stranger = make.user()

    with leaves_nothing(media_root):
        with pytest.raises(PermissionDenied):
            save_image(stranger, blog, upload(data))
        with pytest.raises(NotAuthenticated):
            save_image(AnonymousUser(), blog, upload(data))
        with pytest.raises(NotAuthenticated):
            save_image(None, blog, upload(data))


def test_a_text_file_named_jpg_is_not_an_image(blog, owner, media_root):
    message = refusal(
        media_root, lambda: save_image(owner, blog, upload(b"Just some notes.\n", "notes.jpg"))
    )

    assert (
        message == "image: must be a JPEG, PNG, GIF or WebP image, got a file that is not an image"
    )


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "a HEIC image"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "an SVG drawing"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"", "an empty file"),
    ],
)
def test_other_kinds_of_file_are_named_in_the_refusal(blog, owner, media_root, data, kind):
    message = refusal(media_root, lambda: save_image(owner, blog, upload(data)))

    assert message == f"image: must be a JPEG, PNG, GIF or WebP image, got {kind}"


def test_an_image_in_another_format_is_refused_by_its_content_not_its_name(blog, owner, media_root):
    tiff = encoded(picture(), "TIFF")
    bmp = encoded(picture(), "BMP")

    assert refusal(media_root, lambda: save_image(owner, blog, upload(tiff, "a.png"))).endswith(
        "got a TIFF image"
    )
    assert refusal(media_root, lambda: save_image(owner, blog, upload(bmp, "a.jpg"))).endswith(
        "got a BMP image"
    )


def test_a_png_cut_in_half_is_truncated(blog, owner, media_root):
    data = noisy_png()

    message = refusal(
        media_root, lambda: save_image(owner, blog, upload(data[: len(data) // 2], "cut.png"))
    )

    assert message == "image: must be a whole image, got a PNG file that is truncated or damaged"


def test_a_jpeg_cut_short_is_truncated(blog, owner, media_root):
    data = jpeg_turned_on_its_side()

    message = refusal(
        media_root, lambda: save_image(owner, blog, upload(data[: len(data) * 2 // 3]))
    )

    assert "is truncated or damaged" in message


def test_a_header_claiming_too_many_pixels_is_refused_before_decoding(blog, owner, media_root):
    message = refusal(
        media_root, lambda: save_image(owner, blog, upload(png_claiming(10_000, 6_000), "a.png"))
    )

    assert message == ("image: must be at most 40 megapixels, got 10000x6000 (60.0 megapixels)")


def test_a_30000_pixel_square_png_bomb_is_refused(blog, owner, media_root):
    message = refusal(
        media_root, lambda: save_image(owner, blog, upload(png_claiming(30_000, 30_000), "a.png"))
    )

    assert message == "image: must be at most 40 megapixels, got 900.0 megapixels"


def test_the_pixel_limit_is_a_setting(settings, blog, owner, media_root):
    settings.BULLETIN = {**settings.BULLETIN, "MEDIA_MAX_PIXELS": 1_000}

    message = refusal(
        media_root, lambda: save_image(owner, blog, upload(encoded(picture((40, 30)), "PNG")))
    )

    assert message == "image: must be at most 1000 pixels, got 40x30 (1200 pixels)"


def test_pillows_own_bomb_limits_never_escape_as_warnings(monkeypatch, blog, owner, media_root):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)

    # Over Pillow's warning threshold but within ours: accepted, and no warning (an error here).
    accepted = save_image(owner, blog, upload(encoded(picture((40, 30)), "PNG")))
    # Over twice Pillow's limit: Pillow's error becomes the same refusal.
    message = refusal(
        media_root,
        lambda: save_image(owner, blog, upload(encoded(picture((50, 50)), "PNG"))),
    )

    assert (accepted.width, accepted.height) == (40, 30)
    assert message == "image: must be at most 40 megapixels, got 2500 pixels"


def test_a_file_over_the_size_limit_is_refused_before_it_is_decoded(
    monkeypatch, blog, owner, media_root
):
    padded = encoded(picture(), "PNG") + b"\x00" * 25_000_000

    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a file over the limit must not be decoded")

    monkeypatch.setattr(media_module.Image, "open", never)
    message = refusal(media_root, lambda: save_image(owner, blog, upload(padded, "big.png")))

    assert message == "image: must be at most 20 MB, got 25.0 MB"


def test_a_file_longer_than_its_declared_size_is_refused_while_reading(
    monkeypatch, blog, owner, media_root
):
    lying = upload(b"\x00" * 20_000_001, "big.png")
    lying.size = 1_000
    no_size = io.BytesIO(b"\x00" * 20_000_001)
    no_size.name = "big.png"

    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a file over the limit must not be decoded")

    monkeypatch.setattr(media_module.Image, "open", never)
    for too_long in (lying, no_size):
        message = refusal(media_root, lambda file=too_long: save_image(owner, blog, file))
        assert message == "image: must be at most 20 MB, got more than that"


def test_words_that_are_too_long_are_refused_before_the_file_is_read(blog, owner, media_root):
    data = encoded(picture(), "PNG")

    with leaves_nothing(media_root):
        with pytest.raises(ValidationFailed) as too_long:
            save_image(owner, blog, upload(data), alt="a" * 501)
        with pytest.raises(ValidationFailed) as control:
            save_image(owner, blog, upload(data), credit="Agency\x00")

    assert too_long.value.message == "alt: must be at most 500 characters, got 501"
    assert control.value.fields == {
        "credit": "must be plain text without control characters, got U+0000"
    }


def test_a_database_failure_removes_the_files_already_in_place(
    monkeypatch, blog, owner, media_root
):
    def fail(**fields: Any) -> Media:
        raise IntegrityError("disk full")

    monkeypatch.setattr(Media.objects, "create", fail)

    with leaves_nothing(media_root), pytest.raises(IntegrityError):
        save_image(owner, blog, upload(encoded(picture((1000, 500)), "PNG")))


def test_an_encoding_failure_removes_the_files_written_so_far(monkeypatch, blog, owner, media_root):
    real_save = Image.Image.save

    def save(image: Image.Image, out: Any, format: str | None = None, **options: Any) -> None:
        if format == "WEBP" and image.width == 640:
            raise OSError("encoder broke")
        real_save(image, out, format=format, **options)

    monkeypatch.setattr(Image.Image, "save", save)

    with leaves_nothing(media_root), pytest.raises(OSError, match="encoder broke"):
        save_image(owner, blog, upload(encoded(picture((1000, 500)), "PNG")))


# --- describing ---------------------------------------------------------------------------


def test_the_uploader_describes_an_image_with_trimmed_words(blog, owner, media_root):
    media = save_image(owner, blog, upload(encoded(picture(), "PNG")))

    described = describe_image(
        owner, blog, media, alt="  Boats  on the\nquay ", caption="Morning", credit=" Agency "
    )

    stored = Media.objects.get(pk=media.pk)
    assert (stored.alt, stored.caption, stored.credit) == ("Boats on the quay", "Morning", "Agency")
    assert described.alt == "Boats on the quay"


@pytest.mark.parametrize(
    ("words", "field", "message"),
    [
        (
            {"alt": "   "},
            "alt",
            "must describe the image for readers who cannot see it, got nothing",
        ),
        ({"alt": "x" * 501}, "alt", "must be at most 500 characters, got 501"),
        (
            {"alt": "Boats", "caption": "c" * 1001},
            "caption",
            "must be at most 1000 characters, got 1001",
        ),
        (
            {"alt": "Boats", "credit": "c" * 301},
            "credit",
            "must be at most 300 characters, got 301",
        ),
    ],
)
def test_describing_an_image_refuses_blank_alt_and_long_words(
    blog, owner, media_root, words, field, message
):
    media = save_image(owner, blog, upload(encoded(picture(), "PNG")), alt="Before")

    with pytest.raises(ValidationFailed) as caught:
        describe_image(owner, blog, media, **words)

    assert caught.value.fields == {field: message}
    assert Media.objects.get(pk=media.pk).alt == "Before"


def test_only_the_uploader_or_a_publisher_of_a_blog_using_it_may_describe_an_image(
    make, blog, owner, media_root
):
    contributor = make.member(blog, Role.CONTRIBUTOR)
    other_contributor = make.member(blog, Role.CONTRIBUTOR)
    editor = make.member(blog, Role.EDITOR)
    media = save_image(contributor, blog, upload(encoded(picture(), "PNG")), alt="Before")

    with pytest.raises(PermissionDenied):
        describe_image(other_contributor, blog, media, alt="Hijacked")
    with pytest.raises(PermissionDenied):
        describe_image(editor, blog, media, alt="Not used here yet")
    with pytest.raises(PermissionDenied):
        describe_image(make.user(), blog, media, alt="Stranger")
    with pytest.raises(NotAuthenticated):
        describe_image(AnonymousUser(), blog, media, alt="Anonymous")
    assert Media.objects.get(pk=media.pk).alt == "Before"

    describe_image(contributor, blog, media, alt="By the uploader")
    make.entry(blog, contributor, status="draft", image_id=media.pk)
    describe_image(editor, blog, media, alt="By the editor")

    assert Media.objects.get(pk=media.pk).alt == "By the editor"
