from django.contrib import admin
from django.urls import include, path, re_path

from bulletin.api.routes import api
from bulletin.reader.views import media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("desk/", include("bulletin.accounts.urls")),
    path("desk/", include("bulletin.desk.urls")),
    path("desk/", include("bulletin.extract.urls")),  # builds on the desk: mounted apart
    path("", include("bulletin.reader.urls")),
    re_path(r"^media/(?P<path>.+)$", media, name="media"),
]
