"""The desk's pages and form actions, all under /desk/."""

from django.urls import include, path

from bulletin.desk.views import blogs, contributors, drafts, entries, live, takedown

urlpatterns = [
    path("", blogs.blog_list, name="desk"),
    path("new", blogs.blog_create, name="desk-new-blog"),
    path("<slug:slug>/", entries.desk_home, name="desk-blog"),
    path("<slug:slug>/panels", entries.desk_panels, name="desk-panels"),
    path("<slug:slug>/events", live.desk_events, name="desk-events"),
    path("<slug:slug>/settings", blogs.blog_settings, name="desk-settings"),
    path("<slug:slug>/status/<str:change>", blogs.blog_status, name="desk-status"),
    path("<slug:slug>/key-points", blogs.key_points, name="desk-key-points"),
    path("<slug:slug>/members", blogs.members, name="desk-members"),
    path("<slug:slug>/contributors", contributors.contributors, name="desk-contributors"),
    path("<slug:slug>/activity", blogs.activity, name="desk-activity"),
    path("<slug:slug>/entries", entries.compose, name="desk-compose"),
    path("<slug:slug>/bulk", entries.bulk, name="desk-bulk"),
    path("<slug:slug>/preview", entries.preview, name="desk-preview"),
    path("<slug:slug>/images", entries.upload_image, name="desk-images"),
    path("<slug:slug>/drafts/<int:author_id>", drafts.draft, name="desk-draft"),
    path("<slug:slug>/entries/<int:entry_id>/edit", entries.edit_entry, name="desk-edit"),
    path("<slug:slug>/entries/<int:entry_id>/history", entries.history, name="desk-history"),
    path("<slug:slug>/entries/<int:entry_id>/editing", entries.editing, name="desk-editing"),
    path(
        "<slug:slug>/entries/<int:entry_id>/drafts/<int:author_id>",
        drafts.edit_draft,
        name="desk-edit-draft",
    ),
    path(
        "<slug:slug>/entries/<int:entry_id>/drafts/<int:author_id>/discard",
        drafts.discard_edit_draft,
        name="desk-edit-draft-discard",
    ),
    path("<slug:slug>/assist/", include("bulletin.assist.urls")),
    # Before the one-button actions below, which would take "takedown" for one of theirs.
    path("<slug:slug>/entries/<int:entry_id>/takedown", takedown.takedown, name="desk-takedown"),
    path(
        "<slug:slug>/entries/<int:entry_id>/<str:action>",
        entries.entry_action,
        name="desk-entry-action",
    ),
]
