"""The composer: publish, save a draft, submit, approve or send back, schedule; images; preview.

Everything goes through the desk's own form posts, as a browser without JavaScript sends them.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from PIL import Image

from bulletin.accounts.models import User
from bulletin.blogs.models import Change, Entry, Media
from tests.desk.conftest import Team
from tests.desk.support import (
    changes_nothing,
    field_error,
    followed,
    media_files,
    png,
    png_claiming,
    reader_page,
    text,
    upload,
)
from tests.factories import Factory


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _compose(client: Client, team: Team, **data):
    return client.post(f"/desk/{team.blog.slug}/entries", data)


def _noisy_png(size: tuple[int, int] = (200, 200)) -> bytes:
    # Random-looking pixels barely compress, so half the file holds half the picture.
    pixels = bytes(
        (x * 7919 + y * 104729 + (x * y) % 251) % 256
        for y in range(size[1])
        for x in range(size[0])
    )
    out = io.BytesIO()
    Image.frombytes("L", size, pixels).save(out, format="PNG")
    return out.getvalue()


# --- publishing ---------------------------------------------------------------------------


def test_publishing_puts_headline_body_authors_embed_related_link_and_flags_on_the_page(
    team: Team,
) -> None:
    User.objects.filter(pk=team.owner.pk).update(display_name="Ada Lovelace")
    User.objects.filter(pk=team.editor.pk).update(display_name="Grace Hopper")
    client = _signed_in(team.owner)

    response = _compose(
        client,
        team,
        action="publish",
        headline="Storm surge tops the quay wall",
        body="<p>Water is <strong>over</strong> the wall.</p>",
        authors=[team.owner.pk, team.editor.pk],
        embed_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        related_url="https://news.example/storm",
        related_title="Full report on the storm",
        key_event="on",
        breaking="on",
    )

    entry = Entry.objects.get(blog=team.blog)
    assert response["Location"] == f"/desk/{team.blog.slug}/?composed={entry.pk}"
    assert "Published." in followed(client, response)
    assert entry.status == "published"
    assert entry.is_key_event
    assert entry.is_breaking
    assert sorted(entry.authors.values_list("pk", flat=True)) == [team.owner.pk, team.editor.pk]
    assert entry.embed["provider"] == "youtube"
    html = entry.html
    assert "Storm surge tops the quay wall" in html
    assert "<strong>over</strong>" in html
    assert "Ada Lovelace" in html
    assert "Grace Hopper" in html
    assert 'data-provider="youtube"' in html
    assert 'href="https://news.example/storm"' in html
    assert "Full report on the storm" in html
    assert "Key event" in html
    assert "Breaking" in html
    change = Change.objects.get(blog=team.blog, entry=entry)
    assert (change.action, change.kind, change.public) == ("entry.published", "entry", True)
    assert change.actor_id == team.owner.pk
    assert "Storm surge tops the quay wall" in reader_page(team.blog.slug)


def test_a_draft_is_kept_on_the_desk_and_never_reaches_readers(team: Team) -> None:
    client = _signed_in(team.owner)

    response = _compose(client, team, action="draft", headline="Ferry times to confirm")

    entry = Entry.objects.get(blog=team.blog)
    assert entry.status == "draft"
    assert "Draft saved." in followed(client, response)
    change = Change.objects.get(blog=team.blog, entry=entry)
    assert (change.action, change.kind, change.public) == ("entry.drafted", "desk", False)
    desk = text(client.get(f"/desk/{team.blog.slug}/"))
    assert re.search(r"Drafts <span class=\"count\">1</span>", desk)
    assert "Ferry times to confirm" in desk
    assert "Ferry times to confirm" not in reader_page(team.blog.slug)


def test_a_contributors_submission_waits_in_the_editors_queue_with_its_count(
    team: Team,
) -> None:
    contributor = _signed_in(team.contributor)
    composer = text(contributor.get(f"/desk/{team.blog.slug}/"))
    assert 'value="submit"' in composer
    assert 'value="publish"' not in composer  # contributors are not offered to publish

    response = _compose(contributor, team, action="submit", headline="Lifeboat launched")

    assert "Sent to the editors for review." in followed(contributor, response)
    entry = Entry.objects.get(blog=team.blog)
    assert entry.status == "submitted"
    desk = text(_signed_in(team.editor).get(f"/desk/{team.blog.slug}/"))
    assert 'Waiting for review <span class="count waiting" data-queue-count>1</span>' in desk
    assert "Lifeboat launched" in desk
    assert f'action="/desk/{team.blog.slug}/entries/{entry.pk}/approve"' in desk
    assert "Lifeboat launched" not in reader_page(team.blog.slug)


def test_an_editor_approves_a_submission_and_readers_see_it(team: Team, make: Factory) -> None:
    entry = make.entry(team.blog, by=team.contributor, status="submitted", headline="Lifeboat")
    editor = _signed_in(team.editor)

    response = editor.post(
        f"/desk/{team.blog.slug}/entries/{entry.pk}/approve", {"revision": entry.revision}
    )

    assert "Approved and published." in followed(editor, response)
    entry.refresh_from_db()
    assert entry.status == "published"
    assert Change.objects.filter(entry=entry).latest("seq").action == "entry.approved"
    assert "Nothing waiting." in text(editor.get(f"/desk/{team.blog.slug}/"))
    assert "Lifeboat" in reader_page(team.blog.slug)


def test_an_editor_sends_a_submission_back_to_its_writer_as_a_draft(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, by=team.contributor, status="submitted", headline="Lifeboat")
    editor = _signed_in(team.editor)

    response = editor.post(f"/desk/{team.blog.slug}/entries/{entry.pk}/reject")

    assert "Sent back to its writer." in followed(editor, response)
    entry.refresh_from_db()
    assert entry.status == "draft"
    assert Change.objects.filter(entry=entry).latest("seq").action == "entry.rejected"
    own_desk = text(_signed_in(team.contributor).get(f"/desk/{team.blog.slug}/"))
    assert "Lifeboat" in own_desk
    assert f'action="/desk/{team.blog.slug}/entries/{entry.pk}/submit"' in own_desk


# --- scheduling ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        pytest.param("2030-01-27T14:30", datetime(2030, 1, 27, 19, 30, tzinfo=UTC), id="winter"),
        pytest.param("2030-07-04T09:00", datetime(2030, 7, 4, 13, 0, tzinfo=UTC), id="summer"),
    ],
)
def test_a_scheduled_time_is_read_as_wall_clock_time_in_the_blogs_time_zone(
    make: Factory, typed: str, stored: datetime
) -> None:
    blog = make.blog(timezone="America/New_York")
    client = _signed_in(make.owner_of(blog))

    response = client.post(
        f"/desk/{blog.slug}/entries",
        {"action": "schedule", "headline": "Harbour reopens", "scheduled_for": typed},
    )

    assert "Scheduled." in followed(client, response)
    entry = Entry.objects.get(blog=blog)
    assert entry.status == "scheduled"
    assert entry.scheduled_for == stored
    desk = text(client.get(f"/desk/{blog.slug}/"))
    assert 'Scheduled <span class="count">1</span>' in desk


def test_a_draft_is_scheduled_with_its_one_button_form_in_the_blogs_time_zone(
    make: Factory,
) -> None:
    blog = make.blog(timezone="America/New_York")
    owner = make.owner_of(blog)
    draft = make.entry(blog, status="draft")
    client = _signed_in(owner)

    response = client.post(
        f"/desk/{blog.slug}/entries/{draft.pk}/schedule", {"scheduled_for": "2030-01-27T14:30"}
    )

    assert "Scheduled." in followed(client, response)
    draft.refresh_from_db()
    assert draft.scheduled_for == datetime(2030, 1, 27, 19, 30, tzinfo=UTC)


def test_scheduling_in_the_past_is_refused_with_a_message_and_creates_nothing(team: Team) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        response = _compose(
            client, team, action="schedule", headline="Too late", scheduled_for="2020-01-27T14:30"
        )

    assert response.status_code == 400
    assert "scheduled_for: must be in the future" in text(response)
    assert "must be in the future" in field_error(response, "scheduled_for")
    assert 'value="Too late"' in text(response)  # what was typed is kept


def test_scheduling_without_a_time_or_with_a_nonsense_one_is_refused(team: Team) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        missing = _compose(client, team, action="schedule", headline="When?")
        nonsense = _compose(
            client, team, action="schedule", headline="When?", scheduled_for="next tuesday"
        )

    assert missing.status_code == 400
    assert "scheduled_for: is required to schedule an entry" in text(missing)
    assert nonsense.status_code == 400
    assert "must be a date and time like 2026-01-27T14:30, got 'next tuesday'" in text(nonsense)


# --- what the composer refuses ------------------------------------------------------------


def test_publishing_an_empty_entry_is_refused_and_creates_nothing(team: Team) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        response = _compose(client, team, action="publish", headline="  ", body="")

    assert response.status_code == 400
    assert "needs a headline, text, a photo or an embed" in text(response)
    assert field_error(response, "headline") == "required when there is no text, photo or embed"


def test_a_post_card_alone_is_published_from_the_composer(team: Team) -> None:
    client = _signed_in(team.owner)

    response = _compose(
        client,
        team,
        action="publish",
        headline="",
        body="",
        embed_url="https://x.com/hmcoastguard/status/1751234567890123456",
        embed_author="HM Coastguard",
        embed_description="Stay away from the harbour wall.",
    )

    assert response.status_code == 303, text(response)[:300]
    entry = Entry.objects.get(blog=team.blog)
    assert (entry.status, entry.headline, entry.body) == ("published", "", "")
    assert entry.embeds[0]["author"] == "HM Coastguard"


def test_a_photo_alone_is_published_and_named_by_its_caption_on_the_desk(team: Team) -> None:
    client = _signed_in(team.owner)

    response = _compose(
        client,
        team,
        action="publish",
        headline="",
        body="",
        image=upload(png((800, 600))),
        image_alt="Waves breaking over the quay wall",
        image_caption="The quay at high tide",
    )
    entry = Entry.objects.get(blog=team.blog)
    client.post(f"/desk/{team.blog.slug}/entries/{entry.pk}/pin")
    desk = text(client.get(f"/desk/{team.blog.slug}/"))

    assert response.status_code == 303, text(response)[:300]
    assert (entry.status, entry.headline, entry.body) == ("published", "", "")
    assert f'aria-label="Select entry {entry.pk}: The quay at high tide"' in desk
    assert "<h2>Pinned</h2>\n    <p>The quay at high tide</p>" in desk


def test_a_hostile_body_is_sanitised_before_anyone_sees_it(team: Team) -> None:
    client = _signed_in(team.owner)

    _compose(
        client,
        team,
        action="publish",
        headline="<script>alert('headline')</script>Quay",
        body=(
            '<p onclick="steal()">Water rising</p><script>alert("body")</script>'
            '<img src="x" onerror="steal()"><a href="javascript:steal()">link</a>'
        ),
    )

    entry = Entry.objects.get(blog=team.blog)
    public = Client().get(f"/live/{team.blog.slug}").content.decode()
    assert "<script" not in entry.body
    for shown in (entry.body, entry.html, public):
        assert "onclick" not in shown
        assert "onerror" not in shown
        assert "javascript:" not in shown
        assert "<script>alert" not in shown
    assert "&lt;script&gt;alert(&#x27;headline&#x27;)&lt;/script&gt;Quay" in entry.html
    assert "Water rising" in entry.html


# --- images in the composer ---------------------------------------------------------------


def test_an_image_without_alt_text_is_refused_and_leaves_no_file_or_row(team: Team) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        response = _compose(
            client, team, action="publish", headline="Quay", image=upload(png((800, 600)))
        )

    assert response.status_code == 400
    assert "alt text is required" in field_error(response, "image_alt")
    assert media_files() == []
    assert Media.objects.count() == 0


def test_an_image_with_alt_caption_and_credit_goes_on_the_entry_with_a_srcset(
    team: Team,
) -> None:
    client = _signed_in(team.owner)

    response = _compose(
        client,
        team,
        action="publish",
        headline="Quay under water",
        image=upload(png((800, 600))),
        image_alt="Waves breaking over the quay wall",
        image_caption="The quay at high tide",
        image_credit="Jo Bloggs / Harbour Photos",
    )

    assert response.status_code == 303
    entry = Entry.objects.select_related("image").get(blog=team.blog)
    assert entry.image is not None
    assert (entry.image.alt, entry.image.caption, entry.image.credit) == (
        "Waves breaking over the quay wall",
        "The quay at high tide",
        "Jo Bloggs / Harbour Photos",
    )
    assert (entry.image.width, entry.image.height) == (800, 600)
    assert 'alt="Waves breaking over the quay wall"' in entry.html
    assert re.search(r'srcset="[^"]*320w[^"]*640w', entry.html)
    assert "The quay at high tide" in entry.html
    assert "Jo Bloggs / Harbour Photos" in entry.html
    stored = media_files()
    assert entry.image.file in stored
    assert len(stored) == 1 + len(entry.image.variants)


def test_a_refused_post_that_carried_a_good_image_leaves_no_file_behind(team: Team) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        response = _compose(
            client,
            team,
            action="schedule",
            headline="Quay",
            scheduled_for="2020-01-01T09:00",
            image=upload(png((800, 600))),
            image_alt="The quay",
        )

    assert response.status_code == 400
    assert media_files() == []


def test_the_upload_endpoint_stores_an_image_at_once_and_answers_201_with_its_id(
    team: Team,
) -> None:
    response = _signed_in(team.contributor).post(
        f"/desk/{team.blog.slug}/images", {"image": upload(png((800, 600)))}
    )

    assert response.status_code == 201
    described = response.json()
    image = Media.objects.get(pk=described["id"])
    assert described["url"] == f"/media/{image.file}"
    assert "320w" in described["srcset"]
    assert image.uploaded_by_id == team.contributor.pk
    assert image.file in media_files()


def test_an_uploaded_image_is_then_attached_by_id_with_its_words(team: Team) -> None:
    client = _signed_in(team.owner)
    image_id = client.post(f"/desk/{team.blog.slug}/images", {"image": upload(png())}).json()["id"]

    response = _compose(
        client,
        team,
        action="publish",
        headline="Quay",
        image_id=str(image_id),
        image_alt="The quay at night",
    )

    assert response.status_code == 303
    entry = Entry.objects.select_related("image").get(blog=team.blog)
    assert entry.image_id == image_id
    assert entry.image is not None
    assert entry.image.alt == "The quay at night"


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        pytest.param(
            b"Just some words, not a picture.\n",
            "photo.jpg",
            "must be a JPEG, PNG, GIF or WebP image, got a file that is not an image",
            id="text renamed to jpg",
        ),
        pytest.param(
            _noisy_png()[: len(_noisy_png()) // 2],
            "cut.png",
            "must be a whole image, got a PNG file that is truncated or damaged",
            id="a truncated png",
        ),
        pytest.param(
            png_claiming(30000, 30000),
            "huge.png",
            "must be at most 40 megapixels, got 900.0 megapixels",
            id="a png claiming 30000x30000 pixels",
        ),
        pytest.param(
            b"\x89PNG\r\n\x1a\n" + bytes(25_000_000),
            "big.png",
            "must be at most 20 MB, got 25.0 MB",
            id="a 25 MB file",
        ),
    ],
)
def test_a_bad_upload_is_refused_in_json_with_a_message_and_leaves_nothing(
    team: Team, data: bytes, name: str, says: str
) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        response = client.post(f"/desk/{team.blog.slug}/images", {"image": upload(data, name)})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"] == f"image: {says}"
    assert media_files() == []


def test_an_upload_without_a_file_is_refused_in_json(team: Team) -> None:
    with changes_nothing():
        response = _signed_in(team.owner).post(f"/desk/{team.blog.slug}/images", {})

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "image: choose an image file to upload"


# --- preview ------------------------------------------------------------------------------


def test_the_preview_is_the_readers_html_and_saves_nothing(team: Team) -> None:
    client = _signed_in(team.contributor)

    with changes_nothing():
        response = client.post(
            f"/desk/{team.blog.slug}/preview",
            {
                "headline": "Quay closed",
                "body": "<p>Stay <em>away</em>.</p><script>alert(1)</script>",
                "authors": [team.contributor.pk],
                "related_url": "https://news.example/quay",
                "breaking": "on",
            },
        )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "blogs/entry.html" in [template.name for template in response.templates]
    html = response.content.decode()
    # The script is removed, and the writer told so above the entry (see the next test).
    assert html.split("</div>", 1)[1].lstrip().startswith('<article class="entry entry--breaking"')
    assert "Quay closed" in html
    assert "<em>away</em>" in html
    assert "<script" not in html
    assert team.contributor.byline in html
    assert 'href="https://news.example/quay"' in html


def test_the_preview_says_what_publishing_will_remove_from_the_body(team: Team) -> None:
    client = _signed_in(team.owner)
    path = f"/desk/{team.blog.slug}/preview"

    pasted = client.post(path, {"body": '<h2>Results</h2><p style="x">Counted.</p>'})
    clean = client.post(path, {"body": "<h3>Results</h3><p>Counted.</p>"})

    told = pasted.content.decode()
    assert told.startswith('<div class="preview-warnings" role="note" data-preview-warnings>')
    assert "<li>changed &lt;h2&gt; to &lt;h3&gt; (entries use h3 and h4)</li>" in told
    assert "<li>removed style attribute</li>" in told
    assert "<h3>Results</h3>" in told
    assert "preview-warnings" not in clean.content.decode()


def test_a_preview_of_a_bad_form_answers_in_json(team: Team) -> None:
    response = _signed_in(team.owner).post(
        f"/desk/{team.blog.slug}/preview", {"headline": "x", "related_url": "ftp://quay"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "related_url": "must be an http(s) URL, got 'ftp://quay'"
    }


def test_a_subtitle_is_composed_shown_under_the_headline_and_edited(team: Team) -> None:
    client = _signed_in(team.owner)

    _compose(client, team, action="publish", headline="Quay closed", subtitle="Until noon")

    entry = Entry.objects.get(blog=team.blog)
    assert entry.subtitle == "Until noon"
    assert '<p class="entry__subtitle">Until noon</p>' in reader_page(team.blog.slug)
    edit = client.get(f"/desk/{team.blog.slug}/entries/{entry.pk}/edit")
    assert 'name="subtitle" value="Until noon"' in edit.content.decode()


def test_a_subtitle_over_300_characters_is_shown_next_to_its_field(team: Team) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        response = _compose(client, team, action="publish", headline="Quay", subtitle="s" * 301)

    assert response.status_code == 400
    assert field_error(response, "subtitle") == "must be at most 300 characters, got 301"
