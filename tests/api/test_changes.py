"""The public change feed: GET /api/v1/blogs/{slug}/changes?since=N."""

from __future__ import annotations

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Change, LiveBlog
from tests.api.support import error_of, json_of


def _seq(blog: LiveBlog) -> int:
    return LiveBlog.objects.values_list("seq", flat=True).get(pk=blog.pk)


def test_the_feed_gives_exactly_the_public_changes_after_since_in_order(desk, make, anonymous):
    since = _seq(desk.blog)
    first = make.entry(desk.blog, headline="Ferries suspended")
    make.entry(desk.blog, headline="Unchecked rumour", status="draft")
    make.entry(desk.blog, headline="Waiting for review", status="submitted")
    services.update_entry(desk.owner, first, EntryFields(headline="Ferries suspended all day"))
    second = make.entry(desk.blog, headline="Quay closed")
    services.set_key_points(desk.owner, desk.blog, ["Ferries suspended"])

    feed = json_of(anonymous.get(f"{desk.path}/changes?since={since}"))

    current = list(
        Change.objects.filter(blog=desk.blog, seq__gt=since, public=True, redacted=False)
        .order_by("seq")
        .values_list("seq", "kind", "entry_id")
    )
    got = [(change["seq"], change["kind"], change["entry_id"]) for change in feed["changes"]]
    assert got == current
    # The present only: the first entry once, as edited (its first version was superseded).
    assert [(kind, entry_id) for _seq_, kind, entry_id in got] == [
        ("entry", first.pk),
        ("entry", second.pk),
        ("blog", None),
    ]
    assert feed["changes"][0]["data"]["entry"]["headline"] == "Ferries suspended all day"
    assert '"Ferries suspended"' not in str(feed["changes"][0])
    assert "Unchecked rumour" not in str(feed)
    assert "Waiting for review" not in str(feed)
    assert feed["seq"] == _seq(desk.blog)
    assert (feed["blog"], feed["reset"], feed["more"]) == (desk.blog.slug, False, False)


def test_the_feed_from_its_own_seq_is_empty(desk, anonymous):
    seq = _seq(desk.blog)

    feed = json_of(anonymous.get(f"{desk.path}/changes?since={seq}"))

    assert feed["changes"] == []
    assert feed["seq"] == seq
    assert feed["reset"] is False


def test_the_etag_is_the_seq_and_if_none_match_answers_304(desk, make, anonymous):
    make.entry(desk.blog)
    seq = _seq(desk.blog)
    path = f"{desk.path}/changes?since=0"

    response = anonymous.get(path)
    not_modified = anonymous.get(path, if_none_match=f'"{seq}"')

    assert response.status_code == 200
    assert response["ETag"] == f'"{seq}"'
    assert response["Cache-Control"].startswith("public, max-age=1")
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == f'"{seq}"'
    assert not_modified["Cache-Control"].startswith("public, max-age=1")


def test_an_old_etag_gets_the_new_changes(desk, make, anonymous):
    old = _seq(desk.blog)
    make.entry(desk.blog)

    response = anonymous.get(f"{desk.path}/changes?since={old}", if_none_match=f'"{old}"')

    assert json_of(response)["changes"][0]["seq"] == old + 1


def test_a_since_ahead_of_the_blog_asks_the_reader_to_reload(desk, anonymous):
    seq = _seq(desk.blog)

    feed = json_of(anonymous.get(f"{desk.path}/changes?since={seq + 100}"))

    assert feed["reset"] is True
    assert feed["changes"] == []
    assert feed["seq"] == seq


def test_a_deleted_entry_appears_as_a_delete_with_its_id(desk, make, anonymous):
    entry = make.entry(desk.blog, headline="Retracted claim")
    since = _seq(desk.blog)
    assert desk.api.delete(f"{desk.path}/entries/{entry.pk}").status_code == 204

    feed = json_of(anonymous.get(f"{desk.path}/changes?since={since}"))

    assert len(feed["changes"]) == 1
    change = feed["changes"][0]
    assert (change["kind"], change["entry_id"], change["data"]["id"]) == (
        "delete",
        entry.pk,
        entry.pk,
    )
    assert "Retracted claim" not in str(change)


def test_a_draft_blogs_feed_is_not_found_for_readers(make, api_as, anonymous):
    blog = make.blog(live=False)
    path = f"/blogs/{blog.slug}/changes"

    assert error_of(anonymous.get(path), 404)["code"] == "not_found"
    assert json_of(api_as(make.owner_of(blog)).get(path))["blog"] == blog.slug
