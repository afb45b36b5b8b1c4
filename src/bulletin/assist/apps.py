"""Help for the desk that a person approves: repeat warnings and suggested key points."""

from django.apps import AppConfig


class AssistConfig(AppConfig):
    name = "bulletin.assist"
    label = "assist"
    verbose_name = "Desk assistance"

    def ready(self) -> None:
        from bulletin.assist.prints import entry_written
        from bulletin.blogs import events

        # Computed on write, in the writer's transaction (docs/assist.md).
        events.entry_written.connect(entry_written, dispatch_uid="assist.prints")
