"""Image files that readers may no longer fetch: those of deleted, unpublished and taken-down
entries that nothing public still shows.

Everything under ``MEDIA_ROOT`` is served, by Django on one machine and by nginx from disk
behind it (docs/deploy.md), so an image stops being served only when its files leave that
folder. After an entry leaves the public stream (``entry_removed``), each image it showed that
no published entry and no blog cover still uses is

- moved to ``WITHHELD_MEDIA_ROOT`` (same relative path) after a delete or an unpublish, so
  that publishing the entry again can bring it back (``change_committed``: a public change
  that shows a withheld image moves its files back first);
- deleted for good, from both folders, after a takedown.

Receivers run after commit in the process that made the change; a file system error is
logged, never raised into the writer's request.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from bulletin.blogs.events import ChangeEvent, Removal
from bulletin.blogs.models import Entry, EntryStatus, LiveBlog, Media

logger = logging.getLogger("bulletin.media")


def _served_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _withheld_root() -> Path:
    return Path(settings.WITHHELD_MEDIA_ROOT)


def _files(media: Media) -> list[str]:
    """The image's files, relative to the media folder: the original and every srcset variant."""
    return [media.file, *media.variants.values()]


def _inside(root: Path, relative: str) -> Path | None:
    # Paths come from our own uploads, but a row edited by hand must not move files elsewhere.
    path = (root / relative).resolve()
    return path if path.is_relative_to(root.resolve()) else None


def _pairs(media: Media, source: Path, target: Path) -> Iterator[tuple[Path, Path]]:
    for relative in _files(media):
        origin, destination = _inside(source, relative), _inside(target, relative)
        if origin is None or destination is None:
            logger.error("image %s names a file outside the media folders: %r", media.pk, relative)
            continue
        yield origin, destination


def _move(media: Media, source: Path, target: Path) -> bool:
    moved = False
    for origin, destination in _pairs(media, source, target):
        if not origin.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.move(origin, destination)
        moved = True
    return moved


def in_public_use(media_id: int) -> bool:
    """Whether a published entry or a blog's cover shows this image."""
    return (
        Entry.objects.filter(image_id=media_id, status=EntryStatus.PUBLISHED).exists()
        or LiveBlog.objects.filter(cover_image_id=media_id).exists()
    )


def withhold(media_ids: Iterable[int], *, destroy: bool) -> list[int]:
    """Stop serving these images' files unless something public still shows them.

    ``destroy`` (a takedown) deletes them from both folders; otherwise they are moved out of
    the media folder. Returns the ids of the images withheld.
    """
    withheld = []
    for media in Media.objects.filter(pk__in=list(media_ids)):
        if in_public_use(media.pk):
            continue
        if destroy:
            for root in (_served_root(), _withheld_root()):
                for relative in _files(media):
                    path = _inside(root, relative)
                    if path is not None:
                        path.unlink(missing_ok=True)
        else:
            _move(media, _served_root(), _withheld_root())
            if in_public_use(media.pk):
                # Published elsewhere while the files moved: that publish may have looked for
                # them before they arrived, so put them back here.
                _move(media, _withheld_root(), _served_root())
                continue
        withheld.append(media.pk)
    return withheld


def restore(media_ids: Iterable[int]) -> list[int]:
    """Serve these images again if their files were withheld (not if they were destroyed)."""
    return [
        media.pk
        for media in Media.objects.filter(pk__in=list(media_ids))
        if _move(media, _withheld_root(), _served_root())
    ]


def _shown_media_ids(payload: dict[str, Any]) -> set[int]:
    """The images a public change shows: an entry's image, a blog's cover."""
    found = set()
    for holder, field in (("entry", "image"), ("blog", "cover_image")):
        shown = (payload.get(holder) or {}).get(field) or {}
        if isinstance(shown.get("id"), int):
            found.add(shown["id"])
    return found


def on_entry_removed(sender: object, removal: Removal, **kwargs: object) -> None:
    """Receiver of ``entry_removed``: withhold (or, for a takedown, destroy) its images."""
    if not removal.media_ids:
        return
    try:
        done = withhold(removal.media_ids, destroy=removal.takedown)
    except OSError:
        logger.exception("could not withhold the images of entry %s", removal.entry_id)
        return
    if done:
        logger.info(
            "images %s of entry %s %s",
            ", ".join(map(str, done)),
            removal.entry_id,
            "deleted for good" if removal.takedown else "withheld",
        )


def on_change_committed(sender: object, event: ChangeEvent, **kwargs: object) -> None:
    """Receiver of ``change_committed``: a public change showing a withheld image restores it."""
    if not event.public:
        return
    shown = _shown_media_ids(event.payload)
    if not shown:
        return
    try:
        restored = restore(shown)
    except OSError:
        logger.exception("could not restore images %s", sorted(shown))
        return
    if restored:
        logger.info("images %s served again", ", ".join(map(str, restored)))
