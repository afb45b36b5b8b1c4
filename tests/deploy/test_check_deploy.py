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
    return _run("check", "--deploy", data_dir=str(tmp_path), **changes)


def _run(*args: str, **changes: str) -> subprocess.CompletedProcess[str]:
    """``bulletin *args`` with the documented settings, changed as told."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
    env.update(_example())
    env.update(BULLETIN_SECRET_KEY=secrets.token_urlsafe(48))
    env.update({f"BULLETIN_{name.upper()}": value for name, value in changes.items()})
    return subprocess.run(
        [sys.executable, "-m", "bulletin.cli", *args],
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
        # Issue 12: each of these passed before (or only warned).
        pytest.param({"allowed_hosts": "*"}, "bulletin.E010", id="any-host"),
        pytest.param({"allowed_hosts": "news.example,*"}, "got '*'", id="any-host-among-others"),
        pytest.param({"rate_limit_signin": "off"}, "BULLETIN_RATE_LIMIT_SIGNIN", id="signin-off"),
        pytest.param(
            {"rate_limit_stream": "off", "rate_limit_api_write": "off"},
            "got off: BULLETIN_RATE_LIMIT_STREAM, BULLETIN_RATE_LIMIT_API_WRITE",
            id="limits-off",
        ),
        pytest.param({"metrics_token": "x"}, "bulletin.E013", id="one-character-metrics-token"),
        pytest.param(
            {"metrics_token": "a" * 40}, "BULLETIN_METRICS_TOKEN must be", id="repetitive-token"
        ),
        pytest.param(
            {"email_url": "smtp://desk:pw@smtp.news.example:25"},
            "bulletin.E014",
            id="smtp-without-tls",
        ),
        pytest.param(
            {"secret_key": "k" + ("abcdefghijklmnopqrstuvwxyz0123456789" * 2)[:44]},
            "bulletin.E012",
            id="secret-django-only-warns-about",
        ),
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


def test_smtp_to_a_relay_on_this_machine_may_go_without_tls(tmp_path: Path):
    result = _check(tmp_path, email_url="smtp://127.0.0.1:25")
    assert result.returncode == 0, result.stderr


def test_the_demo_admins_password_file_fails_check_deploy(tmp_path: Path):
    (tmp_path / "admin-password.txt").write_text("demo-password\n")

    result = _check(tmp_path)

    assert result.returncode != 0
    assert "bulletin.E015" in result.stderr
    assert "admin-password.txt" in result.stderr


def test_a_demo_blog_in_the_production_database_fails_check_deploy(tmp_path: Path):
    database = f"sqlite:///{tmp_path}/bulletin.sqlite3"
    where = {"data_dir": str(tmp_path), "database_url": database, "mode": "development"}
    assert _run("migrate", "--no-input", **where).returncode == 0
    seeded = _run("demo", **where)
    assert seeded.returncode == 0, seeded.stderr
    (tmp_path / "admin-password.txt").unlink()

    result = _check(tmp_path, database_url=database)

    assert result.returncode != 0
    assert "bulletin.E016" in result.stderr
    assert "bulletin.E015" not in result.stderr


def test_bulletin_demo_refuses_production_mode(tmp_path: Path):
    database = f"sqlite:///{tmp_path}/bulletin.sqlite3"

    result = _run("demo", data_dir=str(tmp_path), database_url=database)

    assert result.returncode != 0
    assert "development mode only" in result.stderr
    assert not (tmp_path / "admin-password.txt").exists()
