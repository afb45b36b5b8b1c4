"""The soak benchmark keeps working: a few seconds of it on SQLite lose and repeat nothing.

Figures come from `bench/soak.py` runs (docs/benchmarks.md); this only checks the machinery
and the promise that every reader gets every change once, in order, never times.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_short_soak_delivers_every_change_once_to_readers_that_drop_and_resume(
    tmp_path: Path,
) -> None:
    report = tmp_path / "soak.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "soak.py"),
            "--minutes",
            "0.1",
            "--readers",
            "20",
            "--workers",
            "2",
            "--database",
            "sqlite",
            "--broker",
            "dbtail",
            "--edit-every",
            "2",
            "--delete-every",
            "3",
            # 20 readers at 100 % a minute: a drop and resume every 3 s.
            "--churn",
            "100",
            "--warm-up",
            "4",
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
    check = json.loads(report.read_text())["check"]
    assert check["readers"] == 20
    assert check["changes"] >= 6
    assert check["expected"] == 20 * check["changes"]
    # A reader away when a change was superseded resumes to the present without it.
    assert check["received"] + check["skipped_superseded"] == check["expected"]
    assert check["lost"] == 0
    assert check["duplicated"] == 0
    assert check["wrong_content"] == 0
    assert check["churned"] >= 1  # the resume path ran
