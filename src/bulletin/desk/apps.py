from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "bulletin.desk"
    label = "desk"
    verbose_name = "Editors' desk"

    def ready(self) -> None:
        from bulletin.blogs import events
        from bulletin.desk.drafts import on_entry_written

        events.entry_written.connect(on_entry_written, dispatch_uid="desk.drafts")
