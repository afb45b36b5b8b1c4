"""CPU of one publish: what every reader waits for before the first byte of a change leaves.

Runs in-process on a temporary SQLite database with production settings: creates a live blog
and an API token, warms up, then POSTs N entries of ~450 bytes to
``/api/v1/blogs/bench/entries`` through Django's test client (the whole request: middleware,
authentication, validation, sanitising, the entry's receivers, rendering, the change log,
the commit) and prints the CPU time per publish. ``--profile`` adds the functions that took
the most CPU (cProfile on the process clock, so other work on the machine does not count).

    .venv/bin/python bench/publish.py [--publishes 200] [--seed 0] [--profile 25]

``--seed N`` first publishes N entries through the services, for a blog that has history.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))


def setup(workdir: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bulletin.settings"
    os.environ["BULLETIN_DATA_DIR"] = workdir
    os.environ.setdefault("BULLETIN_DATABASE_URL", f"sqlite:///{workdir}/publish.sqlite3")
    os.environ["BULLETIN_MODE"] = "production"
    os.environ["BULLETIN_SECRET_KEY"] = secrets.token_urlsafe(48)
    os.environ["BULLETIN_SITE_URL"] = "https://bench.invalid"
    os.environ["BULLETIN_LOG_LEVEL"] = "warning"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publishes", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0, help="entries published first")
    parser.add_argument("--profile", type=int, default=0, help="show the N costliest functions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bulletin-publish-") as workdir:
        setup(workdir)
        run(args)


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.test import Client

    from bulletin.accounts.models import User
    from bulletin.blogs import services
    from bulletin.blogs.fields import BlogFields, EntryFields
    from targets import body_html

    user = User.objects.create_user("bench", is_staff=True)
    blog = services.go_live(user, services.create_blog(user, BlogFields(slug="bench", title="B")))
    for n in range(args.seed):
        services.create_entry(user, blog, EntryFields(headline=f"Seed {n}", body=body_html()))
    out = StringIO()
    call_command("token", "bench", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    client = Client(HTTP_HOST="127.0.0.1")

    def publish(n: int) -> None:
        answer = client.post(
            "/api/v1/blogs/bench/entries",
            json.dumps({"headline": f"bench {n}", "body": body_html()}),
            content_type="application/json",
            secure=True,
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        if answer.status_code != 201:
            raise SystemExit(f"publish: expected 201, got {answer.status_code}: {answer.content!r}")

    for n in range(20):  # warm-up: imports, template and query caches
        publish(n)
    profile = cProfile.Profile(time.process_time) if args.profile else None
    cpu: list[float] = []
    for n in range(args.publishes):
        if profile:
            profile.enable()
        began = time.process_time()
        publish(1000 + n)
        cpu.append((time.process_time() - began) * 1000)
        if profile:
            profile.disable()
    cpu.sort()
    print(
        f"{args.publishes} API publishes on a blog of {args.seed + 20} entries (SQLite, "
        f"production settings; load average {os.getloadavg()[0]:.1f}): CPU per publish "
        f"p50 {statistics.median(cpu):.1f} ms, mean {statistics.fmean(cpu):.1f} ms, "
        f"p99 {cpu[int(len(cpu) * 0.99) - 1]:.1f} ms"
        + (" (profiled: slower than unprofiled)" if profile else "")
    )
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
