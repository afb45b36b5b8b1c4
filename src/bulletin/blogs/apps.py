from django.apps import AppConfig


class BlogsConfig(AppConfig):
    name = "bulletin.blogs"
    label = "blogs"
    verbose_name = "Live blogs"

    def ready(self) -> None:
        from bulletin.blogs.events import change_committed, entry_removed
        from bulletin.blogs.withheld import on_change_committed, on_entry_removed

        # Images of entries that left the public stream stop being served; published again,
        # they come back.
        entry_removed.connect(on_entry_removed, dispatch_uid="bulletin.blogs.withheld")
        change_committed.connect(on_change_committed, dispatch_uid="bulletin.blogs.withheld")

        # Full-text search (blogs/search.py): SQLite's index triggers call a function each
        # connection registers, and a later migration that rebuilds the entry table drops them.
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from bulletin.blogs.search import ensure_index_after_migrate, register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="bulletin.search")
        post_migrate.connect(
            ensure_index_after_migrate, sender=self, dispatch_uid="bulletin.search"
        )
