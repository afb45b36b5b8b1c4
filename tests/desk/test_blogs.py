"""Blogs on the desk: the list, creating one, settings and cover, coverage, key points, members."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import Client

from bulletin.accounts.models import Membership, Role, User
from bulletin.blogs import services
from bulletin.blogs.models import KeyPoint, LiveBlog
from tests.desk.conftest import Team
from tests.desk.support import (
    changes_nothing,
    field_error,
    followed,
    media_files,
    png,
    reader_page,
    text,
    upload,
)
from tests.factories import Factory


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _blog(blog: LiveBlog) -> LiveBlog:
    return LiveBlog.objects.select_related("cover_image").get(pk=blog.pk)


def _points(blog: LiveBlog) -> list[str]:
    return list(
        KeyPoint.objects.filter(blog=blog).order_by("position").values_list("text", flat=True)
    )


def _settings_form(blog: LiveBlog, **changes: object) -> dict[str, object]:
    """The settings form as the page fills it in, with some fields changed."""
    return {
        "title": blog.title,
        "slug": blog.slug,
        "description": blog.description,
        "language": blog.language,
        "timezone": blog.timezone,
        "order": blog.order,
        "coverage_start": "",
        "coverage_end": "",
        **changes,
    }


# --- the list of blogs --------------------------------------------------------------------


def test_the_list_shows_only_the_blogs_one_works_on_with_status_counts_and_last_update(
    make: Factory,
) -> None:
    reporter = make.user()
    harbour = make.blog(title="Harbour storm")
    Membership.objects.create(blog=harbour, user=reporter, role=Role.CONTRIBUTOR)
    make.entry(harbour)
    make.entry(harbour, by=reporter, status="submitted")
    election = make.blog(title="Election night", live=False)
    Membership.objects.create(blog=election, user=reporter, role=Role.EDITOR)
    make.blog(title="Someone else's blog")
    make.entry(harbour)  # the latest update of all

    page = text(_signed_in(reporter).get("/desk/"))

    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", page, re.DOTALL)
    assert len(rows) == 2
    cells = [re.findall(r"<td>(.*?)</td>", "<td>" + row, re.DOTALL) for row in rows]
    by_title = {re.sub(r"<[^>]+>", " ", row[0]).split("/live/")[0].strip(): row for row in cells}
    assert set(by_title) == {"Harbour storm", "Election night"}
    harbour_row, election_row = by_title["Harbour storm"], by_title["Election night"]
    assert "Live" in harbour_row[1]
    assert "Draft" in election_row[1]
    assert (harbour_row[2], election_row[2]) == ("contributor", "editor")
    assert (harbour_row[3], harbour_row[4]) == ("2", "<strong>1</strong>")
    assert (election_row[3], election_row[4]) == ("0", "0")
    shown = re.search(r'<time datetime="([^"]+)"', harbour_row[5])
    assert shown
    assert datetime.fromisoformat(shown.group(1)) == _blog(harbour).updated_at
    assert "Someone else's blog" not in page
    # The most recently updated first.
    assert page.index("Harbour storm") < page.index("Election night")


def test_someone_without_blogs_is_told_how_to_get_one(make: Factory) -> None:
    page = text(_signed_in(make.user()).get("/desk/"))

    assert "You do not work on any live blog yet." in page
    assert "Ask an editor to invite you." in page
    assert "New live blog" not in page


# --- creating a blog ----------------------------------------------------------------------


def test_staff_create_a_blog_become_its_owner_and_land_on_its_desk(make: Factory) -> None:
    staff = make.staff()
    client = _signed_in(staff)
    assert "New live blog" in text(client.get("/desk/"))

    response = client.post(
        "/desk/new",
        {
            "title": "Storm Halloway: Live Updates",
            "slug": "storm-halloway",
            "description": "The storm reaches the coast.",
            "language": "en",
            "timezone": "Europe/London",
            "order": "newest_first",
        },
    )

    assert response["Location"] == "/desk/storm-halloway/"
    assert "Created “Storm Halloway: Live Updates”" in followed(client, response)
    blog = LiveBlog.objects.get(slug="storm-halloway")
    assert (blog.status, blog.timezone, blog.description) == (
        "draft",
        "Europe/London",
        "The storm reaches the coast.",
    )
    assert Membership.objects.get(blog=blog).user == staff
    assert Membership.objects.get(blog=blog).role == "owner"


@pytest.mark.parametrize(
    ("slug", "says"),
    [
        pytest.param("harbour", "already taken", id="a slug already in use"),
        pytest.param(
            "login",
            "must not be one of login, logout, new, password, password-reset, reset, got 'login'",
            id="a slug the desk uses for its own pages",
        ),
        pytest.param(
            "Not A Slug!",
            "must be 1 to 100 lowercase letters, digits and single hyphens",
            id="a slug with spaces and capitals",
        ),
    ],
)
def test_a_slug_that_cannot_be_used_is_refused_with_the_reason_next_to_it(
    make: Factory, slug: str, says: str
) -> None:
    make.blog(slug="harbour")
    client = _signed_in(make.staff())

    with changes_nothing():
        response = client.post("/desk/new", {"title": "Harbour Live", "slug": slug})

    assert response.status_code == 400
    assert says in field_error(response, "slug")
    assert 'value="Harbour Live"' in text(response)  # what was typed is kept


# --- settings -----------------------------------------------------------------------------


def test_the_owner_changes_the_settings_and_times_are_read_in_the_new_time_zone(
    team: Team,
) -> None:
    client = _signed_in(team.owner)

    response = client.post(
        f"/desk/{team.blog.slug}/settings",
        _settings_form(
            team.blog,
            title="Harbour storm, day two",
            description="The second day of the storm.",
            timezone="Europe/Berlin",
            order="oldest_first",
            coverage_start="2030-01-27T08:00",
        ),
    )

    assert "Settings saved." in followed(client, response)
    blog = _blog(team.blog)
    assert blog.title == "Harbour storm, day two"
    assert blog.description == "The second day of the storm."
    assert (blog.timezone, blog.order) == ("Europe/Berlin", "oldest_first")
    assert blog.coverage_start == datetime(2030, 1, 27, 7, 0, tzinfo=UTC)
    page = text(client.get(f"/desk/{blog.slug}/settings"))
    assert 'value="2030-01-27T08:00"' in page


def test_a_new_slug_moves_the_desk_to_the_new_address(team: Team) -> None:
    client = _signed_in(team.owner)

    response = client.post(
        f"/desk/{team.blog.slug}/settings", _settings_form(team.blog, slug="harbour-storm")
    )

    assert response["Location"] == "/desk/harbour-storm/settings"
    assert _blog(team.blog).slug == "harbour-storm"


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        pytest.param(
            {"timezone": "Mars/Olympus_Mons"},
            "timezone",
            "must be an IANA time zone such as Europe/London, got 'Mars/Olympus_Mons'",
            id="a time zone that does not exist",
        ),
        pytest.param(
            {"timezone": "America"},
            "timezone",
            "must be an IANA time zone such as Europe/London, got 'America'",
            id="a folder of time zones",
        ),
        pytest.param(
            {"coverage_start": "2030-01-27T08:00", "coverage_end": "2030-01-26T08:00"},
            "coverage_end",
            "must not be before coverage_start",
            id="coverage that ends before it starts",
        ),
        pytest.param(
            {"coverage_start": "27/01/2030"},
            "coverage_start",
            "must be a date and time like 2026-01-27T14:30, got '27/01/2030'",
            id="a date in another format",
        ),
        pytest.param({"title": "   "}, "title", "must not be empty", id="an empty title"),
    ],
)
def test_settings_that_cannot_be_used_are_refused_with_the_reason_next_to_the_field(
    team: Team, changes: dict[str, str], field: str, says: str
) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        response = client.post(
            f"/desk/{team.blog.slug}/settings", _settings_form(team.blog, **changes)
        )

    assert response.status_code == 400
    assert says in field_error(response, field)


def test_a_cover_image_is_uploaded_with_its_alt_text_caption_and_credit(team: Team) -> None:
    client = _signed_in(team.owner)

    response = client.post(
        f"/desk/{team.blog.slug}/settings",
        _settings_form(
            team.blog,
            cover=upload(png((1200, 630))),
            cover_alt="The harbour wall at dawn",
            cover_caption="Waves over the harbour wall",
            cover_credit="Harbour Photos",
        ),
    )

    assert response.status_code == 303
    cover = _blog(team.blog).cover_image
    assert cover is not None
    assert (cover.alt, cover.caption, cover.credit) == (
        "The harbour wall at dawn",
        "Waves over the harbour wall",
        "Harbour Photos",
    )
    assert cover.file in media_files()
    page = text(client.get(f"/desk/{team.blog.slug}/settings"))
    assert f'src="/media/{cover.file}"' in page
    assert 'value="The harbour wall at dawn"' in page
    assert "The harbour wall at dawn" in reader_page(team.blog.slug)

    removed = client.post(
        f"/desk/{team.blog.slug}/settings", _settings_form(team.blog, remove_cover="1")
    )

    assert removed.status_code == 303
    assert _blog(team.blog).cover_image is None


def test_a_cover_image_without_alt_text_is_refused_and_leaves_no_file(team: Team) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        response = client.post(
            f"/desk/{team.blog.slug}/settings",
            _settings_form(team.blog, title="Renamed", cover=upload(png())),
        )

    assert response.status_code == 400
    assert "alt text" in field_error(response, "cover_alt")
    assert media_files() == []


def test_a_cover_upload_refused_for_another_field_leaves_no_file(team: Team) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        response = client.post(
            f"/desk/{team.blog.slug}/settings",
            _settings_form(
                team.blog, timezone="Nowhere/Atlantis", cover=upload(png()), cover_alt="Harbour"
            ),
        )

    assert response.status_code == 400
    assert media_files() == []


# --- coverage -----------------------------------------------------------------------------


def test_coverage_goes_live_ends_and_is_archived_with_the_buttons_on_the_settings_page(
    make: Factory,
) -> None:
    blog = make.blog(live=False)
    client = _signed_in(make.owner_of(blog))
    settings_page = f"/desk/{blog.slug}/settings"
    steps = [
        ("go-live", "Go live", "Coverage is live: readers see the blog.", "live"),
        ("end", "End coverage", "Coverage ended: readers keep the page.", "ended"),
        ("archive", "Archive", "Archived: the blog takes no more changes.", "archived"),
    ]

    for change, button, said, status in steps:
        page = text(client.get(settings_page))
        assert f'action="/desk/{blog.slug}/status/{change}"' in page
        assert f">{button}</button>" in page
        response = client.post(f"/desk/{blog.slug}/status/{change}", {"next": settings_page})
        assert response["Location"] == settings_page
        assert said in followed(client, response)
        assert _blog(blog).status == status

    assert "/status/" not in text(client.get(settings_page))


def test_a_blog_is_archived_only_after_its_coverage_ended(team: Team) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        response = client.post(f"/desk/{team.blog.slug}/status/archive")

    assert "a live blog can become archived only from ended, it is live" in followed(
        client, response
    )


def test_the_desk_offers_the_coverage_buttons_only_to_those_who_may_use_them(
    team: Team,
) -> None:
    editors = text(_signed_in(team.editor).get(f"/desk/{team.blog.slug}/"))
    contributors = text(_signed_in(team.contributor).get(f"/desk/{team.blog.slug}/"))

    assert f'action="/desk/{team.blog.slug}/status/end"' in editors
    assert "/status/" not in contributors
    assert 'action="/desk/{team.blog.slug}/key-points"' not in contributors


# --- key points ---------------------------------------------------------------------------


def test_key_points_are_added_reordered_and_removed_as_the_form_posts_them(
    team: Team, make: Factory
) -> None:
    entry = make.entry(team.blog, headline="Evacuation ordered")
    client = _signed_in(team.editor)
    path = f"/desk/{team.blog.slug}/key-points"

    added = client.post(
        path,
        {
            "point": ["Evacuation ordered", "Ferries cancelled", "Schools closed", ""],
            "point_entry": [str(entry.pk), "", "", ""],
        },
    )
    assert "Key points published." in followed(client, added)
    assert _points(team.blog) == ["Evacuation ordered", "Ferries cancelled", "Schools closed"]
    assert KeyPoint.objects.get(blog=team.blog, position=0).entry_id == entry.pk

    client.post(path, {"point": ["Schools closed", "Evacuation ordered", "Ferries cancelled"]})
    assert _points(team.blog) == ["Schools closed", "Evacuation ordered", "Ferries cancelled"]

    client.post(path, {"point": ["Schools closed", "  ", "Ferries cancelled"]})
    assert _points(team.blog) == ["Schools closed", "Ferries cancelled"]
    sidebar = text(client.get(f"/desk/{team.blog.slug}/"))
    assert sidebar.index('value="Schools closed"') < sidebar.index('value="Ferries cancelled"')
    public = reader_page(team.blog.slug)
    assert public.index("Schools closed") < public.index("Ferries cancelled")


def test_more_than_twelve_key_points_are_refused_with_a_message(team: Team) -> None:
    client = _signed_in(team.editor)
    services.set_key_points(team.owner, team.blog, ["Evacuation ordered"])

    with changes_nothing():
        response = client.post(
            f"/desk/{team.blog.slug}/key-points",
            {"point": [f"Point {number}" for number in range(1, 14)]},
        )

    assert "key_points: must hold at most 12 points, got 13" in followed(client, response)
    assert _points(team.blog) == ["Evacuation ordered"]


def test_a_key_point_may_not_link_to_an_unpublished_entry(team: Team, make: Factory) -> None:
    draft = make.entry(team.blog, status="draft")
    client = _signed_in(team.editor)

    with changes_nothing():
        response = client.post(
            f"/desk/{team.blog.slug}/key-points",
            {"point": ["Draft news"], "point_entry": [str(draft.pk)]},
        )

    assert f"may link only to published entries of this blog, got [{draft.pk}]" in followed(
        client, response
    )


# --- members ------------------------------------------------------------------------------


def test_the_owner_invites_a_colleague_by_username(team: Team, make: Factory) -> None:
    colleague = make.user("grace")
    client = _signed_in(team.owner)

    response = client.post(
        f"/desk/{team.blog.slug}/members", {"do": "invite", "who": "grace", "role": "editor"}
    )

    assert "Added grace as editor." in followed(client, response)
    assert Membership.objects.get(blog=team.blog, user=colleague).role == "editor"
    assert mail.outbox == []


def test_the_owner_invites_someone_new_by_email_and_they_get_a_link(team: Team) -> None:
    client = _signed_in(team.owner)

    response = client.post(
        f"/desk/{team.blog.slug}/members",
        {"do": "invite", "who": "ada@news.example", "role": "contributor"},
    )

    page = followed(client, response)
    assert "Invited ada@news.example as contributor. We emailed them." in page
    newcomer = User.objects.get(email="ada@news.example")
    assert not newcomer.has_usable_password()
    assert Membership.objects.get(blog=team.blog, user=newcomer).role == "contributor"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@news.example"]
    assert "/desk/reset/" in mail.outbox[0].body
    assert team.blog.title in f"{mail.outbox[0].subject} {mail.outbox[0].body}"


def test_the_owner_changes_a_role_and_removes_a_colleague(team: Team) -> None:
    client = _signed_in(team.owner)
    path = f"/desk/{team.blog.slug}/members"

    promoted = client.post(path, {"do": "role", "user": team.contributor.pk, "role": "editor"})
    assert f"{team.contributor.byline} is now editor." in followed(client, promoted)
    assert Membership.objects.get(blog=team.blog, user=team.contributor).role == "editor"

    removed = client.post(path, {"do": "remove", "user": team.contributor.pk})
    assert f"{team.contributor.byline} no longer works on this live blog." in followed(
        client, removed
    )
    assert not Membership.objects.filter(blog=team.blog, user=team.contributor).exists()
    assert client.get(f"/desk/{team.blog.slug}/").status_code == 200
    assert _signed_in(team.contributor).get(f"/desk/{team.blog.slug}/").status_code == 403


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"do": "remove"}, id="removing"),
        pytest.param({"do": "role", "role": "editor"}, id="demoting"),
    ],
)
def test_the_last_owner_cannot_leave_and_the_page_says_why(team: Team, change) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        response = client.post(f"/desk/{team.blog.slug}/members", {**change, "user": team.owner.pk})

    assert response.status_code == 400
    assert "a live blog needs at least one owner" in text(response)
    assert 'role="alert"' in text(response)


def test_an_invitation_by_email_reads_the_same_whether_or_not_the_address_has_an_account(
    team: Team, make: Factory
) -> None:
    make.user("grace", email="grace@news.example")
    make.user("gone", email="gone@news.example", is_active=False)
    client = _signed_in(team.owner)
    said = {}

    for who in ["grace@news.example", "gone@news.example", "nobody@news.example"]:
        response = client.post(
            f"/desk/{team.blog.slug}/members", {"do": "invite", "who": who, "role": "editor"}
        )
        page = followed(client, response)
        said[who] = re.findall(r"Invited \S+ as editor\. We emailed them\.", page)

    assert said == {
        "grace@news.example": ["Invited grace@news.example as editor. We emailed them."],
        "gone@news.example": ["Invited gone@news.example as editor. We emailed them."],
        "nobody@news.example": ["Invited nobody@news.example as editor. We emailed them."],
    }


def test_a_nul_in_the_invitation_form_is_refused_next_to_the_field(team: Team) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        response = client.post(
            f"/desk/{team.blog.slug}/members", {"do": "invite", "who": "ada\x00@news.example"}
        )

    assert response.status_code == 400
    assert "must be text without NUL characters" in field_error(response, "who")


def test_an_invitation_that_names_nobody_is_refused_next_to_the_field(team: Team) -> None:
    client = _signed_in(team.owner)

    with changes_nothing():
        response = client.post(
            f"/desk/{team.blog.slug}/members", {"do": "invite", "who": "nobody-by-this-name"}
        )

    assert response.status_code == 400
    assert "no colleague to add as 'nobody-by-this-name'" in field_error(response, "who")


def test_members_see_who_works_on_the_blog_but_only_owners_may_change_it(team: Team) -> None:
    page = text(_signed_in(team.editor).get(f"/desk/{team.blog.slug}/members"))

    for person in (team.owner, team.editor, team.contributor):
        assert person.username in page
    assert "Invite a colleague" not in page
    assert 'name="do"' not in page
