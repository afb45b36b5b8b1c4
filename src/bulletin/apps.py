from django.apps import AppConfig


class BulletinConfig(AppConfig):
    """The project itself: its CLI commands and its system checks."""

    name = "bulletin"
    label = "bulletin"
    verbose_name = "Bulletin"

    def ready(self) -> None:
        from bulletin import checks  # noqa: F401  (registers the checks)
