"""Shared fixtures: small factories, and the rule that CI never skips a missing service.

The whole suite runs on SQLite; ``make test`` then runs the tests marked ``db_sensitive`` again
on PostgreSQL (``BULLETIN_DATABASE_URL`` set, ``-m db_sensitive``). Both passes run in parallel
under pytest-xdist: every worker process has its own test database, media folders and data
folder, and every server a test starts takes a free port. Tests that need Redis or Chromium
ask for them through :func:`require_service`.

**Which tests are database-sensitive.** A test is, when its outcome could differ between SQLite
and PostgreSQL: it writes through the services, the API or the desk and checks what was stored
or refused (transactions, locks, constraints, the change log's seq); it races writers; it reads
the change log through a server; it stores hostile text (PostgreSQL refuses NUL bytes, compares
and limits text differently); or it exercises a piece that talks to the database itself
(brokers, outages, migrations, counts kept in the database cache). Pages and markup read from
ordinary rows, browsers, nginx and deployment files, benchmarks, docs and pure functions are
not, nor are tables of who may do what (one permission function decides, on any engine): they
run once, on SQLite. A new test file is marked by its place: in a folder listed in
:data:`DB_SENSITIVE` below it is database-sensitive unless listed in :data:`ENGINE_INDEPENDENT`;
elsewhere, add the module to :data:`DB_SENSITIVE` when it belongs there (or write
``pytestmark = pytest.mark.db_sensitive`` in it). ``postgres`` and ``postgres_only`` tests are
database-sensitive by definition.
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
    """Uploads and withheld files land in the test's own folder, never in the data directory
    (var/), which every worker process would share."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WITHHELD_MEDIA_ROOT = tmp_path / "withheld-media"


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


# Folders (ending in /) and modules whose tests are database-sensitive: see the module docstring.
DB_SENSITIVE = (
    "tests/accounts/",  # roles, tokens, sign-in lockouts, invitations: rows written and counted
    "tests/api/",  # every write of the API, and what a refused one leaves behind
    "tests/blogs/test_bylines.py",  # contributor profiles through export, import and edits
    "tests/blogs/test_concurrency.py",
    "tests/blogs/test_media.py",
    "tests/blogs/test_portability.py",
    "tests/blogs/test_post_cards.py",  # embeds written through the API, desk, import, takedown
    "tests/blogs/test_search.py",  # FTS5 and tsvector: each engine's own full-text search
    "tests/blogs/test_services.py",
    "tests/blogs/test_withheld_media.py",
    "tests/desk/",  # the desk's writes, and its stream read from the change log
    "tests/integrity/",
    "tests/reader/test_hostile_text.py",
    "tests/reader/test_home.py",  # the index's fingerprint: an aggregate over the blogs
    "tests/realtime/test_brokers.py",
    "tests/realtime/test_faults.py",
    "tests/realtime/test_operations.py",  # /readyz asks the database
    "tests/realtime/test_stream.py",  # catching up from the change log
    "tests/security/test_fuzz_api.py",
    "tests/security/test_hostile_api.py",
    "tests/security/test_hostile_desk.py",
    "tests/security/test_stateful_api.py",
    "tests/test_cli_portability.py",
    "tests/test_migrations.py",
    "tests/test_purge.py",  # purges follow commits
    "tests/test_ratelimit.py",  # the shared counts live in the database cache table
)
# Modules inside those folders that are not: who-may-do-what tables (one permission function,
# the same on every engine; the writes they allow are the services' and the API's, tested
# above), the CSRF check (refused before any view), and the API's schema document.
ENGINE_INDEPENDENT = (
    "tests/accounts/test_permissions.py",
    "tests/api/test_openapi.py",
    "tests/api/test_roles.py",
    "tests/desk/test_csrf.py",
    "tests/desk/test_roles.py",
)
# Database-sensitive by definition.
POSTGRES_MARKERS = ("postgres", "postgres_only")


def is_db_sensitive(item: pytest.Item) -> bool:
    if any(item.get_closest_marker(name) for name in ("db_sensitive", *POSTGRES_MARKERS)):
        return True
    path = item.path.relative_to(item.config.rootpath).as_posix()
    return path.startswith(DB_SENSITIVE) and not path.startswith(ENGINE_INDEPENDENT)


# First, so that ``-m db_sensitive`` (applied by pytest's own hook) sees the marks.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the database-sensitive tests; leave postgres_only ones out of the SQLite pass."""
    from django.conf import settings

    for item in items:
        if is_db_sensitive(item):
            item.add_marker(pytest.mark.db_sensitive)

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    keep = [item for item in items if "postgres_only" not in item.keywords]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep
