"""docs/deploy.md quotes the deployment files as they are, and the systemd unit is valid."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
QUOTED = [
    "deploy/nginx/bulletin.conf",
    "deploy/systemd/bulletin.service",
    "deploy/bulletin.env.example",
]


@pytest.mark.parametrize("path", QUOTED)
def test_docs_deploy_quotes_the_file_as_it_is(path: str):
    page = (ROOT / "docs" / "deploy.md").read_text()
    assert (ROOT / path).read_text().rstrip("\n") in page, f"docs/deploy.md no longer quotes {path}"


def test_the_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path):
    require_service(
        "systemd-analyze",
        lambda: shutil.which("systemd-analyze") is not None,
        "install Debian's systemd package (.ci/run does)",
    )
    verify = shutil.which("systemd-analyze")
    assert verify is not None
    unit = (ROOT / "deploy" / "systemd" / "bulletin.service").read_text()
    # The unit's program must exist for systemd to accept it: point it at this checkout's.
    bulletin = Path(sys.executable).with_name("bulletin")
    (tmp_path / "bulletin.service").write_text(
        unit.replace("/opt/bulletin/venv/bin/bulletin", str(bulletin))
    )
    result = subprocess.run(
        [verify, "verify", str(tmp_path / "bulletin.service")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr
