"""Polling readers behind a simulated CDN miss nothing, and the origin sees few requests.

`bench/cdn.py` puts nginx's proxy_cache in front of `bulletin serve` as the CDN; a few
seconds with 40 readers polling the changes feed (EventSource disabled) must lose nothing and
send the origin a small share of their requests. The figures (origin requests per second, lag
behind the live stream) are for docs/benchmarks.md and never asserted.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(240)


def test_polling_readers_behind_the_cdn_get_every_change(tmp_path: Path) -> None:
    require_service(
        "nginx",
        lambda: shutil.which("nginx") is not None or Path("/usr/sbin/nginx").exists(),
        "apt-get install nginx-light",
    )
    report = tmp_path / "cdn.json"
    result = subprocess.run(
        [
            *(sys.executable, str(ROOT / "bench" / "cdn.py"), "--readers", "40"),
            *("--seconds", "6", "--json", str(report)),
        ],
        capture_output=True,
        text=True,
        timeout=200,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    figures = json.loads(report.read_text())
    assert figures["lost"] == 0
    assert figures["changes"] == figures["published"] >= 5
    # 40 readers polling once a second for the run; the origin answers a small share.
    assert figures["origin_requests"] < figures["reader_requests"] / 4
