"""Image uploads: check that a file is a sane image, store it cleaned with srcset variants.

An upload is refused (``ValidationFailed`` on ``image``) when it is too large in bytes, is not
a JPEG, PNG, GIF or WebP image by its decoded content, declares more pixels than
``MEDIA_MAX_PIXELS`` (checked from the header, before any pixel is decoded), or does not
decode to the end. An accepted image is turned upright, re-encoded without its metadata (EXIF,
XMP, comments; the colour profile is kept) under ``MEDIA_ROOT/uploads/YYYY/MM/<random>.<ext>``,
with WebP variants for ``srcset``. A refusal or a failure leaves no file and no row behind.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import struct
import uuid
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from bulletin import config
from bulletin.accounts.models import User
from bulletin.accounts.permissions import Action, require
from bulletin.blogs import decoding
from bulletin.blogs.fields import ImageWords
from bulletin.blogs.models import LiveBlog, Media
from bulletin.blogs.services.common import Actor, acting_user, require_open
from bulletin.errors import ValidationFailed

# srcset widths; only those narrower than the original are made.
VARIANT_WIDTHS = (320, 640, 960, 1280, 1920)
UPLOADS_DIR = "uploads"

# Decoded format → file extension. MPO is how Pillow names the multi-picture JPEGs that many
# phone cameras write; it is stored as a plain JPEG of its first picture.
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
_OPENED_AS = {"MPO": "JPEG"}
_EXPECTED = "must be a JPEG, PNG, GIF or WebP image"
# The formats Pillow may try: nothing else is parsed, whatever the file claims to be.
_DECODERS = list(_EXTENSIONS)
_PNG_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"})
# A WebP picture cannot be taller or wider than this.
_WEBP_MAX_SIDE = 16383
_CHUNK = 1 << 16
# Decoders meet hostile input in many ways; each of these means the file cannot be used.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)

# What a file that is not an accepted image starts with, only to say what came.
_OTHER_KINDS: tuple[tuple[Callable[[bytes], bool], str], ...] = (
    (lambda head: head[4:12] in {b"ftypheic", b"ftypheix", b"ftypmif1"}, "a HEIC image"),
    (lambda head: head[4:12] in {b"ftypavif", b"ftypavis"}, "an AVIF image"),
    (lambda head: head[:4] in {b"II*\x00", b"MM\x00*"}, "a TIFF image"),
    (lambda head: head[:2] == b"BM", "a BMP image"),
    (lambda head: head[:5] == b"%PDF-", "a PDF document"),
    (lambda head: b"<svg" in head[:512].lower(), "an SVG drawing"),
)


@dataclass(frozen=True)
class Words:
    alt: str
    caption: str
    credit: str


@dataclass(frozen=True)
class _Picture:
    image: Image.Image  # upright, fully loaded, without metadata
    format: str  # one of _EXTENSIONS
    icc_profile: bytes | None


def save_image(
    actor: Actor,
    blog: LiveBlog,
    upload: UploadedFile | IO[bytes],
    *,
    alt: str = "",
    caption: str = "",
    credit: str = "",
) -> Media:
    """Check an uploaded image, store it and its srcset variants, and record it."""
    require(actor, blog, Action.WRITE_DRAFT)
    require_open(blog)
    words = clean_words(alt, caption, credit, alt_required=False)
    data = _read_limited(upload)
    uploader = acting_user(actor)
    # Decoding and re-encoding hold the pixels (4 bytes each): bounded per person and worker.
    with decoding.decode_slot(uploader.pk if uploader is not None else None):
        return _store(_decode(data), words, uploader)


# --- words --------------------------------------------------------------------------------


def clean_words(alt: str, caption: str, credit: str, *, alt_required: bool) -> Words:
    """The words printed with an image, trimmed and checked (the alt text may be required)."""
    given = ImageWords.read({"alt": alt, "caption": caption, "credit": credit})
    words = Words(alt=given.alt, caption=given.caption, credit=given.credit)
    if alt_required and not words.alt:
        raise ValidationFailed.on(
            "alt", "must describe the image for readers who cannot see it, got nothing"
        )
    return words


# --- reading and decoding -----------------------------------------------------------------


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed.on("image", message)


def _amount(count: int, unit: str, millions: str, *, limit: bool = False) -> str:
    """Say "20 MB" for a limit, "25.0 MB" for what came; small amounts in plain units."""
    if count < 100_000:
        return f"{count} {unit}"
    return f"{count / 1_000_000:{'g' if limit else '.1f'}} {millions}"


def _bytes(count: int, *, limit: bool = False) -> str:
    return _amount(count, "bytes", "MB", limit=limit)


def _pixels(count: int, *, limit: bool = False) -> str:
    return _amount(count, "pixels", "megapixels", limit=limit)


def _chunks(upload: UploadedFile | IO[bytes]) -> Iterator[bytes]:
    if isinstance(upload, UploadedFile):
        yield from upload.chunks(_CHUNK)
        return
    with contextlib.suppress(AttributeError, OSError):
        upload.seek(0)
    while chunk := upload.read(_CHUNK):
        yield chunk


def _read_limited(upload: UploadedFile | IO[bytes]) -> bytes:
    """The upload's bytes, refusing before reading when its size says too much and while
    reading when it turns out longer than it said."""
    limit = config.current.MEDIA_MAX_BYTES
    must = f"must be at most {_bytes(limit, limit=True)}"
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise _refuse(f"{must}, got {_bytes(declared)}")
    data = bytearray()
    for chunk in _chunks(upload):
        data += chunk
        if len(data) > limit:
            raise _refuse(f"{must}, got more than that")
    if not data:
        raise _refuse(f"{_EXPECTED}, got an empty file")
    return bytes(data)


def _not_an_image(data: bytes) -> ValidationFailed:
    head = data[:1024]
    for looks_like, kind in _OTHER_KINDS:
        if looks_like(head):
            return _refuse(f"{_EXPECTED}, got {kind}")
    return _refuse(f"{_EXPECTED}, got a file that is not an image")


def _too_many_pixels(width: int, height: int, limit: int) -> ValidationFailed:
    return _refuse(
        f"must be at most {_pixels(limit, limit=True)}, "
        f"got {width}x{height} ({_pixels(width * height)})"
    )


def _bomb(error: Exception, limit: int) -> ValidationFailed:
    # Pillow stops before we see the size; its message carries the pixel count.
    found = re.search(r"\((\d+) pixels\)", str(error))
    got = _pixels(int(found[1])) if found else "more"
    return _refuse(f"must be at most {_pixels(limit, limit=True)}, got {got}")


def _damaged(kind: str) -> ValidationFailed:
    return _refuse(f"must be a whole image, got {kind} that is truncated or damaged")


def _decode(data: bytes) -> _Picture:
    limit = config.current.MEDIA_MAX_PIXELS
    # Our own limit, checked from the header, is the one that counts: Pillow's warning about
    # large images is silenced, and raised as an error only should another thread's warning
    # filters be in force. Its hard error (twice Image.MAX_IMAGE_PIXELS) still applies.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            opened = Image.open(io.BytesIO(data), formats=_DECODERS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _bomb(error, limit) from None
        except UnidentifiedImageError:
            raise _not_an_image(data) from None
        except _DECODE_ERRORS:
            raise _damaged("a file") from None
        # Not closed: closing drops the pixels, and keeping them without a second copy of
        # every pixel (which closing would need) halves the peak memory; the file is in memory.
        width, height = opened.size
        if width * height > limit:
            raise _too_many_pixels(width, height, limit)
        image_format = _OPENED_AS.get(str(opened.format), str(opened.format))
        if image_format not in _EXTENSIONS:
            raise _not_an_image(data)
        try:
            opened.load()  # every pixel: a file cut short fails here
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            # A GIF's frames may claim more than its header did.
            raise _bomb(error, limit) from None
        except _DECODE_ERRORS:
            raise _damaged(f"a {image_format} file") from None
        icc_profile = opened.info.get("icc_profile") or None
        image = _upright(opened)
    # Only what the stored files need survives re-encoding: EXIF, XMP and comments go.
    image.info = {key: image.info[key] for key in ("transparency",) if key in image.info}
    return _Picture(image, image_format, icc_profile)


def _upright(image: Image.Image) -> Image.Image:
    # Unreadable EXIF says nothing reliable about orientation: the pixels stay as stored.
    with contextlib.suppress(*_DECODE_ERRORS):
        ImageOps.exif_transpose(image, in_place=True)  # no copy unless it must turn
    return image


# --- encoding and storing -----------------------------------------------------------------


def _colours(mode: str) -> str:
    if mode == "CMYK":
        return "CMYK"
    if mode in {"1", "L", "LA", "La", "I", "F"} or mode.startswith("I;"):
        return "GRAY"
    return "RGB"


def _for_web(image: Image.Image) -> Image.Image:
    """The image in RGB, or RGBA when it has transparency (what JPEG and WebP take)."""
    if image.mode in {"RGB", "RGBA"}:
        return image
    if image.mode == "I" or image.mode.startswith("I;"):
        # 16-bit grey: scale to 8 bits rather than clip everything above 255 to white.
        return image.convert("I").point(lambda value: value / 256).convert("L").convert("RGB")
    if image.mode == "CMYK" or not image.has_transparency_data:
        return image.convert("RGB")
    return image.convert("RGBA")


def _for_format(image: Image.Image, image_format: str) -> Image.Image:
    if image_format == "JPEG":
        return image if image.mode in {"L", "RGB"} else image.convert("RGB")
    if image_format == "WEBP":
        return _for_web(image)
    if image_format == "PNG" and image.mode not in _PNG_MODES:
        return _for_web(image)
    return image  # GIF's encoder makes a palette of whatever it gets


def _save_options(image_format: str) -> dict[str, Any]:
    if image_format == "JPEG":
        return {"quality": 85, "optimize": True, "progressive": True}
    if image_format == "PNG":
        return {"optimize": True}
    if image_format == "WEBP":
        return {"quality": 85}
    return {}


def _encoder(
    image: Image.Image, image_format: str, source_mode: str, icc_profile: bytes | None
) -> Callable[[IO[bytes]], None]:
    options = _save_options(image_format)
    if "transparency" in image.info and image.mode in {"P", "L", "RGB"}:
        options["transparency"] = image.info["transparency"]
    # A colour profile describes one colour space: it travels only when that does not change.
    if icc_profile and _colours(image.mode) == _colours(source_mode):
        options["icc_profile"] = icc_profile

    def write(out: IO[bytes]) -> None:
        image.save(out, format=image_format, **options)

    return write


def _variants(picture: _Picture) -> list[tuple[int, Image.Image]]:
    image = picture.image
    width, height = image.size
    wanted = []
    for target in VARIANT_WIDTHS:
        scaled = max(1, round(height * target / width))
        if target < width and scaled <= _WEBP_MAX_SIDE:
            wanted.append((target, scaled))
    if not wanted:
        return []
    web = _for_web(image)
    return [
        (target, web.resize((target, scaled), Image.Resampling.LANCZOS, reducing_gap=3.0))
        for target, scaled in wanted
    ]


def _store(picture: _Picture, words: Words, uploader: User | None) -> Media:
    folder_name = f"{UPLOADS_DIR}/{timezone.now():%Y/%m}"
    stem = uuid.uuid4().hex
    main = _for_format(picture.image, picture.format)
    outputs = [
        (
            f"{stem}.{_EXTENSIONS[picture.format]}",
            _encoder(main, picture.format, picture.image.mode, picture.icc_profile),
        )
    ]
    variants: dict[str, str] = {}
    for width, resized in _variants(picture):
        name = f"{stem}-{width}.webp"
        outputs.append((name, _encoder(resized, "WEBP", picture.image.mode, picture.icc_profile)))
        variants[str(width)] = f"{folder_name}/{name}"

    folder = Path(settings.MEDIA_ROOT) / folder_name
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Every file is written under a temporary name first and moved into place only when
        # all of them are complete, so that no half-written image is ever served.
        staged: list[tuple[Path, Path]] = []
        for name, write in outputs:
            temporary = folder / f".{name}.part"
            written.append(temporary)
            with temporary.open("xb") as out:
                write(out)
            staged.append((temporary, folder / name))
        for temporary, final in staged:
            os.replace(temporary, final)
            written.append(final)
        with transaction.atomic():
            return Media.objects.create(
                file=f"{folder_name}/{outputs[0][0]}",
                alt=words.alt,
                caption=words.caption,
                credit=words.credit,
                width=main.width,
                height=main.height,
                variants=variants,
                uploaded_by=uploader,
            )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def remove_files(media: Media) -> None:
    """Delete an image's files (after the transaction that recorded it rolled back)."""
    root = Path(settings.MEDIA_ROOT)
    for relative in [media.file, *media.variants.values()]:
        (root / relative).unlink(missing_ok=True)
