from django.apps import AppConfig


class AssistConfig(AppConfig):
    name = "bulletin.assist"
    label = "assist"
    verbose_name = "Desk assistance"
