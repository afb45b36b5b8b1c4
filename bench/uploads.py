"""Upload benchmark: peak worker memory for N parallel worst-case image uploads.

A worst-case upload is a small PNG of one colour that decodes to as many pixels as the limit
allows (about 95 kB for 49 megapixels). Starts `bulletin serve` (1 worker, SQLite in a
temporary folder) once per configuration, uploads N of them at once over the API and samples
the worker's resident memory (psutil) every 20 ms from before the first request until all
have answered:

- before (the reference, same run): the old limits, ``MEDIA_MAX_PIXELS=50000000`` and no
  decode bounds (``MEDIA_DECODES_PER_WORKER=0``, ``MEDIA_UPLOADS_PER_USER=0``), N uploads of
  49 megapixels with one contributor's token, as in the review;
- after: the defaults (40 megapixels, 2 decodes per worker, 1 per person) with the same
  49-megapixel files, then with files just under the limit (39.99 megapixels), sent with one
  token, and with N tokens (N people at once).

    .venv/bin/python bench/uploads.py [--uploads 6] [--before-src DIR]

``--before-src`` runs the "before" server from another copy of ``src/`` (put first on
PYTHONPATH), e.g. the last commit's: ``git archive HEAD src | tar -x -C /tmp/head``, then
``--before-src /tmp/head/src``. Without it, "before" is this code with the old settings.

Loopback only; every request has a timeout and every server is stopped. Figures go to
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psutil
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.procstats import sample  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
REQUEST_SECONDS = 180
SAMPLE_SECONDS = 0.02

SEED = """
import json, sys
import django
django.setup()
from bulletin.accounts.models import ApiToken, Membership, User
from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields
people = int(sys.argv[1])
owner = User.objects.create_user("owner", password="bench-owner-password-1", is_staff=True)
blog = services.go_live(owner, services.create_blog(owner, BlogFields(slug="bench",
    title="Bench Live Updates")))
tokens = []
for n in range(people):
    user = User.objects.create_user(f"contributor{n}", password="bench-password-1")
    Membership.objects.create(blog=blog, user=user, role="contributor")
    tokens.append(ApiToken.issue(user, "bench")[1])
print(json.dumps(tokens))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def flat_png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 60, 120)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def multipart(data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), boundary


def upload(base: str, token: str, data: bytes) -> int:
    body, boundary = multipart(data)
    request = urllib.request.Request(
        f"{base}/api/v1/blogs/bench/media",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_SECONDS) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0  # no answer: the connection failed or timed out


class Peak(threading.Thread):
    """The highest RSS of a process tree, sampled until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, sample(self.pid).rss_bytes)
            time.sleep(SAMPLE_SECONDS)


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "bulletin"), "serve", "--port", str(port), "--no-scheduler"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            return server, base
        except urllib.error.HTTPError:
            return server, base
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("bulletin serve did not answer in time")


def run(
    name: str, env: dict[str, str], tokens: list[str], data: bytes, count: int
) -> dict[str, object]:
    server, base = serve(env)
    try:
        # One small upload first, so that the baseline includes Pillow and its codecs loaded.
        upload(base, tokens[-1], flat_png(64, 64))
        time.sleep(0.5)
        baseline = psutil.Process(server.pid).memory_info().rss
        peak = Peak(server.pid)
        peak.start()
        started = time.perf_counter()
        statuses: list[int] = [0] * count
        threads = [
            threading.Thread(
                target=lambda n=n: statuses.__setitem__(n, upload(base, tokens[n], data))
            )
            for n in range(count)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(REQUEST_SECONDS + 5)
        took = time.perf_counter() - started
        peak.done.set()
        peak.join(5)
    finally:
        server.terminate()
        server.wait(timeout=15)
    return {
        "run": name,
        "baseline_mb": round(baseline / 1e6),
        "peak_mb": round(peak.peak / 1e6),
        "added_mb": round((peak.peak - baseline) / 1e6),
        "statuses": dict(sorted(collections.Counter(statuses).items())),
        "seconds": round(took, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=6, help="parallel uploads per run")
    parser.add_argument(
        "--before-src",
        type=Path,
        default=None,
        help="a src/ folder of an earlier Bulletin to run the 'before' server from",
    )
    args = parser.parse_args()
    count = args.uploads

    big = flat_png(7000, 7000)  # 49.0 Mpx: under the old limit, over the new one
    under = flat_png(6324, 6324)  # 39.99 Mpx: just under the new limit
    print(f"files: 49.0 Mpx PNG {len(big) / 1000:.0f} kB, 39.99 Mpx PNG {len(under) / 1000:.0f} kB")

    with tempfile.TemporaryDirectory(prefix="bulletin-bench-uploads-") as folder:
        env = {
            **os.environ,
            "BULLETIN_DATA_DIR": folder,
            "BULLETIN_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "bulletin.settings",
            "BULLETIN_LOG_LEVEL": "warning",
            # Every upload is a write: the API's write limit is not what is measured here.
            "BULLETIN_RATE_LIMIT_API_WRITE": "off",
        }
        subprocess.run([str(VENV_BIN / "bulletin"), "migrate", "-v", "0"], env=env, check=True)
        seeded = subprocess.run(
            [str(VENV_BIN / "python"), "-c", SEED, str(count + 1)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        tokens: list[str] = json.loads(seeded.stdout.strip().splitlines()[-1])
        one = [tokens[0]] * count + [tokens[-1]]
        many = tokens
        old = {
            **env,
            "BULLETIN_MEDIA_MAX_PIXELS": "50000000",
            "BULLETIN_MEDIA_DECODES_PER_WORKER": "0",
            "BULLETIN_MEDIA_UPLOADS_PER_USER": "0",
        }
        runs = [("before: old limits, 49 Mpx, one token", old, one, big)]
        if args.before_src is not None:
            earlier = {**old, "PYTHONPATH": str(args.before_src.resolve())}
            runs.append(("before: earlier code, old limits, 49 Mpx, one token", earlier, one, big))
        runs += [
            ("after: defaults, 49 Mpx, one token", env, one, big),
            ("after: defaults, 39.99 Mpx, one token", env, one, under),
            (f"after: defaults, 39.99 Mpx, {count} tokens", env, many, under),
        ]
        print(f"{count} parallel uploads per run; 1 worker; RSS of the worker process")
        for name, run_env, run_tokens, data in runs:
            print(json.dumps(run(name, run_env, run_tokens, data, count)), flush=True)


if __name__ == "__main__":
    main()
