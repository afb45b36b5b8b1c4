"""The plain public page shows what readers need, from the HTML rendered at write time."""

from __future__ import annotations

import pytest

from bulletin.blogs import services


@pytest.mark.django_db
def test_live_page_shows_title_key_points_pinned_entry_and_stream_newest_first(make, client):
    blog = make.blog(title="Harbour storm Live Updates")
    owner = make.owner_of(blog)
    older = make.entry(blog, headline="Sirens sound along the quay")
    newer = make.entry(blog, headline="Ferry service suspended")
    services.set_key_points(owner, blog, ["Ferries suspended", "Quay closed"])
    services.pin_entry(owner, blog, older)

    response = client.get(f"/live/{blog.slug}")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Harbour storm Live Updates" in page
    assert "Ferries suspended" in page
    assert "Quay closed" in page
    assert 'class="pinned"' in page
    assert page.index("Ferry service suspended") < page.rindex("Sirens sound along the quay")
    assert newer.html in page
    # The pinned box repeats the entry; only the entry in the stream carries its id.
    assert page.count(f'id="entry-{older.pk}"') == 1
    assert page.index('class="pinned"') < page.index(f'id="entry-{older.pk}"')
    blog.refresh_from_db()
    assert response["ETag"] == f'"{blog.seq}"'


@pytest.mark.django_db
def test_drafts_and_deleted_entries_never_reach_the_page(make, client):
    blog = make.blog()
    make.entry(blog, headline="Unchecked rumour", status="draft")
    gone = make.entry(blog, headline="Retracted claim")
    services.delete_entry(make.owner_of(blog), gone)

    page = client.get(f"/live/{blog.slug}").content.decode()

    assert "Unchecked rumour" not in page
    assert "Retracted claim" not in page


@pytest.mark.django_db
def test_a_draft_blog_is_not_found_by_readers(make, client):
    blog = make.blog(live=False)
    assert client.get(f"/live/{blog.slug}").status_code == 404


@pytest.mark.django_db
def test_home_lists_public_blogs_only(make, client):
    public = make.blog(title="Count night Live Updates")
    hidden = make.blog(title="Embargoed Live Updates", live=False)
    page = client.get("/").content.decode()
    assert public.title in page
    assert hidden.title not in page
