"""The desk's pages and form actions, all under /desk/."""

from django.urls import path

from bulletin.desk.views import blogs, entries, live, takedown

urlpatterns = [
    path("", blogs.blog_list, name="desk"),
    path("new", blogs.blog_create, name="desk-new-blog"),
    path("<slug:slug>/", entries.desk_home, name="desk-blog"),
    path("<slug:slug>/panels", entries.desk_panels),
    path("<slug:slug>/events", live.desk_events),
    path("<slug:slug>/settings", blogs.blog_settings, name="desk-settings"),
    path("<slug:slug>/status/<str:change>", blogs.blog_status),
    path("<slug:slug>/key-points", blogs.key_points),
    path("<slug:slug>/members", blogs.members, name="desk-members"),
    path("<slug:slug>/activity", blogs.activity, name="desk-activity"),
    path("<slug:slug>/entries", entries.compose),
    path("<slug:slug>/preview", entries.preview),
    path("<slug:slug>/images", entries.upload_image),
    path("<slug:slug>/entries/<int:entry_id>/edit", entries.edit_entry, name="desk-edit"),
    path("<slug:slug>/entries/<int:entry_id>/history", entries.history, name="desk-history"),
    path("<slug:slug>/entries/<int:entry_id>/editing", entries.editing),
    # Before the one-button actions below, which would take "takedown" for one of theirs.
    path("<slug:slug>/entries/<int:entry_id>/takedown", takedown.takedown, name="desk-takedown"),
    path("<slug:slug>/entries/<int:entry_id>/<str:action>", entries.entry_action),
]
