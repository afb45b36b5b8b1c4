from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "bulletin.realtime"
    label = "realtime"
    verbose_name = "Realtime delivery"

    def ready(self) -> None:
        from bulletin.blogs.events import change_committed
        from bulletin.realtime.runtime import publish_committed_change

        change_committed.connect(publish_committed_change, dispatch_uid="bulletin.realtime")
