"""Reader page benchmark: requests/s from the render-on-write cache against a bare ASGI app.

Seeds a live blog with N entries (default 10,000) through the service layer, starts
`bulletin serve` (1 worker), renders the first page once, then runs `wrk` against
`/live/bench` and against a bare ASGI app (same uvicorn, uvloop, httptools) that returns the
same bytes. Prints both rates, their ratio and latency percentiles, plus the p99 of a cold
render (the first request after a change) of the first page.

    .venv/bin/python bench/pages.py [--entries 10000] [--seconds 10] [--connections 64]

Needs wrk (Debian: apt-get install wrk). Loopback only; every server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"

SEED = """
import django, sys
django.setup()
from datetime import timedelta
from django.utils import timezone
from bulletin.accounts.models import User
from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields, EntryFields
count = int(sys.argv[1])
user = User.objects.create_user("bench", is_staff=True)
blog = services.go_live(user, services.create_blog(user, BlogFields(slug="bench",
    title="Bench Live Updates", description="A blog with many entries.")))
start = timezone.now() - timedelta(minutes=count)
body = "<p>" + "Water levels at the quay are being watched closely. " * 6 + "</p>"
for n in range(count):
    services.publish_entry(user, blog, EntryFields(headline=f"Update {n}", body=body,
                                                   display_at=start + timedelta(minutes=n)))
print(blog.pk)
"""

TOUCH = """
import django, sys
django.setup()
from bulletin.accounts.models import User
from bulletin.blogs import services
from bulletin.blogs.models import LiveBlog
user = User.objects.get(username="bench")
services.set_key_points(user, LiveBlog.objects.get(slug="bench"), [sys.argv[1]])
"""

BARE_APP = """
from pathlib import Path
BODY = Path({path!r}).read_bytes()
HEADERS = [(b"content-type", b"text/html; charset=utf-8"), (b"etag", b'"1"'),
           (b"cache-control", b"public, max-age=1")]
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({{"type": "http.response.start", "status": 200, "headers": HEADERS}})
    await send({{"type": "http.response.body", "body": BODY}})
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        [
            shutil.which("wrk") or "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    figures = {"rps": rate}
    for name, value, unit in re.findall(r"\s(50|90|99)%\s+([\d.]+)(us|ms|s)\b", out):
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
        figures[f"p{name}_ms"] = float(value) * scale
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000, help="Entries in the blog.")
    parser.add_argument("--seconds", type=int, default=10, help="Seconds per wrk run.")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections.")
    parser.add_argument(
        "--cold-renders",
        type=int,
        default=20,
        help="Changes after which the first page is timed (cold render).",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="bulletin-pages-") as folder, ExitStack() as stack:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
        env.update(
            DJANGO_SETTINGS_MODULE="bulletin.settings",
            BULLETIN_DATA_DIR=folder,
            BULLETIN_DATABASE_URL=f"sqlite:///{folder}/pages.sqlite3",
            BULLETIN_LOG_LEVEL="warning",
        )
        python = str(VENV_BIN / "python")
        subprocess.run(
            [str(VENV_BIN / "bulletin"), "migrate", "-v", "0"],
            env=env,
            check=True,
        )
        started = time.monotonic()
        subprocess.run([python, "-c", SEED, str(args.entries)], env=env, check=True)
        print(f"seeded {args.entries} entries in {time.monotonic() - started:.0f} s")

        port = free_port()
        server = subprocess.Popen(
            [str(VENV_BIN / "bulletin"), "serve", "--port", str(port), "--no-scheduler"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        stack.callback(_stop, server)
        url = f"http://127.0.0.1:{port}/live/bench"
        wait_http(url)

        cold: list[float] = []
        for n in range(args.cold_renders):
            subprocess.run(
                [python, "-c", TOUCH, f"Key point {n}"],
                env=env,
                check=True,
            )
            time.sleep(1.1)  # let this worker's one-second view of the blog expire
            began = time.perf_counter()
            urllib.request.urlopen(url, timeout=30).read()
            cold.append((time.perf_counter() - began) * 1000)
        body = urllib.request.urlopen(url, timeout=30).read()
        bulletin = wrk(url, args.seconds, args.connections)

        page = Path(folder) / "page.html"
        page.write_bytes(body)
        (Path(folder) / "bare.py").write_text(BARE_APP.format(path=str(page)))
        bare_port = free_port()
        bare = subprocess.Popen(
            [
                str(VENV_BIN / "uvicorn"),
                "bare:app",
                "--port",
                str(bare_port),
                "--loop",
                "uvloop",
                "--http",
                "httptools",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        stack.callback(_stop, bare)
        wait_http(f"http://127.0.0.1:{bare_port}/")
        reference = wrk(f"http://127.0.0.1:{bare_port}/", args.seconds, args.connections)

    cold.sort()
    p99_cold = cold[min(len(cold) - 1, int(len(cold) * 0.99))]
    print(
        f"\nReader page of a {args.entries}-entry blog, {len(body)} bytes, "
        f"wrk -t2 -c{args.connections} -d{args.seconds}s"
    )
    print(f"{'server':<22}{'req/s':>10}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}")
    for name, fig in (("bulletin (cache)", bulletin), ("bare ASGI, same bytes", reference)):
        print(
            f"{name:<22}{fig['rps']:>10.0f}{fig.get('p50_ms', 0):>9.2f}"
            f"{fig.get('p90_ms', 0):>9.2f}{fig.get('p99_ms', 0):>9.2f}"
        )
    print(f"\nbulletin/bare requests/s: x{bulletin['rps'] / reference['rps']:.2f}")
    print(
        f"cold render of the first page after a change: p50 {cold[len(cold) // 2]:.1f} ms, "
        f"p99 {p99_cold:.1f} ms over {len(cold)} changes"
    )
    return 0


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


if __name__ == "__main__":
    sys.exit(main())
