"""Since your last visit: what was first published after a seq, counted from the change log;
the short pinned box; the marks permalinks and older pages carry for the page's script."""

from __future__ import annotations

import json

import pytest

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import LiveBlog
from bulletin.reader.catch_up import KEY_EVENTS_LISTED, summary

pytestmark = pytest.mark.db_sensitive


def _seq(blog: LiveBlog) -> int:
    blog.refresh_from_db()
    return blog.seq


@pytest.mark.django_db
def test_new_entries_and_key_events_are_counted_from_the_seq_last_seen(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    seen = make.entry(blog, headline="Seen before the reader left")
    make.entry(blog, headline="Still a draft", status="draft")
    since = _seq(blog)
    first = make.entry(blog, headline="Evacuation ordered")
    key = make.entry(blog, headline="Dam gives way", key_event=True)
    gone = make.entry(blog, headline="Withdrawn report")
    services.delete_entry(owner, gone)
    # An edit of an entry the reader saw is not news, nor is a key-event flag added to it.
    services.update_entry(owner, seen, EntryFields(headline="Seen, then corrected"))
    services.set_key_event(owner, seen, True)

    found = summary(LiveBlog.objects.get(pk=blog.pk), since)

    assert found["updates"] == 2
    assert found["key_event_count"] == 1
    assert [event["id"] for event in found["key_events"]] == [key.pk]
    assert found["key_events"][0]["headline"] == "Dam gives way"
    assert found["key_events"][0]["url"] == f"/live/{blog.slug}/e/{key.pk}"
    assert found["first_unseen"]["id"] == first.pk
    assert found["seq"] == _seq(blog)


@pytest.mark.django_db
def test_an_entry_published_from_a_draft_after_the_visit_is_new(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    draft = make.entry(blog, headline="Prepared before", status="draft")
    since = _seq(blog)
    services.publish_draft(owner, draft)

    found = summary(LiveBlog.objects.get(pk=blog.pk), since)

    assert found["updates"] == 1
    assert found["first_unseen"]["id"] == draft.pk


@pytest.mark.django_db
def test_the_list_of_key_events_is_bounded_and_newest_first(make):
    blog = make.blog()
    since = _seq(blog)
    made = [
        make.entry(blog, headline=f"Key {n}", key_event=True) for n in range(KEY_EVENTS_LISTED + 2)
    ]

    found = summary(LiveBlog.objects.get(pk=blog.pk), since)

    assert found["key_event_count"] == KEY_EVENTS_LISTED + 2
    assert [e["id"] for e in found["key_events"]] == [e.pk for e in made[::-1][:KEY_EVENTS_LISTED]]


@pytest.mark.django_db
def test_the_catch_up_json_is_public_cacheable_and_validated(make, client):
    blog = make.blog()
    since = _seq(blog)
    make.entry(blog, headline="One", key_event=True)
    make.entry(blog, headline="Two")
    url = f"/live/{blog.slug}/catch-up"

    response = client.get(url, {"since": since})

    assert response.status_code == 200
    body = json.loads(response.content)
    assert (body["updates"], body["key_event_count"], body["since"]) == (2, 1, since)
    assert response["ETag"] == f'"{_seq(blog)}-c{since}"'
    assert "public" in response["Cache-Control"]
    assert "Set-Cookie" not in response
    again = client.get(url, {"since": since}, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304

    bad = client.get(url, {"since": "-3"})
    assert bad.status_code == 400
    assert "since" in json.loads(bad.content)["error"]["message"]
    assert client.get(url).status_code == 400
    # A seq beyond the blog's (a browser that remembers a blog since restored): nothing new.
    ahead = json.loads(client.get(url, {"since": 10**9}).content)
    assert ahead["updates"] == 0
    assert ahead["first_unseen"] is None
    assert client.get("/live/no-such-blog/catch-up", {"since": 1}).status_code == 404


@pytest.mark.django_db
def test_the_pinned_box_is_short_and_the_stream_copy_says_pinned(make, client):
    blog = make.blog()
    owner = make.owner_of(blog)
    long_body = "<p>" + "The harbour wall gave way overnight. " * 40 + "</p>"
    pinned = make.entry(blog, headline="What we know", body=long_body)
    make.entry(blog, headline="Later update")
    services.pin_entry(owner, blog, pinned)

    page = client.get(f"/live/{blog.slug}").content.decode()

    box = page[
        page.index('id="pinned-entry"') : page.index("</section>", page.index('id="pinned"'))
    ]
    assert "What we know" in box
    assert 'class="pinned__more"' in box
    assert f'href="/live/{blog.slug}/e/{pinned.pk}"' in box
    assert len(box) < 1200  # headline, opening words and a link: not the whole entry
    assert "entry__body" not in box
    assert page.count(f'id="entry-{pinned.pk}"') == 1
    stream = page[page.index('id="stream"') :]
    article = stream[stream.index(f'id="entry-{pinned.pk}"') :]
    article = article[: article.index("</article>")]
    assert 'class="entry__flag entry__flag--pinned">Pinned</span>' in article
    assert stream.count("entry__flag--pinned") == 1


@pytest.mark.django_db
def test_permalinks_and_older_pages_carry_what_the_script_needs(make, client):
    blog = make.blog()
    entry = make.entry(blog, headline="Shared widely")

    permalink = client.get(f"/live/{blog.slug}/e/{entry.pk}").content.decode()
    live = client.get(f"/live/{blog.slug}").content.decode()

    assert f'data-focus-entry="{entry.pk}"' in permalink
    assert 'id="new-updates-link"' in permalink
    assert f'data-catch-up-url="/live/{blog.slug}/catch-up"' in live
    assert "data-focus-entry" not in live
    assert 'id="new-updates-link"' not in live
    assert 'id="key-events-only"' in live
