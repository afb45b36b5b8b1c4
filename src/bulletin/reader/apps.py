from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "bulletin.reader"
    label = "reader"
    verbose_name = "Reader pages"
