"""The decode budget: how many images are decoded at once, per worker process and per person.

A decoded image takes about four bytes per pixel whatever its file size: a 95 kB PNG of 49
megapixels took ~460 MB, and six at once took a worker past 2.7 GB. So, around decoding and
re-encoding an upload:

- a person has at most ``MEDIA_UPLOADS_PER_USER`` uploads being decoded at once, counted in
  the shared cache (the database, or Redis) so the limit holds across worker processes; one
  more is refused at once with 429 + Retry-After rather than queued, so that nobody can park
  requests (threads, memory for the upload itself) on a worker by sending many;
- a worker decodes at most ``MEDIA_DECODES_PER_WORKER`` images at once; the next waits for a
  slot up to ``WAIT_SECONDS`` (30 s: a 40-megapixel PNG takes seconds to
  re-encode), then gets 429 + Retry-After (the server is busy, not broken).

Either setting at 0 turns its bound off. docs/security.md lists the limits.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import threading
import uuid
from collections.abc import Iterator

from bulletin import config
from bulletin.errors import RateLimited

logger = logging.getLogger("bulletin.media")

# How long an upload waits for one of its worker's decode slots before being told to retry.
WAIT_SECONDS = 30.0
RETRY_AFTER_SECONDS = 2
# A person's slot in the shared cache outlives a crashed worker by at most this long; an
# upload is read, decoded and stored in seconds.
SLOT_SECONDS = 120

# glibc's M_MMAP_THRESHOLD, and the size from which freed memory goes straight back to the OS.
_M_MMAP_THRESHOLD = -3
_RETURNED_FROM = 1 << 20

_guard = threading.Lock()
_semaphores: dict[int, threading.BoundedSemaphore] = {}
_malloc_tuned = False


def _return_freed_pixels() -> None:
    """Make glibc give an image's freed pixel blocks back to the OS, once per process.

    Pillow holds pixels in blocks of up to 16 MB. glibc raises its mmap threshold after such a
    block is freed, so later ones come from per-thread heaps that keep the memory: with two
    decodes at a time, six uploads in a row took a worker up 810 MB rather than 2 x 240 MB
    (bench/uploads.py). A fixed 1 MB threshold maps every block on its own and unmaps it when
    freed; allocations that size are rare elsewhere (an SSE event is a few hundred bytes).
    """
    global _malloc_tuned
    with _guard:
        if _malloc_tuned:
            return
        _malloc_tuned = True
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):
        return  # not glibc (musl, macOS): nothing to tune
    mallopt(_M_MMAP_THRESHOLD, _RETURNED_FROM)


def _worker_slots(size: int) -> threading.BoundedSemaphore:
    # One semaphore per configured size: tests change the setting between requests.
    with _guard:
        semaphore = _semaphores.get(size)
        if semaphore is None:
            semaphore = _semaphores[size] = threading.BoundedSemaphore(size)
        return semaphore


@contextlib.contextmanager
def _person_slot(user_id: int | None) -> Iterator[None]:
    limit = config.current.MEDIA_UPLOADS_PER_USER
    if limit <= 0 or user_id is None:
        yield
        return
    from django.core.cache import caches

    cache = caches["shared"]
    holder = uuid.uuid4().hex
    taken = None
    for slot in range(limit):
        key = f"decode:user:{user_id}:{slot}"
        try:
            if cache.add(key, holder, timeout=SLOT_SECONDS):
                taken = key
                break
        except Exception:
            # A broken cache must not stop the newsroom uploading: the worker bound still holds.
            logger.exception("the shared cache failed: uploads per person not limited")
            yield
            return
    if taken is None:
        raise RateLimited.after(
            RETRY_AFTER_SECONDS,
            f"you are already uploading {limit} image{'s' if limit != 1 else ''}: at most "
            f"{limit} at once",
        )
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            if cache.get(taken) == holder:
                cache.delete(taken)


@contextlib.contextmanager
def _worker_slot() -> Iterator[None]:
    size = config.current.MEDIA_DECODES_PER_WORKER
    if size <= 0:
        yield
        return
    semaphore = _worker_slots(size)
    if not semaphore.acquire(timeout=WAIT_SECONDS):
        raise RateLimited.after(
            RETRY_AFTER_SECONDS,
            f"the server is busy with other images (at most {size} at once per worker)",
        )
    try:
        yield
    finally:
        semaphore.release()


@contextlib.contextmanager
def decode_slot(user_id: int | None) -> Iterator[None]:
    """Hold one of the person's and one of this worker's decode slots (429 when none is free)."""
    _return_freed_pixels()
    with _person_slot(user_id), _worker_slot():
        yield
