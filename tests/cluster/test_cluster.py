"""A cluster in network namespaces keeps every reader whole through node and network faults.

`bench/cluster.py --short` builds three app nodes (`bulletin serve --workers 2`), a data node
(its own PostgreSQL and Redis) and nginx on a front node running deploy/nginx/bulletin.conf,
each in a network namespace of its own, drives 60 readers through the front while entries,
edits and deletes are published, and hits one app node with, in turn: latency and loss
towards Redis, a cut-off from Redis, a cut-off from PostgreSQL, its link down, and a kill.
This test asserts only what must hold: every reader got every change once, in order, and
recovered after every fault. Delays and recovery times are figures for docs/benchmarks.md,
never asserted.

It needs root, network namespaces with veth, nftables (loss and cut-offs: the kernel has no
netem), nginx, redis-server and PostgreSQL's server binaries: without them it skips, and
fails under CI=true. It uses its own PostgreSQL, so it runs in the SQLite pass only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "bench" / "cluster.py"


pytestmark = pytest.mark.timeout(420)


def _missing() -> list[str]:
    check = subprocess.run(
        [sys.executable, str(CLUSTER), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    try:
        return list(json.loads(check.stdout.strip().splitlines()[-1])["missing"])
    except (ValueError, IndexError, KeyError):
        return [f"bench/cluster.py --check failed: {check.stderr[-500:]}"]


@pytest.fixture(scope="module")
def cluster_tools() -> None:
    missing = _missing()
    if not missing:
        return
    message = "the namespace cluster needs: " + "; ".join(missing)
    if IN_CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def test_every_reader_gets_every_change_once_in_order_through_every_fault(
    cluster_tools: None, tmp_path: Path
) -> None:
    report = tmp_path / "cluster.json"
    run = subprocess.Popen(
        [sys.executable, str(CLUSTER), "--short", "--json", str(report)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        stdout, stderr = run.communicate(timeout=360)
    except subprocess.TimeoutExpired:
        # SIGTERM lets it remove its namespaces and processes; SIGKILL only if it cannot.
        run.terminate()
        try:
            stdout, stderr = run.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            run.kill()
            stdout, stderr = run.communicate()
        pytest.fail(f"bench/cluster.py --short took over 6 minutes:\n{stderr[-3000:]}")
    assert run.returncode == 0, stdout[-3000:] + stderr[-3000:]
    figures = json.loads(report.read_text())
    assert figures["connected"] == figures["readers"] == 60
    assert figures["changes"] >= 20
    assert figures["totals"] == {"lost": 0, "duplicated": 0, "out_of_order": 0}
    faults = figures["faults"]
    assert set(faults) == {"redis-slow", "redis-cut", "postgres-cut", "link-down", "killed"}
    for name, fault in faults.items():
        # A fault may leave nothing to publish in its window (a writer cut off from PostgreSQL
        # mid-transaction holds the blog's row for up to 10 s): only what was due must arrive.
        assert fault["received"] >= fault["expected"], name
        assert fault["recovery_s"] is not None, f"a reader never caught up after {name}"
