"""Reference server for the fan-out benchmark: sse-starlette with one queue per reader.

``GET /events`` streams Server-Sent Events; ``POST /publish`` puts its body (one JSON line)
into every reader's queue. Run by ``bench/fanout.py`` as::

    python bench/sse_starlette_server.py --port 8123 [--plain-gc]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import itertools
from collections.abc import AsyncIterator

import uvicorn
from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

KEEPALIVE_SECONDS = 15
QUEUE_SIZE = 64  # a reader this far behind is cut off rather than buffered without bound

_readers: set[asyncio.Queue[tuple[int, str] | None]] = set()
_ids = itertools.count(1)


async def events(request: Request) -> Response:
    queue: asyncio.Queue[tuple[int, str] | None] = asyncio.Queue(QUEUE_SIZE)
    _readers.add(queue)

    async def stream() -> AsyncIterator[dict[str, str]]:
        try:
            while (item := await queue.get()) is not None:
                seq, data = item
                yield {"id": str(seq), "event": "entry", "data": data}
        finally:
            _readers.discard(queue)

    return EventSourceResponse(stream(), ping=KEEPALIVE_SECONDS)


async def publish(request: Request) -> Response:
    data = (await request.body()).decode()
    seq = next(_ids)
    for queue in list(_readers):
        try:
            queue.put_nowait((seq, data))
        except asyncio.QueueFull:
            _readers.discard(queue)
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)
    return JSONResponse({"seq": seq, "readers": len(_readers)}, status_code=202)


async def health(request: Request) -> Response:
    return JSONResponse({"readers": len(_readers)})


app = Starlette(
    routes=[
        Route("/events", events),
        Route("/publish", publish, methods=["POST"]),
        Route("/health", health),
    ]
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
    parser.add_argument("--port", type=int, required=True, help="Port to listen on.")
    parser.add_argument(
        "--plain-gc",
        action="store_true",
        help="Keep Python's default garbage collector settings (default: freeze start-up "
        "objects and raise the gen-0 threshold, which removes 0.5 s collector stalls).",
    )
    args = parser.parse_args()
    if not args.plain_gc:
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        workers=1,
        access_log=False,
        log_level="warning",
        backlog=4096,
        timeout_graceful_shutdown=1,
    )


if __name__ == "__main__":
    main()
