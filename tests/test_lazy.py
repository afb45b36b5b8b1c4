"""A per-process value is made once, however many threads ask for it first."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from bulletin.lazy import once


def test_threads_asking_at_once_share_one_value_made_once() -> None:
    made: list[object] = []
    started = threading.Barrier(8)

    @once
    def value() -> object:
        made.append(object())
        return made[-1]

    def ask(_: int) -> object:
        started.wait()
        return value()

    with ThreadPoolExecutor(8) as pool:
        got = set(map(id, pool.map(ask, range(8))))

    assert len(made) == 1
    assert got == {id(made[0])}
    assert value() is made[0]
