"""How many streams one client holds open at once, in this worker process.

A rate limit bounds how fast streams are opened, not how many stay open: one address held 149
live streams after 15 s, and more every second. A cap bounds what one client can pin down (a
socket, a task, a place in the hub). It is counted per worker process, in memory: counting
across workers would cost a round trip to Redis on every open and close, and counts left
behind by a crashed worker; nginx's ``limit_conn`` (deploy/nginx/bulletin.conf) caps the
connections of one address across all workers in front of them.
"""

from __future__ import annotations


class StreamCap:
    """At most ``limit`` open streams per key (0: no cap); keys without streams are dropped."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._open)

    def open(self, key: str) -> int:
        """How many streams ``key`` holds open now."""
        return self._open.get(key, 0)

    def take(self, key: str) -> bool:
        """Count one more stream for ``key``; False (nothing counted) when it has its limit."""
        held = self._open.get(key, 0)
        if self.limit and held >= self.limit:
            return False
        self._open[key] = held + 1
        return True

    def give_back(self, key: str) -> None:
        """One stream of ``key`` ended."""
        held = self._open.get(key, 0) - 1
        if held > 0:
            self._open[key] = held
        else:
            self._open.pop(key, None)
