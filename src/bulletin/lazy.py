"""One value per process, made when first asked for (metrics, the page cache)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def once(make: Callable[[], T]) -> Callable[[], T]:
    """``make()`` runs on the first call only, whichever thread makes it; every call after
    gets the same value without taking a lock (it sits on the readers' path)."""
    lock = threading.Lock()
    made: list[T] = []

    @functools.wraps(make)
    def value() -> T:
        if not made:
            with lock:
                if not made:  # another thread may have made it while this one waited
                    made.append(make())
        return made[0]

    return value
