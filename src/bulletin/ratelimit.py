"""Rate limits: who is asking (the client address) and whether they may ask again yet.

:class:`Limiter` is a token bucket per key kept in this process: cheap enough for the edge's
hot path (one dict lookup per request) and bounded in memory. With N worker processes each
keeps its own counts, so the effective limit is up to N times the setting; a reverse proxy's
limit (nginx ``limit_req``) is the first line of defence. :class:`SharedLimiter` counts in
Django's ``shared`` cache (the database, or Redis) so that every worker sees the same counts;
sign-in uses it. docs/security.md lists every limit and its setting.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("bulletin.ratelimit")

Clock = Callable[[], float]
MAX_KEYS = 100_000
_UNITS = {"s": 1, "m": 60, "h": 3600}
_RATE = re.compile(r"^(\d+)/(\d*)([smh])$")


@dataclass(frozen=True)
class Rate:
    """At most ``count`` requests per ``seconds`` (in a burst, then evenly spread)."""

    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}s"

    def describe(self) -> str:
        return f"at most {self.count} per {self.seconds} s"


def parse_rate(raw: str) -> Rate | None:
    """``"60/10s"``, ``"20/m"`` or ``"1000/h"`` as a Rate; ``"off"`` as None (no limit)."""
    value = raw.strip().lower()
    if value == "off":
        return None
    match = _RATE.match(value)
    if match is None or int(match.group(1)) < 1 or match.group(2) in {"0"}:
        raise ValueError(
            f"expected a count per time such as 60/10s, 20/m or 1000/h, or off, got {raw!r}"
        )
    count, amount, unit = match.groups()
    seconds = int(amount or 1) * _UNITS[unit]
    if seconds < 1:
        raise ValueError(f"expected a time of at least 1 second, got {raw!r}")
    return Rate(int(count), seconds)


def client_address(
    remote: str | None, forwarded_for: str | None, trusted_proxies: int
) -> str | None:
    """The client's address, trusting ``X-Forwarded-For`` only as far as our own proxies.

    Each of the ``trusted_proxies`` proxies appends the address it saw to the header; entries
    further left were written by the client and may be forged.
    """
    if trusted_proxies <= 0 or not forwarded_for:
        return remote or None
    forwarded = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    if len(forwarded) < trusted_proxies:
        # Fewer entries than proxies: the request did not come through all of them.
        return remote or None
    try:
        return str(ipaddress.ip_address(forwarded[-trusted_proxies]))
    except ValueError:
        return remote or None


def address_key(address: str) -> str:
    """What an address is counted as: IPv6 clients by their /64 network, which one
    subscriber usually holds whole (so cannot escape a limit by changing the last bits)."""
    if ":" not in address:
        return address
    try:
        network = ipaddress.IPv6Network(f"{address}/64", strict=False)
    except ValueError:
        return address
    return str(network)


class Limiter:
    """A token bucket per key in this process: ``rate.count`` at once, then refilled evenly.

    Buckets that have filled up again are forgotten every ``rate.seconds``; should more than
    ``max_keys`` be in use even so (a flood from many addresses), all are forgotten, which
    lets everyone through again rather than refusing newcomers.
    """

    def __init__(self, rate: Rate, *, clock: Clock = time.monotonic, max_keys: int = MAX_KEYS):
        self.rate = rate
        self.clock = clock
        self.max_keys = max_keys
        self._capacity = float(rate.count)
        self._per_second = rate.count / rate.seconds
        # key → [tokens left, when they were counted]
        self._buckets: dict[str, list[float]] = {}
        self._prune_at = clock() + rate.seconds

    def __len__(self) -> int:
        return len(self._buckets)

    def __contains__(self, key: str) -> bool:
        return key in self._buckets

    def hit(self, key: str) -> float:
        """Take one request for ``key``: 0 when it may go ahead, else seconds to wait."""
        now = self.clock()
        if now >= self._prune_at:
            self._prune(now)
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._prune(now)
                if len(self._buckets) >= self.max_keys:
                    logger.warning(
                        "rate limit table full (%d keys): starting afresh", self.max_keys
                    )
                    self._buckets.clear()
            self._buckets[key] = [self._capacity - 1, now]
            return 0.0
        tokens = min(self._capacity, bucket[0] + (now - bucket[1]) * self._per_second)
        bucket[1] = now
        if tokens >= 1:
            bucket[0] = tokens - 1
            return 0.0
        bucket[0] = tokens
        return (1 - tokens) / self._per_second

    def wait(self, key: str) -> float:
        """Seconds before ``key`` may make a request, without taking one (0: now)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return 0.0
        tokens = bucket[0] + (self.clock() - bucket[1]) * self._per_second
        return 0.0 if tokens >= 1 else (1 - tokens) / self._per_second

    def _prune(self, now: float) -> None:
        # A full bucket is the same as no bucket at all.
        full = self._capacity
        per_second = self._per_second
        self._buckets = {
            key: bucket
            for key, bucket in self._buckets.items()
            if bucket[0] + (now - bucket[1]) * per_second < full
        }
        self._prune_at = now + self.rate.seconds


class SharedLimiter:
    """A fixed window per key counted in a Django cache, so every worker process sees it.

    The counter of the current window is added and incremented; at most ``rate.count``
    requests pass per window of ``rate.seconds`` (windows are aligned to the clock). When the
    cache cannot be reached the request goes ahead and an error is logged: a broken cache must
    not lock the newsroom out (django-axes still counts failed sign-ins in the database).
    """

    def __init__(
        self, name: str, rate: Rate, *, cache_alias: str = "shared", clock: Clock = time.time
    ) -> None:
        self.name = name
        self.rate = rate
        self.cache_alias = cache_alias
        self.clock = clock

    def hit(self, key: str) -> float:
        """Count one request for ``key``: 0 when it may go ahead, else seconds to wait."""
        from django.core.cache import caches

        now = self.clock()
        window = int(now // self.rate.seconds)
        cache_key = f"ratelimit:{self.name}:{key}:{window}"
        try:
            cache = caches[self.cache_alias]
            cache.add(cache_key, 0, timeout=self.rate.seconds + 1)
            count = cache.incr(cache_key)
        except ValueError:
            count = 1  # expired between add and incr: a new window has begun
        except Exception:
            logger.exception("the %r cache failed: %s not limited", self.cache_alias, self.name)
            return 0.0
        if count <= self.rate.count:
            return 0.0
        return (window + 1) * self.rate.seconds - now

    def wait(self, key: str) -> float:
        """Seconds before ``key`` may be counted again, without counting (0: now).

        For limits that count only failures (wrong passwords): asked before every try.
        """
        from django.core.cache import caches

        now = self.clock()
        window = int(now // self.rate.seconds)
        try:
            count = caches[self.cache_alias].get(f"ratelimit:{self.name}:{key}:{window}", 0)
        except Exception:
            logger.exception("the %r cache failed: %s not limited", self.cache_alias, self.name)
            return 0.0
        if count < self.rate.count:
            return 0.0
        return (window + 1) * self.rate.seconds - now
