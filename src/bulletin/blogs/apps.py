from django.apps import AppConfig


class BlogsConfig(AppConfig):
    name = "bulletin.blogs"
    label = "blogs"
    verbose_name = "Live blogs"
