"""The composer cannot re-word a picture readers see unless its user may publish it everywhere.

Saving a draft that names an image id used to re-describe the image wherever it appears; now
the composer's words go through the image service (tests/blogs/test_image_words.py).
"""

from __future__ import annotations

from django.test import Client

from bulletin.blogs import media
from bulletin.blogs.models import Entry, Media
from tests.desk.conftest import Team
from tests.desk.support import changes_nothing, png, text, upload
from tests.factories import Factory


def test_a_contributors_draft_naming_a_published_picture_may_not_reword_it(
    team: Team, make: Factory
) -> None:
    image = media.save_image(team.owner, team.blog, upload(png()), alt="Boats on the quay")
    published = make.entry(team.blog, team.owner, image_id=image.pk)
    html = Entry.objects.get(pk=published.pk).html
    client = Client()
    client.force_login(team.contributor)

    with changes_nothing():
        response = client.post(
            f"/desk/{team.blog.slug}/entries",
            {
                "action": "draft",
                "headline": "Mine",
                "image_id": str(image.pk),
                "image_alt": "A burning ship",
            },
        )

    assert response.status_code == 403
    assert "only those who may publish on every live blog showing it" in text(response)
    assert Media.objects.get(pk=image.pk).alt == "Boats on the quay"
    assert Entry.objects.get(pk=published.pk).html == html


def test_an_editor_rewording_a_published_picture_from_the_edit_form_updates_the_page(
    team: Team, make: Factory
) -> None:
    image = media.save_image(team.owner, team.blog, upload(png()), alt="Boats on the quay")
    other = make.entry(team.blog, team.owner, image_id=image.pk, headline="Other")
    entry = make.entry(team.blog, team.owner, image_id=image.pk, headline="This")
    client = Client()
    client.force_login(team.editor)

    response = client.post(
        f"/desk/{team.blog.slug}/entries/{entry.pk}/edit",
        {
            "headline": "This",
            "revision": str(entry.revision),
            "image_id": str(image.pk),
            "image_alt": "Fishing boats at dawn",
        },
    )

    assert response.status_code == 303, text(response)[:500]
    assert 'alt="Fishing boats at dawn"' in Entry.objects.get(pk=other.pk).html
