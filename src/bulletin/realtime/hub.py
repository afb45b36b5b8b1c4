"""The in-process hub: hands each committed change to the readers of its blog in this process.

This is the zero-service starting point: one process, changes delivered in memory. The edge
(SSE), the brokers that carry changes between worker processes, and backfill from the change
log build on :class:`Hub` (see DESIGN.md, "The one rule of the data flow").
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

from bulletin.blogs.events import ChangeEvent

Listener = Callable[[ChangeEvent], None]

# How many recent changes per blog the hub remembers for readers that arrive a little late.
RECENT_PER_BLOG = 256


class Hub:
    """Fans changes out to listeners by blog; remembers the latest seq and recent changes."""

    def __init__(self, recent_per_blog: int = RECENT_PER_BLOG) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[int, set[Listener]] = defaultdict(set)
        self._recent: dict[int, deque[ChangeEvent]] = defaultdict(
            lambda: deque(maxlen=recent_per_blog)
        )
        self.latest_seq: dict[int, int] = {}

    def subscribe(self, blog_id: int, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` for each change of the blog; returns the unsubscribe function."""
        with self._lock:
            self._listeners[blog_id].add(listener)

        def unsubscribe() -> None:
            with self._lock:
                self._listeners[blog_id].discard(listener)

        return unsubscribe

    def publish(self, event: ChangeEvent) -> None:
        with self._lock:
            if event.seq <= self.latest_seq.get(event.blog_id, 0):
                return  # already delivered (a broker may repeat itself)
            self.latest_seq[event.blog_id] = event.seq
            self._recent[event.blog_id].append(event)
            listeners = list(self._listeners[event.blog_id])
        for listener in listeners:
            listener(event)

    def recent(self, blog_id: int, after: int) -> list[ChangeEvent]:
        with self._lock:
            return [event for event in self._recent[blog_id] if event.seq > after]


_process_hub: Hub | None = None


def process_hub() -> Hub:
    """The hub of this worker process, made on first use (not at import)."""
    global _process_hub
    if _process_hub is None:
        _process_hub = Hub()
    return _process_hub


def deliver_committed_change(sender: Any, event: ChangeEvent, **_kwargs: Any) -> None:
    process_hub().publish(event)
