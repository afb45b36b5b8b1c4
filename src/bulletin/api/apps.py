from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bulletin.api"
    label = "api"
    verbose_name = "JSON API"
