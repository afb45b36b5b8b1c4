"""The key points box over API v1: read it, replace it whole, keep its order, cap its length."""

from __future__ import annotations

from bulletin.blogs.models import MAX_KEY_POINTS, Change, ChangeKind, KeyPoint, LiveBlog
from tests.api.support import error_of, json_of, writes_nothing


def test_a_new_blog_has_no_key_points(desk, anonymous):
    box = json_of(anonymous.get(f"{desk.path}/key-points"))

    assert box == {"key_points": [], "seq": LiveBlog.objects.get(pk=desk.blog.pk).seq}


def test_putting_key_points_replaces_the_box_in_the_order_given(desk, make, anonymous):
    entry = make.entry(desk.blog, headline="Ferries suspended")
    path = f"{desk.path}/key-points"
    json_of(desk.api.put(path, {"key_points": [{"text": "Old point"}]}))
    seq = LiveBlog.objects.get(pk=desk.blog.pk).seq
    points = [
        {"text": "Quay closed", "entry_id": None},
        {"text": "Ferries suspended", "entry_id": entry.pk},
        {"text": "Schools shut early", "entry_id": None},
    ]

    replaced = json_of(desk.api.put(path, {"key_points": points}))

    assert replaced == {"key_points": points, "seq": seq + 1}
    assert json_of(anonymous.get(path))["key_points"] == points
    assert json_of(anonymous.get(desk.path))["key_points"] == points
    assert list(KeyPoint.objects.filter(blog=desk.blog).values_list("text", flat=True)) == [
        "Quay closed",
        "Ferries suspended",
        "Schools shut early",
    ]
    assert Change.objects.get(blog=desk.blog, seq=seq + 1).kind == ChangeKind.BLOG


def test_putting_an_empty_list_clears_the_box(desk):
    path = f"{desk.path}/key-points"
    json_of(desk.api.put(path, {"key_points": [{"text": "Quay closed"}]}))

    assert json_of(desk.api.put(path, {"key_points": []}))["key_points"] == []
    assert not KeyPoint.objects.filter(blog=desk.blog).exists()


def test_twelve_key_points_fit_and_a_thirteenth_is_refused(desk):
    path = f"{desk.path}/key-points"
    twelve = [{"text": f"Point {n}", "entry_id": None} for n in range(MAX_KEY_POINTS)]
    assert json_of(desk.api.put(path, {"key_points": twelve}))["key_points"] == twelve

    with writes_nothing():
        error = error_of(
            desk.api.put(path, {"key_points": [*twelve, {"text": "One too many"}]}), 400
        )

    assert error["code"] == "validation_error"
    assert error["fields"] == {"key_points": "must hold at most 12 points, got 13"}


def test_a_key_point_may_not_link_to_a_draft(desk, make):
    draft = make.entry(desk.blog, status="draft")

    with writes_nothing():
        error = error_of(
            desk.api.put(
                f"{desk.path}/key-points",
                {"key_points": [{"text": "Rumour", "entry_id": draft.pk}]},
            ),
            400,
        )

    assert "published entries" in error["message"]


def test_an_empty_key_point_is_refused(desk):
    with writes_nothing():
        error = error_of(
            desk.api.put(f"{desk.path}/key-points", {"key_points": [{"text": "  "}]}), 400
        )

    assert error["fields"] == {"key_points[0].text": "must not be empty"}
