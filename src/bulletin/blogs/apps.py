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
