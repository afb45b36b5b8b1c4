from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "bulletin.desk"
    label = "desk"
    verbose_name = "Editors' desk"
