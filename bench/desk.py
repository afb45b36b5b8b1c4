"""Desk benchmark: is the desk quick on a big blog, and how soon do readers see a desk publish?

Seeds a live blog with N published entries (default 10,000, written in bulk as an import
writes them) plus drafts and submissions through the service layer, starts `bulletin serve`
(1 worker), signs an editor in over HTTP, then measures, one request at a time:

- the desk page of that blog, its live-refresh fragment (panels) and the composer preview;
- the desk's find form (full-text search, blogs/search.py): a word only the oldest entry has,
  a word every entry has (all of them ranked), a phrase with a filter, and a page deep in the
  list of all entries;
- publishing from the composer (the form post, 303 included) and the time until a reader
  connected to `/live/bench/events` has the entry;
- as the reference, in the same run: the password-change page, a plain Django form page behind
  the same middleware (the floor of any Django page on this machine).

    .venv/bin/python bench/desk.py [--entries 10000] [--requests 60] [--publishes 30]

Loopback only; the server is stopped at the end. Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
PASSWORD = "bench-desk-password-1"  # noqa: S105  (a throwaway account in a temp database)

SEED = """
import django, sys
django.setup()
from datetime import timedelta
from django.utils import timezone
from bulletin.accounts.models import User
from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields, EntryFields
from bulletin.blogs.models import Entry
from bulletin.blogs.rendering import render_entry
count, password = int(sys.argv[1]), sys.argv[2]
user = User.objects.create_user("bench", password=password, is_staff=True)
blog = services.go_live(user, services.create_blog(user, BlogFields(slug="bench",
    title="Bench Live Updates", description="A blog with many entries.")))
start = timezone.now() - timedelta(minutes=count)
body = "<p>" + "Water levels at the quay are being watched closely. " * 6 + "</p>"
# Written in bulk, as an import writes them (rows, then their HTML; the search index follows
# through its triggers): through the services, 10,000 entries took over an hour on a loaded
# machine. The oldest entry holds the one word the rare-word search looks for.
rows = []
for n in range(count):
    moment = start + timedelta(minutes=n)
    rows.append(Entry(blog=blog, headline="Lighthouse keeper rescued" if n == 0 else f"Update {n}",
                      body=body, status="published", display_at=moment, published_at=moment,
                      created_by=user, created_at=moment, updated_at=moment))
rows = Entry.objects.bulk_create(rows, batch_size=500)
Entry.authors.through.objects.bulk_create(
    [Entry.authors.through(entry_id=row.pk, user_id=user.pk) for row in rows], batch_size=500)
for row in rows:
    row.blog = blog
    row.html = render_entry(row)[1]
