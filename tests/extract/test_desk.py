"""The desk page "Who said what": editors check and decide; contributors only look."""

from __future__ import annotations

import pytest

from bulletin.extract.models import Quote, ReaderSwitches, Topic

pytestmark = pytest.mark.django_db

BODY = "<p>Nato envoys met in Brussels.</p><p>“The door is open,” said Victoria Nuland.</p>"


def _page(room) -> str:
    return f"/desk/{room.blog.slug}/quotes-topics"


def test_an_editor_sees_quotes_and_topics_with_their_controls(room, client):
    room.publish(BODY)
    client.force_login(room.owner)
    html = client.get(_page(room)).content.decode()
    assert "The door is open" in html
    assert "Victoria Nuland" in html
    assert 'name="do" value="reject"' in html
    assert 'name="do" value="switches"' in html
    assert "Brussels" in html


def test_an_editor_switches_the_reader_panel_on_rejects_and_renames(room, client):
    room.publish(BODY)
    client.force_login(room.owner)
    response = client.post(_page(room), {"do": "switches", "quotes": "on"})
    assert response.status_code == 303
    switches = ReaderSwitches.objects.get(blog=room.blog)
    assert (switches.quotes_public, switches.topics_public) == (True, False)

    quote = Quote.objects.get()
    client.post(_page(room), {"do": "reject", "quote": str(quote.pk)})
    assert Quote.objects.get().rejected
    client.post(_page(room), {"do": "speaker", "quote": str(quote.pk), "speaker": "V. Nuland"})
    assert Quote.objects.get().fixed_speaker == "V. Nuland"

    topic = Topic.objects.get(name="NATO")
    client.post(_page(room), {"do": "rename", "topic": str(topic.pk), "label": "Nato"})
    assert Topic.objects.get(pk=topic.pk).label == "Nato"


def test_bad_form_input_is_a_message_not_an_error_page(room, client):
    room.publish(BODY)
    client.force_login(room.owner)
    response = client.post(_page(room), {"do": "rename", "topic": "abc", "label": "x"}, follow=True)
    assert response.status_code == 200
    assert "topic: must be a row id" in response.content.decode()
    response = client.post(_page(room), {"do": "explode"}, follow=True)
    assert "do: must be one of" in response.content.decode()


def test_a_contributor_sees_the_page_without_controls_and_cannot_post(room, client):
    room.publish(BODY)
    contributor = room.make.member(room.blog, "contributor")
    client.force_login(contributor)
    html = client.get(_page(room)).content.decode()
    assert "The door is open" in html
    assert 'value="reject"' not in html
    response = client.post(_page(room), {"do": "switches", "quotes": "on"})
    assert response.status_code == 403
    assert not ReaderSwitches.objects.exists()


def test_strangers_are_refused_and_nobody_is_sent_to_sign_in(room, client):
    assert client.get(_page(room)).status_code == 302
    client.force_login(room.make.user())
    assert client.get(_page(room)).status_code == 403
