"""`bulletin check --deploy` (the systemd unit's ExecStartPre) passes only with safe settings.

The settings are deploy/bulletin.env.example, the file docs/deploy.md tells operators to fill in.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "bulletin.env.example"


def _example() -> dict[str, str]:
    values = {}
    for line in EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip().removeprefix('"').removesuffix('"')
    return values


def _check(tmp_path: Path, **changes: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
    env.update(_example())
    env.update(BULLETIN_DATA_DIR=str(tmp_path), BULLETIN_SECRET_KEY=secrets.token_urlsafe(48))
    env.update({f"BULLETIN_{name.upper()}": value for name, value in changes.items()})
    return subprocess.run(
        [sys.executable, "-m", "bulletin.cli", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_documented_production_settings_pass_check_deploy(tmp_path: Path):
    result = _check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "bulletin." not in result.stdout + result.stderr  # no error and no warning of ours


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        pytest.param({"secret_key": ""}, "BULLETIN_SECRET_KEY must be set", id="no-secret"),
        pytest.param({"secret_key": "short-secret"}, "at least 40 characters", id="short-secret"),
        pytest.param(
            {"site_url": "http://news.example"}, "must start with https://", id="http-site"
        ),
        pytest.param({"mode": "development"}, "bulletin.E001", id="development-mode"),
    ],
)
def test_check_deploy_fails_on_unsafe_settings(tmp_path: Path, changes, complaint):
    result = _check(tmp_path, **changes)
    assert result.returncode != 0
    assert complaint in result.stderr


def test_check_deploy_warns_about_sqlite_but_lets_one_machine_run_it(tmp_path: Path):
    result = _check(tmp_path, database_url=f"sqlite:///{tmp_path}/bulletin.sqlite3")
    assert result.returncode == 0, result.stderr
    assert "bulletin.W002" in result.stderr
