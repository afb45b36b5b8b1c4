"""Hostile input through the desk's forms: markup is stored sanitised or as text and every page
that shows it stays inert; forged hidden fields, roles and redirects are refused with a clear
message and change nothing; uploaded files keep none of their names."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bulletin.accounts.models import User
from bulletin.blogs import media, services
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Entry, KeyPoint, LiveBlog, Media
from bulletin.desk.models import Editing, EntryDraft
from tests.security.conftest import Newsroom
from tests.security.support import (
    BAD_SCHEMES,
    HOSTILE_FILE_NAMES,
    SQL_TEXTS,
    STORED_NAME,
    XSS_TEXTS,
    active_parts,
    files_under,
    multipart,
    png_bytes,
    snapshot,
    unchanged,
)

HOSTILE = " ".join(XSS_TEXTS)  # 190 characters: fits every text field
HOSTILE_BODY = (
    "<p>Before</p>"
    + '<a href="javascript:window.pwned=1">js</a>'
    + '<a href="vbscript:msgbox(1)">vb</a>'
    + '<a href="data:text/html,&lt;script&gt;window.pwned=1&lt;/script&gt;">data</a>'
    + '<a href=" java&#x09;script:window.pwned=1">tab</a>'
    + '<a href="//evil.example/x">far</a>'
    + '<img src="javascript:window.pwned=1" alt="i">'
    + '<blockquote cite="javascript:window.pwned=1"><p>q</p></blockquote>'
    + '<p style="background:url(javascript:window.pwned=1)" onclick="window.pwned=1">styled</p>'
    + '<iframe src="javascript:window.pwned=1"></iframe><math><mtext><script>x</script></math>'
    + '<form action="javascript:window.pwned=1"><button formaction="javascript:1">b</button></form>'
    + "<style>*{background:url(javascript:window.pwned=1)}</style><base href=//evil.example>"
    + '<meta http-equiv="refresh" content="0;url=javascript:window.pwned=1"><p>After</p>'
    # Last: an unclosed <svg> takes what follows into SVG, where the sanitiser drops it.
    + "".join(XSS_TEXTS)
)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def desk(room: Newsroom, path: str = "") -> str:
    return f"/desk/{room.blog.slug}/{path}"


def text_of(response: Any) -> str:
    return html.unescape(str(response.content.decode()))


def _upload(name: str = "quay.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def compose(client: Client, room: Newsroom, **fields: Any) -> Any:
    data = {"action": "publish", "headline": "Quay closed", **fields}
    return client.post(desk(room, "entries"), data)


def edit_form(room: Newsroom, client: Client, entry: Entry, **fields: Any) -> dict[str, Any]:
    """What the edit form sends as it stands, with ``fields`` changed."""
    values = client.get(desk(room, f"entries/{entry.pk}/edit")).context["values"]
    data = {k: v for k, v in values.items() if v not in (None, "")}
    data.update({"action": "save", **fields})
    return data


def pages_showing(room: Newsroom, entry: Entry | None = None) -> list[str]:
    slug = room.blog.slug
    paths = [f"/desk/{slug}/", f"/desk/{slug}/activity", f"/desk/{slug}/settings", "/desk/"]
    paths += [f"/live/{slug}", f"/live/{slug}/embed", "/"]
    if entry is not None:
        paths += [
            f"/desk/{slug}/entries/{entry.pk}/edit",
            f"/desk/{slug}/entries/{entry.pk}/history",
            f"/live/{slug}/e/{entry.pk}",
        ]
    return paths


def assert_every_page_inert(room: Newsroom, entry: Entry | None, shown: str) -> None:
    """Every page that shows the hostile text answers 200, has nothing that could run, and
    shows the text as text somewhere."""
    client = signed_in(room.owner)
    seen = False
    for path in pages_showing(room, entry):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        page = response.content.decode()
        assert active_parts(page) == [], path
        seen = seen or shown in html.unescape(page)
    assert seen, f"{shown!r} is shown nowhere"


# --- hostile markup: stored sanitised or as text --------------------------------------------


def test_hostile_markup_kept_as_unsaved_changes_to_an_entry_stays_inert_where_listed(newsroom):
    entry = newsroom.entry(headline="Quay closed")
    client = signed_in(newsroom.editor)
    kept = client.post(
        desk(newsroom, f"entries/{entry.pk}/drafts/{newsroom.editor.pk}"),
        {
            "draft_version": "0",
            "revision": str(entry.revision),
            "headline": HOSTILE,
            "body": HOSTILE_BODY,
        },
    )
    assert kept.status_code == 200, text_of(kept)[:300]
    draft = EntryDraft.objects.get(entry=entry)
    assert active_parts(draft.values["body"][0]) == []

    owner = signed_in(newsroom.owner)
    for path in ["", f"entries/{entry.pk}/drafts/{newsroom.editor.pk}"]:
        page = owner.get(desk(newsroom, path))
        assert page.status_code == 200, path
        assert active_parts(page.content.decode()) == [], path
        assert XSS_TEXTS[0] in html.unescape(page.content.decode()), path


def test_hostile_markup_in_every_composer_field_is_stored_as_text_or_sanitised(newsroom):
    client = signed_in(newsroom.owner)

    response = compose(
        client,
        newsroom,
        headline=HOSTILE,
        body=HOSTILE_BODY,
        embed_url="https://example.com/story",
        embed_title=HOSTILE,
        embed_description=HOSTILE,
        related_url="https://example.org/background",
        related_title=HOSTILE,
        image=_upload(),
        image_alt=HOSTILE,
        image_caption=HOSTILE,
        image_credit=HOSTILE,
        authors=[str(newsroom.owner.pk)],
    )

    assert response.status_code == 303, text_of(response)[:500]
    entry = Entry.objects.get(blog=newsroom.blog, headline=HOSTILE)
    assert entry.embed["title"] == entry.embed["description"] == HOSTILE
    assert entry.related_title == HOSTILE
    assert entry.image is not None
    assert entry.image.alt == entry.image.caption == entry.image.credit == HOSTILE
    assert active_parts(entry.body) == []
    assert active_parts(entry.html) == []
    assert "<p>Before</p>" in entry.body
    assert "<p>After</p>" in entry.body
    assert '<a href="//evil.example/x" rel="noopener noreferrer nofollow">far</a>' in entry.body
    for gone in ("<script", "<svg", "<iframe", "<style", "<base", "<meta", "<form", "onerror"):
        assert gone not in entry.body, gone
    assert_every_page_inert(newsroom, entry, XSS_TEXTS[2])


def test_a_hostile_correction_note_is_stored_as_text(newsroom):
    client = signed_in(newsroom.owner)
    entry = newsroom.entry()

    response = client.post(
        desk(newsroom, f"entries/{entry.pk}/edit"),
        edit_form(newsroom, client, entry, correction_note=HOSTILE),
    )

    assert response.status_code == 303, text_of(response)[:500]
    entry.refresh_from_db()
    assert entry.correction_note == HOSTILE
    assert active_parts(entry.html) == []
    assert_every_page_inert(newsroom, entry, XSS_TEXTS[2])


def test_hostile_key_points_are_stored_as_text(newsroom):
    client = signed_in(newsroom.owner)
    entry = newsroom.entry()

    response = client.post(
        desk(newsroom, "key-points"),
        {"point": [XSS_TEXTS[0], XSS_TEXTS[2], SQL_TEXTS[0]], "point_entry": [str(entry.pk)]},
    )

    assert response.status_code == 303
    texts = list(KeyPoint.objects.filter(blog=newsroom.blog).values_list("text", flat=True))
    assert texts == [XSS_TEXTS[0], XSS_TEXTS[2], SQL_TEXTS[0]]
    assert_every_page_inert(newsroom, entry, XSS_TEXTS[2])


def test_a_hostile_blog_title_and_standfirst_are_stored_as_text(newsroom):
    client = signed_in(newsroom.owner)
    entry = newsroom.entry()
    title = XSS_TEXTS[2] + "</title><script>window.pwned=1</script>"

    response = client.post(
        desk(newsroom, "settings"),
        {"title": title, "description": HOSTILE, "slug": newsroom.blog.slug},
    )

    assert response.status_code == 303, text_of(response)[:500]
    blog = LiveBlog.objects.get(pk=newsroom.blog.pk)
    assert (blog.title, blog.description) == (title, HOSTILE)
    assert_every_page_inert(newsroom, entry, title)


def test_a_hostile_name_to_invite_is_shown_back_as_text(newsroom):
    client = signed_in(newsroom.owner)

    with unchanged():
        response = client.post(
            desk(newsroom, "members"), {"do": "invite", "who": HOSTILE, "role": "editor"}
        )

    assert response.status_code == 400
    assert active_parts(response.content.decode()) == []
    assert XSS_TEXTS[0] in text_of(response)


@pytest.mark.parametrize("field", ["embed_url", "related_url"])
@pytest.mark.parametrize("url", BAD_SCHEMES)
def test_a_link_that_is_not_http_is_refused_in_the_composer(newsroom, field, url):
    client = signed_in(newsroom.owner)

    with unchanged():
        response = compose(client, newsroom, **{field: url})

    assert response.status_code == 400
    errors = response.context["field_errors"]
    assert errors.keys() == {field}
    assert errors[field].startswith("must be an http(s) URL, got ")
    # The refused address is shown back in the form, as text.
    assert active_parts(response.content.decode()) == []


@pytest.mark.parametrize("field", ["embed_url", "related_url"])
def test_a_link_that_is_not_http_is_refused_in_the_edit_form(newsroom, field):
    client = signed_in(newsroom.owner)
    entry = newsroom.entry()
    for url in BAD_SCHEMES:
        data = edit_form(newsroom, client, entry, **{field: url})

        with unchanged():
            response = client.post(desk(newsroom, f"entries/{entry.pk}/edit"), data)

        assert response.status_code == 400, url
        assert field in response.context["field_errors"], url


def test_the_preview_of_hostile_markup_is_inert(newsroom):
    client = signed_in(newsroom.contributor)

    with unchanged():
        response = client.post(
            desk(newsroom, "preview"),
            {"headline": HOSTILE, "body": HOSTILE_BODY, "embed_url": "https://example.com/x"},
        )

    assert response.status_code == 200
    assert active_parts(response.content.decode()) == []
    assert XSS_TEXTS[0] in text_of(response)


# --- forged hidden fields -------------------------------------------------------------------


def test_a_stale_revision_is_a_conflict_and_changes_nothing(newsroom):
    client = signed_in(newsroom.owner)
    entry = newsroom.entry()
    first = edit_form(newsroom, client, entry, headline="Pier 5")
    assert client.post(desk(newsroom, f"entries/{entry.pk}/edit"), first).status_code == 303

    with unchanged():
        response = client.post(
            desk(newsroom, f"entries/{entry.pk}/edit"), {**first, "headline": "Pier 6"}
        )

    assert response.status_code == 409
    assert "you edited revision 1, the current revision is 2" in text_of(response)


@pytest.mark.parametrize(
    "revision", ["abc", "-1", str(2**70), "1 OR 1=1", "²", "1.5", " ", "", None], ids=repr
)
def test_a_revision_that_is_missing_or_not_a_number_is_refused(newsroom, revision):
    client = signed_in(newsroom.owner)
    entry = newsroom.entry()
    # Someone saved revision 2 meanwhile: a save without a revision must not overwrite it.
    services.update_entry(newsroom.editor, entry, EntryFields(headline="Pier 4"))
    data = edit_form(newsroom, client, entry, headline="Pier 5", revision=revision)
    if revision is None:
        del data["revision"]

    with unchanged():
        response = client.post(desk(newsroom, f"entries/{entry.pk}/edit"), data)

    assert response.status_code == 400, revision
    assert response.context["field_errors"].keys() == {"revision"}
    assert Entry.objects.get(pk=entry.pk).headline == "Pier 4"


def _their_image(room: Newsroom) -> Media:
    return media.save_image(
        room.outsider, room.other_blog, _upload(), alt="Embargoed", caption="Not yet"
    )


def test_an_image_of_another_blog_is_refused_in_the_composer_and_the_edit_form(newsroom):
    client = signed_in(newsroom.owner)
    theirs = _their_image(newsroom)
    entry = newsroom.entry()

    with unchanged():
        composed = compose(client, newsroom, image_id=str(theirs.pk), image_alt="Mine now")
        edited = client.post(
            desk(newsroom, f"entries/{entry.pk}/edit"),
            edit_form(newsroom, client, entry, image_id=str(theirs.pk), image_alt="Mine now"),
        )

    for response in (composed, edited):
        assert response.status_code in {400, 403}
        assert theirs.file not in response.content.decode()
    assert Media.objects.get(pk=theirs.pk).alt == "Embargoed"


def test_the_preview_does_not_show_an_image_of_another_blog(newsroom):
    client = signed_in(newsroom.contributor)
    theirs = _their_image(newsroom)

    with unchanged():
        response = client.post(
            desk(newsroom, "preview"),
            {"headline": "Look", "image_id": str(theirs.pk), "image_alt": "x"},
        )

    assert response.status_code == 400
    assert theirs.file not in response.content.decode()
    assert response.json()["error"]["fields"] == {
        "image_id": f"must be an image uploaded by this live blog's team, got {theirs.pk}"
    }


@pytest.mark.parametrize("image_id", ["999999", "abc", str(2**70), "-1", "1 OR 1=1", "²"])
def test_an_image_id_that_names_no_image_is_refused(newsroom, image_id):
    client = signed_in(newsroom.owner)

    with unchanged():
        response = compose(client, newsroom, image_id=image_id, image_alt="A picture")

    assert response.status_code == 400
    assert "image_id" in response.context["error"]


def test_a_cover_image_of_another_blog_is_refused_in_the_settings(newsroom):
    client = signed_in(newsroom.owner)
    theirs = _their_image(newsroom)

    with unchanged():
        response = client.post(
            desk(newsroom, "settings"),
            {"title": "Storm", "cover_image_id": str(theirs.pk), "cover_alt": "Mine now"},
        )

    assert response.status_code == 400
    assert theirs.file not in response.content.decode()


@pytest.mark.parametrize(
    "author", ["inactive", "nobody", "abc", str(2**70), "-1", "1 OR 1=1", "²"], ids=str
)
def test_an_author_who_is_inactive_unknown_or_no_id_is_refused(newsroom, author):
    client = signed_in(newsroom.owner)
    if author == "inactive":
        gone = newsroom.make.user(is_active=False)
        author = str(gone.pk)
    if author == "nobody":
        author = "987654"

    with unchanged():
        response = compose(client, newsroom, authors=[str(newsroom.owner.pk), author])

    assert response.status_code == 400, author
    assert "author" in response.context["error"]


def test_an_author_who_does_not_work_on_the_blog_is_refused(newsroom):
    client = signed_in(newsroom.owner)

    with unchanged():
        response = compose(client, newsroom, authors=[str(newsroom.outsider.pk)])

    assert response.status_code == 400


def test_a_contributor_forging_action_publish_is_refused(newsroom):
    client = signed_in(newsroom.contributor)
    mine = newsroom.entry("draft", by=newsroom.contributor)

    with unchanged():
        composed = compose(client, newsroom, action="publish")
        scheduled = compose(client, newsroom, action="schedule", scheduled_for="2100-01-01T10:00")
        edited = client.post(
            desk(newsroom, f"entries/{mine.pk}/edit"),
            edit_form(newsroom, signed_in(newsroom.owner), mine, action="publish"),
        )

    assert composed.status_code == scheduled.status_code == 403
    assert "your role is contributor" in text_of(composed)
    assert edited.status_code == 400
    assert "action" in edited.context["error"]


ACTIONS = ["publish", "approve", "reject", "unpublish", "pin", "unpin", "key-event", "schedule"]


@pytest.mark.parametrize("action", [*ACTIONS, "delete"])
def test_a_contributor_may_not_press_an_editors_button(newsroom, action):
    client = signed_in(newsroom.contributor)
    submission = action in {"approve", "reject"}
    entry = newsroom.entry("submitted" if submission else "published")

    with unchanged():
        response = client.post(
            desk(newsroom, f"entries/{entry.pk}/{action}"),
            {
                "on": "1",
                "scheduled_for": "2100-01-01T10:00",
                "revision": str(entry.revision),
                "next": "https://evil.example/",
            },
        )

    if submission:
        # A colleague's submission does not exist for a contributor: 404, as for no entry.
        assert response.status_code == 404
        assert f"no entry {entry.pk}" in text_of(response).lower()
        return
    assert response.status_code == 403
    assert "your role is contributor" in text_of(response)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("status/go-live", {}),
        ("status/end", {}),
        ("status/archive", {}),
        ("settings", {"title": "Taken over"}),
        ("key-points", {"point": ["Taken over"]}),
        ("members", {"do": "invite", "who": "intruder@example.org", "role": "owner"}),
    ],
)
@pytest.mark.parametrize("who", ["contributor", "outsider"])
def test_blog_wide_forms_refuse_who_may_not_use_them(newsroom, path, data, who):
    client = signed_in(getattr(newsroom, who))

    with unchanged():
        response = client.post(desk(newsroom, path), data)

    assert response.status_code == 403, text_of(response)[:300]


def test_an_outsider_may_not_write_through_any_entry_route(newsroom):
    client = signed_in(newsroom.outsider)
    entry = newsroom.entry("draft")
    for path in [
        "entries",
        "preview",
        "images",
        f"entries/{entry.pk}/edit",
        f"entries/{entry.pk}/editing",
        f"entries/{entry.pk}/drafts/{newsroom.outsider.pk}",
        f"entries/{entry.pk}/drafts/{newsroom.outsider.pk}/discard",
        *(f"entries/{entry.pk}/{a}" for a in [*ACTIONS, "delete", "submit"]),
    ]:
        with unchanged():
            response = client.post(desk(newsroom, path), {"headline": "x", "image": _upload()})

        assert response.status_code == 403, path
        assert "not a member of this live blog" in text_of(response), path


def test_an_entry_of_another_blog_is_not_found_through_this_blogs_routes(newsroom):
    client = signed_in(newsroom.owner)
    theirs = newsroom.make.entry(newsroom.other_blog, newsroom.outsider)
    mine = f"drafts/{newsroom.owner.pk}"
    for path in ["edit", "history", "editing", "publish", "delete", "pin", mine, f"{mine}/discard"]:
        with unchanged():
            response = client.post(desk(newsroom, f"entries/{theirs.pk}/{path}"), {})

        assert response.status_code in {404, 405}, path


NEXTS = [
    "https://evil.example/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/desk//evil.example",
    "/desk/\\evil.example",
    "/desk/\\/evil.example",
    " https://evil.example",
    "javascript:window.pwned=1",
    "/desk/\r\nSet-Cookie: pwned=1",
    "/desk/\t/evil.example",
    "https:evil.example",
    "/%2F%2Fevil.example",
    "/desk/@evil.example",
]


def _stays_on_the_desk(response: Any) -> None:
    assert response.status_code == 303, response.status_code
    location = response["Location"]
    assert not re.search(r"[\x00-\x20\\]", location), location
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc) == ("", ""), location
    assert parts.path.startswith("/desk/"), location
    assert not parts.path.startswith("//"), location


@pytest.mark.parametrize("target", NEXTS)
def test_next_on_an_action_button_never_leaves_the_desk(newsroom, target):
    client = signed_in(newsroom.owner)
    entry = newsroom.entry()

    done = client.post(desk(newsroom, f"entries/{entry.pk}/key-event"), {"on": "1", "next": target})
    refused = client.post(desk(newsroom, f"entries/{entry.pk}/approve"), {"next": target})
    points = client.post(desk(newsroom, "key-points"), {"point": ["Quay"], "next": target})

    for response in (done, refused, points):
        _stays_on_the_desk(response)
    assert "Set-Cookie" not in str(done.cookies.get("pwned", ""))


@pytest.mark.parametrize("target", NEXTS)
def test_next_on_the_sign_in_form_never_leaves_the_site(newsroom, target):
    client = Client()

    response = client.post(
        f"/desk/login/?next={quote(target, safe='')}",
        {"username": newsroom.owner.username, "password": "a-long-test-password"},
    )

    assert response.status_code == 302, text_of(response)[:300]
    parts = urlsplit(response["Location"])
    assert (parts.scheme, parts.netloc) == ("", ""), response["Location"]
    assert not parts.path.startswith("//")


# --- uploaded file names --------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_FILE_NAMES)
def test_an_image_picked_in_the_composer_is_stored_under_a_random_name(
    newsroom, media_root, tmp_path, name
):
    client = signed_in(newsroom.owner)
    body, content_type = multipart({}, "image", name, png_bytes())

    response = client.generic("POST", desk(newsroom, "images"), body, content_type=content_type)

    assert response.status_code == 201, response.content[:300]
    stored = Media.objects.get(pk=response.json()["id"])
    assert re.fullmatch(STORED_NAME, stored.file), stored.file
    written = files_under(tmp_path)
    assert written
    assert all(path.is_relative_to(media_root / "uploads") for path in written), written


@pytest.mark.parametrize("name", HOSTILE_FILE_NAMES[:6])
def test_an_image_sent_with_the_composer_form_is_stored_under_a_random_name(
    newsroom, media_root, tmp_path, name
):
    client = signed_in(newsroom.owner)
    body, content_type = multipart(
        {"action": "publish", "headline": "Quay", "image_alt": "The quay"},
        "image",
        name,
        png_bytes(),
    )

    response = client.generic("POST", desk(newsroom, "entries"), body, content_type=content_type)

    assert response.status_code == 303, text_of(response)[:300]
    entry = Entry.objects.get(blog=newsroom.blog, headline="Quay")
    assert entry.image is not None
    assert re.fullmatch(STORED_NAME, entry.image.file), entry.image.file
    assert all(path.is_relative_to(media_root / "uploads") for path in files_under(tmp_path))


def test_a_file_that_is_not_an_image_leaves_nothing_behind(newsroom, tmp_path):
    client = signed_in(newsroom.owner)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="window.pwned=1"/>'
    for name, data in (("x.png", svg), ("../../x.png", b"<script>window.pwned=1</script>")):
        body, content_type = multipart({}, "image", name, data)

        with unchanged():
            response = client.generic(
                "POST", desk(newsroom, "images"), body, content_type=content_type
            )

        assert response.status_code == 400
        assert response.json()["error"]["fields"].keys() == {"image"}
    assert files_under(tmp_path) == []


# --- the editing heartbeat ------------------------------------------------------------------


def test_the_editing_heartbeat_takes_no_hostile_state_and_reflects_nothing(newsroom):
    client = signed_in(newsroom.owner)
    entry = newsroom.entry()
    before = snapshot()

    response = client.post(
        desk(newsroom, f"entries/{entry.pk}/editing"), {"state": XSS_TEXTS[2], "revision": "9"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert XSS_TEXTS[2] not in response.content.decode()
    assert response.json()["revision"] == entry.revision
    after = snapshot()
    # Only "who is editing" changed: the heartbeat writes nothing else.
    changed = [name for name in before if before[name] != after[name]]
    assert changed == ["desk.Editing"]
    assert Editing.objects.filter(entry=entry, user=newsroom.owner).count() == 1


# --- a deleted or archived target ------------------------------------------------------------


def test_a_deleted_entry_cannot_be_edited_back_to_life(newsroom):
    client = signed_in(newsroom.owner)
    entry = newsroom.entry()
    data = edit_form(newsroom, client, entry, headline="Back")
    services.delete_entry(newsroom.owner, entry)

    with unchanged():
        response = client.post(desk(newsroom, f"entries/{entry.pk}/edit"), data)

    assert response.status_code in {400, 409}
    assert "deleted" in text_of(response)
