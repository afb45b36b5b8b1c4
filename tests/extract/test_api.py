"""GET /api/v1/blogs/{slug}/quotes and …/topics: shapes, who may read them, and what never
shows (rejected quotes, hidden topics)."""

from __future__ import annotations

import pytest
from django.test import Client

from bulletin.extract import services
from bulletin.extract.models import Quote, Topic
from tests.api.support import Api, error_of, json_of

pytestmark = pytest.mark.django_db

BODY = (
    "<p>Victoria Nuland met Nato envoys in Brussels.</p>"
    "<p>“The door is open,” Nuland said.</p>"
    "<p>“We will not waver,” said John Kirby.</p>"
)


@pytest.fixture
def published(room):
    return room.publish(BODY)


def _owner_api(room) -> Api:
    return Api(Client(), room.make.token(room.owner))


def test_members_read_quotes_in_the_documented_shape_before_readers_may(room, published):
    body = json_of(_owner_api(room).get(f"/blogs/{room.blog.slug}/quotes"))
    assert body == {
        "quotes": [
            {"speaker": "Victoria Nuland", "text": "The door is open", "entry_id": published.pk},
            {"speaker": "John Kirby", "text": "We will not waver", "entry_id": published.pk},
        ]
    }


def test_members_read_topics_in_the_documented_shape(room, published):
    body = json_of(_owner_api(room).get(f"/blogs/{room.blog.slug}/topics"))
    assert set(body) == {"topics"}
    assert {"label": "NATO", "entry_ids": [published.pk]} in body["topics"]
    assert all(set(topic) == {"label", "entry_ids"} for topic in body["topics"])


@pytest.mark.parametrize("what", ["quotes", "topics"])
def test_readers_are_refused_until_an_editor_switches_it_on(room, published, what):
    path = f"/blogs/{room.blog.slug}/{what}"
    error = error_of(Api(Client()).get(path), 401)
    assert error["code"] == "not_authenticated"
    assert "switches them on" in error["message"] or "editor shows them" in error["message"]
    stranger = room.make.user()
    error = error_of(Api(Client(), room.make.token(stranger)).get(path), 403)
    assert error["code"] == "permission_denied"

    services.set_switches(room.owner, room.blog, **{what: True})

    assert json_of(Api(Client()).get(path))[what]


def test_a_contributor_reads_them_as_a_member(room, published):
    contributor = room.make.member(room.blog, "contributor")
    api = Api(Client(), room.make.token(contributor))
    assert json_of(api.get(f"/blogs/{room.blog.slug}/quotes"))["quotes"]


def test_rejected_quotes_and_fixed_speakers_as_readers_see_them(room, published):
    services.set_switches(room.owner, room.blog, quotes=True)
    nuland, kirby = Quote.objects.order_by("position")
    services.reject_quote(room.owner, room.blog, nuland.pk)
    services.fix_speaker(room.owner, room.blog, kirby.pk, "Adm. John Kirby")

    quotes = json_of(Api(Client()).get(f"/blogs/{room.blog.slug}/quotes"))["quotes"]

    assert quotes == [
        {"speaker": "Adm. John Kirby", "text": "We will not waver", "entry_id": published.pk}
    ]


def test_speaker_filter(room, published):
    services.set_switches(room.owner, room.blog, quotes=True)
    quotes = json_of(Api(Client()).get(f"/blogs/{room.blog.slug}/quotes?speaker=John%20Kirby"))[
        "quotes"
    ]
    assert [quote["speaker"] for quote in quotes] == ["John Kirby"]
    error = error_of(Api(Client()).get(f"/blogs/{room.blog.slug}/quotes?speaker={'x' * 201}"), 400)
    assert error["code"] == "validation_error"


def test_hidden_topics_never_show_and_merged_ones_show_as_one(room, published):
    services.set_switches(room.owner, room.blog, topics=True)
    nato = Topic.objects.get(name="NATO")
    brussels = Topic.objects.get(name="Brussels")
    nuland = Topic.objects.get(name="Victoria Nuland")
    services.hide_topic(room.owner, room.blog, brussels.pk)
    services.rename_topic(room.owner, room.blog, nato.pk, "Nato alliance")
    services.merge_topic(room.owner, room.blog, nuland.pk, nato.pk)

    topics = json_of(Api(Client()).get(f"/blogs/{room.blog.slug}/topics"))["topics"]

    labels = [topic["label"] for topic in topics]
    assert "Brussels" not in labels
    assert "Victoria Nuland" not in labels
    assert {"label": "Nato alliance", "entry_ids": [published.pk]} in topics


def test_an_unknown_or_draft_blog_is_not_found_in_the_one_error_shape(room, make):
    draft = make.blog(live=False)
    for slug in ("no-such-blog", draft.slug):
        for what in ("quotes", "topics"):
            error = error_of(Api(Client()).get(f"/blogs/{slug}/{what}"), 404)
            assert error["code"] == "not_found"


def test_a_takedown_removes_its_quotes_from_the_public_api_at_once(room, published):
    from bulletin.blogs import services as blog_services

    services.set_switches(room.owner, room.blog, quotes=True, topics=True)
    blog_services.takedown_entry(room.owner, published, reason="Court order")
    assert json_of(Api(Client()).get(f"/blogs/{room.blog.slug}/quotes")) == {"quotes": []}
    assert json_of(Api(Client()).get(f"/blogs/{room.blog.slug}/topics")) == {"topics": []}
