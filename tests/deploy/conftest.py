"""The deployment tests run real servers, like the realtime tests: share their fixtures."""

from tests.realtime.conftest import newsroom, serve

__all__ = ["newsroom", "serve"]
