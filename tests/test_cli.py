"""The `bulletin` command: thin over the library, one clear line on errors."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bulletin.accounts.models import ApiToken, Membership, User, hash_token
from bulletin.blogs.demo import seed
from bulletin.blogs.demo_content import DEMO_BLOG
from bulletin.blogs.models import Change, Entry, LiveBlog


def _run(*args: str, stdin: str = "") -> str:
    out = io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*args, stdout=out)
    finally:
        sys.stdin = old_stdin
    return out.getvalue()


@pytest.mark.django_db
def test_createuser_makes_a_member_with_a_role_on_a_blog(make):
    blog = make.blog()
    output = _run(
        "createuser",
        "amira",
        "--name",
        "Amira Haddad",
        "--blog",
        blog.slug,
        "--role",
        "editor",
        "--password-stdin",
        stdin="a-long-enough-pass-2026\n",
    )
    assert "created user 'amira' (editor of" in output
    user = User.objects.get(username="amira")
    assert user.check_password("a-long-enough-pass-2026")
    assert Membership.objects.get(user=user, blog=blog).role == "editor"


@pytest.mark.django_db
def test_createuser_refuses_a_weak_password_and_creates_nobody():
    with pytest.raises(CommandError, match="password refused"):
        _run("createuser", "weak", "--password-stdin", stdin="123\n")
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_createuser_refuses_an_unknown_blog(make):
    with pytest.raises(CommandError, match="no live blog called 'nope'"):
        _run("createuser", "x", "--blog", "nope", "--password-stdin", stdin="pw\n")


@pytest.mark.django_db
def test_token_prints_a_token_whose_hash_alone_is_stored(make):
    user = make.user("bot")
    raw = _run("token", "bot", "--name", "ingest", "--scope", "read").strip()
    token = ApiToken.objects.get(user=user)
    assert raw.startswith("blt_")
    assert token.token_hash == hash_token(raw)
    assert raw not in token.token_hash
    assert token.scopes == ["read"]


@pytest.mark.django_db
def test_demo_seeds_a_multi_day_blog_once_and_keeps_data_on_rerun(tmp_path: Path):
    credentials = tmp_path / "admin-password.txt"
    first = seed(credentials)
    assert first.created
    blog = LiveBlog.objects.get(slug=DEMO_BLOG.slug)
    assert blog.status == "live"
    entries = Entry.objects.filter(blog=blog, status="published")
    assert entries.count() == len(DEMO_BLOG.entries)
    days = {entry.display_at.date() for entry in entries if entry.display_at}
    assert len(days) >= 3
    assert blog.key_points.count() == len(DEMO_BLOG.key_points)
    assert blog.pinned_entry is not None
    assert first.admin_password is not None
    assert User.objects.get(username="admin").check_password(first.admin_password)
    assert oct(credentials.stat().st_mode & 0o777) == "0o600"
    changes = Change.objects.filter(blog=blog).count()

    second = seed(credentials)
    assert not second.created
    assert second.admin_password == first.admin_password
    assert Change.objects.filter(blog=blog).count() == changes


def test_serve_refuses_zero_workers():
    env = {k: v for k, v in os.environ.items()}
    result = subprocess.run(
        [sys.executable, "-m", "bulletin.cli", "serve", "--workers", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "--workers must be at least 1, got 0" in result.stderr


def test_check_deploy_fails_in_development_mode():
    env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_MODE")}
    result = subprocess.run(
        [sys.executable, "-m", "bulletin.cli", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "bulletin.E001" in result.stderr


@pytest.mark.django_db
def test_a_demo_seeded_early_in_the_day_has_no_entry_in_the_future(tmp_path: Path):
    from datetime import UTC, datetime, timedelta

    morning = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    seed(tmp_path / "pw.txt", now=morning)
    latest = Entry.objects.filter(blog__slug=DEMO_BLOG.slug).order_by("-display_at")[0]
    assert latest.display_at is not None
    assert latest.display_at <= morning - timedelta(minutes=5)


def test_migrate_creates_the_sqlite_file_readable_by_its_owner_only(tmp_path: Path):
    database = tmp_path / "var" / "bulletin.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
    env.update(BULLETIN_DATABASE_URL=f"sqlite:///{database}", BULLETIN_DATA_DIR=str(tmp_path))

    result = subprocess.run(
        [sys.executable, "-m", "bulletin.cli", "migrate", "--no-input"],
        env=env,
        umask=0o022,  # the usual umask, under which SQLite makes its file world-readable
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    modes = {path.name: oct(path.stat().st_mode & 0o777) for path in database.parent.iterdir()}
    assert modes[database.name] == "0o600"
    assert set(modes.values()) == {"0o600"}  # its -wal and -shm files, when left, too


def test_serve_refuses_a_port_out_of_range():
    with pytest.raises(CommandError, match="--port must be between 0 and 65535, got 70000"):
        call_command("serve", "--port", "70000")


@pytest.mark.django_db
def test_demo_names_the_site_address_in_every_line(settings, tmp_path: Path):
    # make serve PORT=8123 sets BULLETIN_SITE_URL to the address it serves on.
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = "http://127.0.0.1:8123"
    output = _run("demo")
    addresses = re.findall(r"https?://[^\s/]+", output)
    assert addresses == ["http://127.0.0.1:8123"] * 4  # blog, desk, admin, API docs
