"""The reader page shows the panel and the chips only once an editor switched them on, and
never computes them for a reader: they render with the page, once per seq."""

from __future__ import annotations

import pytest

from bulletin.extract import services
from bulletin.extract.models import Quote, Topic
from bulletin.reader.cache import pages

pytestmark = pytest.mark.django_db

BODY = "<p>Nato envoys met in Brussels.</p><p>“The door is open,” said Victoria Nuland.</p>"


def _page(client, room):
    pages().forget(room.blog.slug)
    return client.get(f"/live/{room.blog.slug}").content.decode()


def test_nothing_shows_until_an_editor_switches_it_on(room, client):
    entry = room.publish(BODY)
    html = _page(client, room)
    assert 'id="who-said-what"' not in html
    assert 'id="topics"' not in html
    # The entry carries its topics and speakers all the same, for filters switched on later.
    assert f'data-entry-id="{entry.pk}"' in html
    assert 'data-speakers="victoria-nuland"' in html

    services.set_switches(room.owner, room.blog, quotes=True, topics=True)
    html = _page(client, room)

    assert 'id="who-said-what"' in html
    assert "The door is open" in html
    assert 'id="topics"' in html
    assert 'data-keys="nato"' in html
    assert "extract/filters.js" in html


def test_rejected_quotes_and_hidden_topics_never_reach_the_page(room, client):
    room.publish(BODY)
    services.set_switches(room.owner, room.blog, quotes=True, topics=True)
    services.reject_quote(room.owner, room.blog, Quote.objects.get().pk)
    services.hide_topic(room.owner, room.blog, Topic.objects.get(name="NATO").pk)
    html = _page(client, room)
    assert 'class="said"' not in html  # the panel quotes nothing
    assert 'data-keys="nato"' not in html


def test_a_switch_gives_the_page_a_new_etag(room, client):
    room.publish(BODY)
    before = client.get(f"/live/{room.blog.slug}")["ETag"]
    services.set_switches(room.owner, room.blog, topics=True)
    pages().forget(room.blog.slug)
    assert client.get(f"/live/{room.blog.slug}")["ETag"] != before


def test_a_german_blog_reads_its_panel_in_german(make, client):
    blog = make.blog(language="de")
    owner = make.owner_of(blog)
    from bulletin.blogs import services as blog_services
    from bulletin.blogs.fields import EntryFields

    blog_services.publish_entry(
        owner, blog, EntryFields(body="<p>„Wir helfen“, sagte Olaf Scholz in Berlin.</p>")
    )
    services.set_switches(owner, blog, quotes=True, topics=True)
    pages().forget(blog.slug)
    html = client.get(f"/live/{blog.slug}").content.decode()
    assert "Wer hat was gesagt" in html
    assert "Themen" in html
    assert "Wir helfen" in html
