from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "bulletin.reader"
    label = "reader"
    verbose_name = "Reader pages"

    def ready(self) -> None:
        from bulletin.blogs.events import change_committed
        from bulletin.reader.cache import forget_committed_change

        change_committed.connect(forget_committed_change, dispatch_uid="bulletin.reader")
        change_committed.connect(_forget_home, dispatch_uid="bulletin.reader.home")


def _forget_home(sender: object, **_kwargs: object) -> None:
    from bulletin.reader import home

    home.forget()
