"""Shared fixtures: small factories, and the rule that CI never skips a missing service.

The suite runs once on SQLite and once on PostgreSQL (``make test`` sets
``BULLETIN_DATABASE_URL`` for the second pass); tests that need Redis or Chromium ask for
them through :func:`require_service`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.factories import Factory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(name: str, available: Callable[[], bool], how_to_start: str) -> None:
    """Skip locally, fail under CI=true, when a real service a test needs is not there."""
    if available():
        return
    message = f"{name} is not reachable: {how_to_start}"
    if IN_CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def database_vendor() -> str:
    return connection.vendor


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> None:
    """Give each pytest process its own test database, so that runs can overlap."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    suffix = f"_{os.getpid()}"
    if database["ENGINE"].endswith("sqlite3"):
        test["NAME"] = test["NAME"].replace(".sqlite3", f"{suffix}.sqlite3")
    else:
        test["NAME"] = f"test_{database['NAME']}{suffix}"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Uploads land in the test's own folder, never in the data directory (var/media)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_page_cache() -> None:
    """Rendered pages are kept per process by (blog id, seq): ids repeat between tests."""
    from bulletin.reader.cache import pages

    cache = pages()
    with cache._lock:
        cache._pages.clear()
        cache._heads.clear()


@pytest.fixture(autouse=True)
def _empty_desk_cards() -> None:
    """Desk cards are kept per process by entry id and version: ids repeat between tests."""
    from bulletin.desk.cards import forget_all

    forget_all()


@pytest.fixture
def make(db: None) -> Factory:
    """Builders for users, blogs and entries (see tests/factories.py)."""
    return Factory()


def pytest_sessionstart(session: pytest.Session) -> None:
    """On the PostgreSQL pass, stop at once (failing under CI) when PostgreSQL is not there."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("postgresql"):
        return
    import psycopg

    try:
        psycopg.connect(
            host=database["HOST"] or "127.0.0.1",
            port=database["PORT"] or 5432,
            user=database["USER"],
            password=database["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL is not reachable at {database['HOST']}:{database['PORT']}: {exc}"
        if IN_CI:
            pytest.exit(f"CI=true and {reason}", returncode=1)
        pytest.exit(f"{reason}; skipping the PostgreSQL pass", returncode=0)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked postgres_only belong to the PostgreSQL pass: leave them out of the other."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    keep = [item for item in items if "postgres_only" not in item.keywords]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep
