from django.urls import path

from bulletin.reader import views

app_name = "reader"

urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico on pages that name no icon (the API's, the admin's).
    path("favicon.ico", views.favicon, name="favicon"),
    path("live/<slug:slug>", views.live_page, name="live"),
    path("live/<slug:slug>/e/<int:entry_id>", views.entry_page, name="entry"),
    path("live/<slug:slug>/embed", views.embed_page, name="embed"),
    path("live/<slug:slug>/catch-up", views.catch_up, name="catch-up"),
    path("live/<slug:slug>/feed.atom", views.feed, {"kind": "atom"}, name="feed-atom"),
    path("live/<slug:slug>/feed.rss", views.feed, {"kind": "rss"}, name="feed-rss"),
    path("live/<slug:slug>/feed.json", views.feed, {"kind": "json"}, name="feed-json"),
    # The realtime edge (realtime/edge.py) answers these two before Django sees them; they are
    # named here so pages reverse() them like any other (tests/test_url_names.py checks that
    # the edge matches what reverse() gives).
    path("live/<slug:slug>/events", views.answered_by_edge, name="events"),
    path("live/<slug:slug>/changes", views.answered_by_edge, name="changes"),
]
