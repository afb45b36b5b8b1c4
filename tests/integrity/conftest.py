"""The realtime tests' newsroom and servers, for integrity tests that read through a server."""

from tests.realtime.conftest import _close_clients, newsroom, serve

__all__ = ["_close_clients", "newsroom", "serve"]
