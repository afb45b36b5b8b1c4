"""What the cluster and CDN tests share: they bring their own databases."""

from __future__ import annotations

import pytest
from django.conf import settings


def _postgres_pass() -> bool:
    return bool(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"))


# They start servers with databases of their own (PostgreSQL in the cluster's data node,
# SQLite behind the CDN): running them again in the suite's PostgreSQL pass adds nothing.
sqlite_pass_only = pytest.mark.skipif(
    _postgres_pass(), reason="runs in the SQLite pass of the suite only"
)
