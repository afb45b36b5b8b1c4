"""What Bulletin reads out of published entries: who said what, and what entries are about."""

from django.apps import AppConfig


class ExtractConfig(AppConfig):
    name = "bulletin.extract"
    label = "extract"
    verbose_name = "Quotes and topics"

    def ready(self) -> None:
        from bulletin.blogs import events, rendering
        from bulletin.extract.queries import entry_attributes
        from bulletin.extract.store import on_blog_imported, on_entry_written

        # Computed on write, in the writer's transaction, before the entry is rendered.
        events.entry_written.connect(on_entry_written, dispatch_uid="extract.store")
        events.blog_imported.connect(on_blog_imported, dispatch_uid="extract.store")
        if entry_attributes not in rendering.entry_attributes:
            rendering.entry_attributes.append(entry_attributes)
