"""The assistant's desk endpoints, under /desk/<slug>/assist/ (included by bulletin.desk.urls)."""

from django.urls import path

from bulletin.assist import views

urlpatterns = [
    path("similar", views.similar, name="desk-assist-similar"),
    path("key-points/<str:key>/accept", views.accept, name="desk-assist-accept"),
    path("key-points/<str:key>/dismiss", views.dismiss, name="desk-assist-dismiss"),
]
