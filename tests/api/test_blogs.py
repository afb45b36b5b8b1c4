"""Blogs over API v1: list, create, read, update, and the draft → live → ended → archived path."""

from __future__ import annotations

from bulletin.accounts.models import Membership, Role
from bulletin.blogs.models import Change, ChangeKind, LiveBlog
from tests.api.support import error_of, json_of, writes_nothing


def test_listing_shows_public_blogs_to_everyone_and_drafts_only_to_their_members(
    make, api_as, anonymous
):
    live = make.blog(title="Election night Live Updates")
    draft = make.blog(live=False, title="Budget day Live Updates")
    member = make.owner_of(draft)

    seen_by_reader = {blog["slug"] for blog in json_of(anonymous.get("/blogs"))["items"]}
    seen_by_member = {blog["slug"] for blog in json_of(api_as(member).get("/blogs"))["items"]}
    seen_by_stranger = {
        blog["slug"] for blog in json_of(api_as(make.user()).get("/blogs"))["items"]
    }

    assert seen_by_reader == {live.slug}
    assert seen_by_member == {live.slug, draft.slug}
    assert seen_by_stranger == {live.slug}


def test_creating_a_blog_makes_a_draft_that_the_caller_owns(make, api_as):
    editor = make.staff()

    response = api_as(editor).post(
        "/blogs",
        {
            "slug": "harbour-storm",
            "title": "Harbour storm: Live Updates",
            "description": "Gales close the harbour.",
            "timezone": "Europe/London",
            "order": "oldest_first",
        },
    )

    blog = json_of(response, 201)
    assert blog["slug"] == "harbour-storm"
    assert blog["status"] == "draft"
    assert blog["order"] == "oldest_first"
    assert blog["timezone"] == "Europe/London"
    assert blog["url"] == "/live/harbour-storm"
    assert blog["seq"] == 1
    stored = LiveBlog.objects.get(slug="harbour-storm")
    assert Membership.objects.get(blog=stored).user == editor
    assert Membership.objects.get(blog=stored).role == Role.OWNER
    assert list(Change.objects.filter(blog=stored).values_list("seq", "kind")) == [
        (1, ChangeKind.BLOG)
    ]


def test_reading_a_blog_gives_its_header_with_key_points_and_seq(desk, anonymous):
    blog = json_of(anonymous.get(desk.path))

    assert blog["id"] == desk.blog.pk
    assert blog["title"] == "Harbour storm Live Updates"
    assert blog["status"] == "live"
    assert blog["key_points"] == []
    assert blog["pinned_entry_id"] is None
    assert blog["seq"] == LiveBlog.objects.get(pk=desk.blog.pk).seq


def test_patch_changes_only_the_fields_sent(make, api_as):
    blog = make.blog(
        description="Gales close the harbour.",
        language="de",
        timezone="Europe/Berlin",
        order="oldest_first",
    )
    api = api_as(make.owner_of(blog))
    seq = blog.seq

    updated = json_of(api.patch(f"/blogs/{blog.slug}", {"title": "Harbour storm, day two"}))

    assert updated["title"] == "Harbour storm, day two"
    assert updated["description"] == "Gales close the harbour."
    assert updated["language"] == "de"
    assert updated["timezone"] == "Europe/Berlin"
    assert updated["order"] == "oldest_first"
    assert updated["slug"] == blog.slug
    assert updated["status"] == "live"
    assert updated["seq"] == seq + 1
    stored = LiveBlog.objects.get(pk=blog.pk)
    assert (stored.title, stored.language, stored.timezone, stored.order) == (
        "Harbour storm, day two",
        "de",
        "Europe/Berlin",
        "oldest_first",
    )


def test_patching_the_slug_moves_the_blog_to_its_new_address(desk, anonymous):
    json_of(desk.api.patch(desk.path, {"slug": "harbour-storm-day-two"}))

    assert json_of(anonymous.get("/blogs/harbour-storm-day-two"))["id"] == desk.blog.pk
    assert error_of(anonymous.get(desk.path), 404)["code"] == "not_found"


def test_a_blog_goes_live_ends_and_is_archived(make, api_as, anonymous):
    blog = make.blog(live=False)
    api = api_as(make.owner_of(blog))
    path = f"/blogs/{blog.slug}"
    assert anonymous.get(path).status_code == 404

    live = json_of(api.post(f"{path}/live"))
    assert live["status"] == "live"
    assert live["coverage_start"] is not None
    assert live["coverage_end"] is None
    assert json_of(anonymous.get(path))["status"] == "live"

    ended = json_of(api.post(f"{path}/end"))
    assert ended["status"] == "ended"
    assert ended["coverage_end"] is not None
    assert Change.objects.filter(blog=blog, kind=ChangeKind.END).count() == 1

    archived = json_of(api.post(f"{path}/archive"))
    assert archived["status"] == "archived"
    assert json_of(anonymous.get(path))["status"] == "archived"
    assert LiveBlog.objects.get(pk=blog.pk).status == "archived"


def test_ended_coverage_can_be_reopened(desk):
    json_of(desk.api.post(f"{desk.path}/end"))

    reopened = json_of(desk.api.post(f"{desk.path}/live"))

    assert reopened["status"] == "live"
    assert reopened["coverage_end"] is None


def test_a_status_change_out_of_order_is_refused_and_changes_nothing(desk):
    with writes_nothing():
        archive = error_of(desk.api.post(f"{desk.path}/archive"), 409)
        live_again = error_of(desk.api.post(f"{desk.path}/live"), 409)

    assert archive["code"] == "invalid_state"
    assert "it is live" in archive["message"]
    assert live_again["code"] == "invalid_state"
