"""A TCP relay that can hold every byte for a while: latency where the kernel has no netem.

Runs inside an app node's namespace (``ip netns exec NS python bench/delayrelay.py``),
listens on ``--listen`` (127.0.0.1 there) and forwards each connection to ``--to`` (Redis on
the data node). Every chunk read from either side is written to the other ``delay`` seconds
after it arrived, in order; with a delay of 0 it is a plain relay, so the node talks to Redis
through it for the whole run and a fault only changes the delay.

Control: one line per command on standard input, ``delay <milliseconds>``; the relay answers
``ok <milliseconds>`` on standard output. It exits when standard input closes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections import deque


class Relay:
    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.delay = 0.0
        self.connections: set[asyncio.Task[None]] = set()

    async def handle(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        try:
            server_in, server_out = await asyncio.open_connection(*self.target)
        except OSError:
            client_out.transport.abort()
            return
        task = asyncio.current_task()
        assert task is not None
        self.connections.add(task)
        try:
            with contextlib.suppress(OSError):
                await asyncio.gather(
                    self.pipe(client_in, server_out), self.pipe(server_in, client_out)
                )
        finally:
            self.connections.discard(task)
            client_out.transport.abort()
            server_out.transport.abort()

    async def pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        """Copy ``source`` to ``sink``, each chunk ``delay`` seconds after it was read."""
        loop = asyncio.get_running_loop()
        held: deque[tuple[float, bytes]] = deque()
        arrived = asyncio.Event()
        ended = False

        async def release() -> None:
            while held or not ended:
                if not held:
                    arrived.clear()
                    await arrived.wait()
                    continue
                due, chunk = held[0]
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                held.popleft()
                sink.write(chunk)
                await sink.drain()
            with contextlib.suppress(OSError):
                sink.write_eof()

        writer = asyncio.create_task(release())
        try:
            while True:
                chunk = await source.read(65536)
                if not chunk:
                    break
                held.append((loop.time() + self.delay, chunk))
                arrived.set()
        except OSError:
            pass
        finally:
            ended = True
            arrived.set()
        with contextlib.suppress(OSError):
            await writer

    async def control(self) -> None:
        """Read ``delay <ms>`` lines from standard input until it closes."""
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                return
            words = line.split()
            if len(words) == 2 and words[0] == "delay":
                self.delay = max(0.0, float(words[1]) / 1000)
                print(f"ok {words[1]}", flush=True)
            else:
                print(f"error: expected 'delay <milliseconds>', got {line.strip()!r}", flush=True)


def parse_address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", required=True, help="host:port to accept connections on")
    parser.add_argument("--to", required=True, help="host:port to forward them to")
    args = parser.parse_args(argv)
    relay = Relay(parse_address(args.to))
    host, port = parse_address(args.listen)
    server = await asyncio.start_server(relay.handle, host, port)
    print("listening", flush=True)
    async with server:
        await relay.control()
    for task in list(relay.connections):
        task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
