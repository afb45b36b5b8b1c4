from django.apps import AppConfig


class ExtractConfig(AppConfig):
    name = "bulletin.extract"
    label = "extract"
    verbose_name = "Quotes and topics"
