"""Run an async test body the way ``asyncio.run`` does, minus the database connections it
would leave behind.

Async code reaches the database from worker threads: ``sync_to_async(thread_sensitive=False)``
uses the loop's default executor, and thread-sensitive calls use asgiref's one long-lived
thread. Each thread opens a connection of its own. Left alone, on PostgreSQL the executor's
connections are only closed by the garbage collector (psycopg warns, and the suite turns
warnings into errors), and the long-lived thread's connection stays open until the end, which
keeps the test database from being dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.db import connections

T = TypeVar("T")


def run(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run(main())`` with one executor thread, whose connections (and those of the
    thread-sensitive thread) are closed before the loop ends."""

    async def closing() -> T:
        loop = asyncio.get_running_loop()
        # One thread: the calls in a test body come one after another, and there is then one
        # thread whose connections need closing.
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-executor")
        loop.set_default_executor(executor)
        try:
            return await main()
        finally:
            await loop.run_in_executor(executor, connections.close_all)
            await sync_to_async(connections.close_all, thread_sensitive=True)()

    return asyncio.run(closing())
