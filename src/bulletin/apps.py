from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(using: str = "default", **kwargs: Any) -> None:
    # The shared cache may live in the database: `migrate` makes its table, as it makes
    # every other. Django sends this once per app with models (this app has none), and
    # createcachetable leaves an existing table, and caches that are not tables, alone.
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class BulletinConfig(AppConfig):
    """The project itself: its CLI commands and its system checks."""

    name = "bulletin"
    label = "bulletin"
    verbose_name = "Bulletin"

    def ready(self) -> None:
        from bulletin import checks  # noqa: F401  (registers the checks)

        post_migrate.connect(_create_cache_table, dispatch_uid="bulletin-cache-table")

        from bulletin.blogs.events import entry_removed
        from bulletin.purge import purge_removed

        # A CDN in front drops its copies of a removed entry (off unless purge URLs are set).
        entry_removed.connect(purge_removed, dispatch_uid="bulletin.purge")
