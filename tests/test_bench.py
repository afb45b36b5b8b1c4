"""The fan-out benchmark keeps working: a small run against Bulletin loses nothing.

Figures come from `make bench` (docs/benchmarks.md); this only checks the machinery and the
no-loss promise, never times.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_small_fanout_run_delivers_every_message_to_every_reader(tmp_path: Path):
    report = tmp_path / "fanout.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "fanout.py"),
            "--readers",
            "60",
            "--messages",
            "3",
            "--targets",
            "bulletin",
            "--mode",
            "memory",
            "--workers",
            "1",
            "--load-procs",
            "1",
            "--json",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (bulletin,) = json.loads(report.read_text())["results"]
    assert bulletin["readers_connected"] == 60
    assert bulletin["received"] == bulletin["expected"] == 60 * 3
    assert bulletin["lost"] == 0
    assert bulletin["duplicated"] == 0