Entry.objects.bulk_update(rows, ["html"], batch_size=500)
for n in range(10):
    services.save_draft(user, blog, EntryFields(headline=f"Draft {n}", body=body))
    services.create_entry(user, blog, EntryFields(headline=f"For review {n}", body=body),
                          status="submitted")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Browser:
    """Just enough of a browser: cookies, CSRF token, form posts, no redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken") or ""

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def post(self, path: str, fields: dict[str, str]) -> int:
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as error:
            error.read()
            return int(error.code)


def timed(action: object, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        status = action()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
        if status not in (200, 303):
            raise SystemExit(f"unexpected status {status}")
    return times


def _found(browser: Browser, path: str) -> int:
    """GET a find-form page; a page without results (or without the entry) is a failure."""
    status, body = browser.get(path)
    if status == 200 and b'id="desk-results"' not in body:
        return 500
    if status == 200 and b"q=lighthouse" in path.encode() and b"Lighthouse keeper" not in body:
        return 500
    return status


class Reader(threading.Thread):
    """One SSE reader on the reader page's stream, noting when each headline arrives."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.arrived: dict[str, float] = {}
        self.ready = threading.Event()

    def run(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port)) as sock:
            sock.sendall(b"GET /live/bench/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            self.ready.set()
            buffer = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                now = time.perf_counter()
                buffer += chunk
                for marker in re.findall(rb"Desk publish (\d+)", buffer):
                    self.arrived.setdefault(marker.decode(), now)
                buffer = buffer[-200:]


def row(name: str, times: list[float]) -> str:
    return (
        f"| {name} | {len(times)} | {statistics.median(times):.1f} | "
        f"{percentile(times, 0.99):.1f} | {max(times):.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000, help="published entries to seed")
    parser.add_argument("--requests", type=int, default=60, help="requests per page measured")
    parser.add_argument("--publishes", type=int, default=30, help="entries published from the desk")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bulletin-bench-desk-") as folder:
        env = {
            **os.environ,
            "BULLETIN_DATA_DIR": folder,
            "BULLETIN_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "bulletin.settings",
            "BULLETIN_LOG_LEVEL": "warning",
        }
        run = [str(VENV_BIN / "bulletin")]
        subprocess.run([*run, "migrate", "-v", "0"], env=env, check=True)
        started = time.perf_counter()
        subprocess.run(
            [str(VENV_BIN / "python"), "-c", SEED, str(args.entries), PASSWORD],
            env=env,
            check=True,
        )
        print(f"seeded {args.entries} entries in {time.perf_counter() - started:.0f} s")
        port = free_port()
        server = subprocess.Popen(
            [*run, "serve", "--port", str(port), "--no-scheduler"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            measure(port, args)
        finally:
            server.terminate()
            server.wait(timeout=15)


def measure(port: int, args: argparse.Namespace) -> None:
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/desk/login/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    browser = Browser(base)
    browser.get("/desk/login/")
    status = browser.post("/desk/login/", {"username": "bench", "password": PASSWORD})
    if status != 302:
        raise SystemExit(f"sign-in failed with status {status}")
    for path in ("/desk/bench/", "/desk/bench/panels"):
        browser.get(path)  # warm up templates and connections

    results = {
        "password page (reference)": timed(
            lambda: browser.get("/desk/password/")[0], args.requests
        ),
        "desk page": timed(lambda: browser.get("/desk/bench/")[0], args.requests),
        "desk panels (live refresh)": timed(
            lambda: browser.get("/desk/bench/panels")[0], args.requests
        ),
        "search: a word of the oldest entry (1 match)": timed(
            lambda: _found(browser, "/desk/bench/?q=lighthouse"), args.requests
        ),
        "search: a word of every entry (all ranked)": timed(
            lambda: _found(browser, "/desk/bench/?q=water"), args.requests
        ),
        "search: phrase + status filter": timed(
            lambda: _found(browser, "/desk/bench/?q=%22water+levels%22&status=published"),
            args.requests,
        ),
        "all entries, page 100 (no words)": timed(
            lambda: _found(browser, "/desk/bench/?status=published&page=100"), args.requests
        ),
        "composer preview": timed(
            lambda: browser.post(
                "/desk/bench/preview",
                {"headline": "Preview", "body": "<p>What readers will see.</p>"},
            ),
            args.requests,
        ),
    }

    reader = Reader(port)
    reader.start()
    reader.ready.wait(5)
    time.sleep(0.5)
    posted: dict[str, float] = {}
    publish_times = []
    for n in range(args.publishes):
        marker = str(n)
        posted[marker] = time.perf_counter()
        status = browser.post(
            "/desk/bench/entries",
            {"headline": f"Desk publish {n}", "body": "<p>From the desk.</p>", "action": "publish"},
        )
        publish_times.append((time.perf_counter() - posted[marker]) * 1000)
        if status != 303:
            raise SystemExit(f"publishing failed with status {status}")
        time.sleep(0.2)
    time.sleep(1)
    seen = [(reader.arrived[m] - posted[m]) * 1000 for m in posted if m in reader.arrived]
    results["publish from the composer (post + 303)"] = publish_times
    results["composer publish → reader has it"] = seen

    print(f"\nDesk on a blog with {args.entries:,} entries (1 worker, SQLite):\n")
    print("| request | n | p50 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, times in results.items():
        print(row(name, times))
    reference = statistics.median(results["password page (reference)"])
    desk = statistics.median(results["desk page"])
    print(f"\nratio desk page / password page p50: x{desk / reference:.2f}")
    worst = percentile(results["search: a word of every entry (all ranked)"], 0.99)
    print(f"search p99, a word of every entry: {worst:.1f} ms")
    print(f"readers missed {args.publishes - len(seen)} of {args.publishes} desk publishes")


if __name__ == "__main__":
    sys.exit(main())
