"""Who may do what on the desk: every desk page and every form post, for every kind of caller.

Owners do everything; editors publish, curate and run coverage but neither change settings nor
members; contributors write drafts and submit them; a signed-in colleague who does not work on
the blog gets a 403 page; nobody signed in is sent to sign in. A refused post changes nothing.
(The blog's owner is the staff member who created it, so only they may create blogs here.)
The desk's live stream is checked against a real server in test_desk_stream.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bulletin.accounts.models import User
from bulletin.blogs import services
from tests.desk.conftest import Team
from tests.desk.support import differences, login_redirect_of, png, state, text, upload
from tests.factories import Factory

OWNER, EDITOR, CONTRIBUTOR, STRANGER, ANONYMOUS = (
    "an owner",
    "an editor",
    "a contributor",
    "a signed-in stranger",
    "an anonymous visitor",
)
CALLERS = [OWNER, EDITOR, CONTRIBUTOR, STRANGER, ANONYMOUS]
OWNERS = frozenset({OWNER})
PUBLISHERS = frozenset({OWNER, EDITOR})  # publish, curate, run coverage
MEMBERS = frozenset({OWNER, EDITOR, CONTRIBUTOR})
SIGNED_IN = MEMBERS | {STRANGER}


def _user(team: Team, who: str) -> User | None:
    people = {
        OWNER: team.owner,
        EDITOR: team.editor,
        CONTRIBUTOR: team.contributor,
        STRANGER: team.stranger,
    }
    return people.get(who)


@dataclass(frozen=True)
class Setting:
    """What must exist before the call: an entry in some status, by someone; the blog's state."""

    entry: str | None = None  # status of the entry the call acts on
    written_by: str = OWNER  # CONTRIBUTOR: the team's contributor (the caller, if they call)
    blog: str = "live"  # "ended" for going live again and archiving
    pinned: bool = False

    def arrange(self, team: Team) -> dict[str, Any]:
        """Build the setting; return what the path and the form refer to."""
        names: dict[str, Any] = {"blog": team.blog.slug, "contributor": team.contributor.pk}
        if self.entry is not None:
            author = team.contributor if self.written_by == CONTRIBUTOR else team.owner
            made = "draft" if self.entry in {"scheduled", "deleted"} else self.entry
            entry = Factory().entry(team.blog, by=author, status=made)
            if self.entry == "scheduled":
                services.schedule_entry(team.owner, entry, timezone.now() + timedelta(days=1))
            if self.entry == "deleted":
                services.delete_entry(team.owner, entry)
            names["entry"] = entry.pk
            if self.pinned:
                services.pin_entry(team.owner, team.blog, entry)
        if self.blog == "ended":
            services.end_coverage(team.owner, team.blog)
        return names


@dataclass(frozen=True)
class Post:
    path: str  # "{blog}" and "{entry}" are filled in
    allowed: frozenset[str]
    data: dict[str, Any] = field(default_factory=dict)
    setting: Setting = Setting()
    files: tuple[str, ...] = ()  # form fields that carry a small PNG
    ok: int = 303  # the answer to an allowed post
    changes: str | None = "the change log"  # what an allowed post changes (None: nothing)


COMPOSER = "/desk/{blog}/entries"
ENTRY = "/desk/{blog}/entries/{entry}"
OWN_DRAFT = Setting("draft", written_by=CONTRIBUTOR)
OWN_SUBMISSION = Setting("submitted", written_by=CONTRIBUTOR)
PUBLISHED = Setting("published")

POSTS: dict[str, Post] = {
    "publish from the composer": Post(
        COMPOSER, PUBLISHERS, {"action": "publish", "headline": "Quay closed"}
    ),
    "schedule from the composer": Post(
        COMPOSER,
        PUBLISHERS,
        {"action": "schedule", "headline": "Quay closed", "scheduled_for": "2100-01-01T09:00"},
    ),
    "save a draft from the composer": Post(
        COMPOSER, MEMBERS, {"action": "draft", "headline": "Quay closed"}
    ),
    "submit from the composer": Post(
        COMPOSER, MEMBERS, {"action": "submit", "headline": "Quay closed"}
    ),
    "upload an image": Post(
        "/desk/{blog}/images", MEMBERS, files=("image",), ok=201, changes="media"
    ),
    "preview an entry": Post(
        "/desk/{blog}/preview", MEMBERS, {"headline": "Quay closed"}, ok=200, changes=None
    ),
    "edit their own draft": Post(
        ENTRY + "/edit", MEMBERS, {"headline": "Quay reopened", "revision": "1"}, OWN_DRAFT
    ),
    "edit a published entry": Post(
        ENTRY + "/edit", PUBLISHERS, {"headline": "Quay reopened", "revision": "1"}, PUBLISHED
    ),
    "say they are editing an entry": Post(
        ENTRY + "/editing", MEMBERS, {"state": "open"}, PUBLISHED, ok=200, changes="editing"
    ),
    # The edit form's autosave, into the caller's own draft of the edit ("{me}").
    "keep unsaved changes to their own draft": Post(
        ENTRY + "/drafts/{me}",
        MEMBERS,
        {"headline": "Quay reopened", "revision": "1", "draft_version": "0"},
        OWN_DRAFT,
        ok=200,
        changes="drafts",
    ),
    "keep unsaved changes to a published entry": Post(
        ENTRY + "/drafts/{me}",
        PUBLISHERS,
        {"headline": "Quay reopened", "revision": "1", "draft_version": "0"},
        PUBLISHED,
        ok=200,
        changes="drafts",
    ),
    "discard their unsaved changes to an entry": Post(
        ENTRY + "/drafts/{me}/discard", MEMBERS, {"draft_version": "0"}, OWN_DRAFT, changes=None
    ),
    "submit their own draft": Post(ENTRY + "/submit", MEMBERS, setting=OWN_DRAFT),
    "submit someone else's draft": Post(ENTRY + "/submit", PUBLISHERS, setting=Setting("draft")),
    "publish a draft": Post(ENTRY + "/publish", PUBLISHERS, {"revision": "1"}, OWN_DRAFT),
    "approve a submission": Post(ENTRY + "/approve", PUBLISHERS, {"revision": "1"}, OWN_SUBMISSION),
    "send a submission back": Post(ENTRY + "/reject", PUBLISHERS, setting=OWN_SUBMISSION),
    "schedule a draft": Post(
        ENTRY + "/schedule", PUBLISHERS, {"scheduled_for": "2100-01-01T09:00"}, OWN_DRAFT
    ),
    "unpublish an entry": Post(ENTRY + "/unpublish", PUBLISHERS, setting=PUBLISHED),
    "delete their own draft": Post(ENTRY + "/delete", MEMBERS, setting=OWN_DRAFT),
    "delete a published entry": Post(ENTRY + "/delete", PUBLISHERS, setting=PUBLISHED),
    "take down an entry": Post(
        ENTRY + "/takedown", PUBLISHERS, {"reason": "Court order"}, PUBLISHED
    ),
    "pin an entry": Post(ENTRY + "/pin", PUBLISHERS, setting=PUBLISHED),
    "unpin the pinned entry": Post(
        ENTRY + "/unpin", PUBLISHERS, setting=Setting("published", pinned=True)
    ),
    "mark a key event": Post(ENTRY + "/key-event", PUBLISHERS, {"on": "1"}, PUBLISHED),
    "publish key points": Post(
        "/desk/{blog}/key-points", PUBLISHERS, {"point": ["Quay closed", "Ferries stopped"]}
    ),
    "go live again": Post("/desk/{blog}/status/go-live", PUBLISHERS, setting=Setting(blog="ended")),
    "end coverage": Post("/desk/{blog}/status/end", PUBLISHERS),
    "archive the blog": Post("/desk/{blog}/status/archive", OWNERS, setting=Setting(blog="ended")),
    "change the settings": Post(
        "/desk/{blog}/settings", OWNERS, {"title": "Harbour storm, day two"}
    ),
    "replace the cover image": Post(
        "/desk/{blog}/settings",
        OWNERS,
        {"title": "Harbour storm, day two", "cover_alt": "The harbour at dawn"},
        files=("cover",),
    ),
    "invite a colleague": Post(
        "/desk/{blog}/members",
        OWNERS,
        {"do": "invite", "who": "newcomer@news.example", "role": "contributor"},
        changes="memberships",
    ),
    "change a colleague's role": Post(
        "/desk/{blog}/members",
        OWNERS,
        {"do": "role", "user": "{contributor}", "role": "editor"},
        changes="memberships",
    ),
    "remove a colleague": Post(
        "/desk/{blog}/members",
        OWNERS,
        {"do": "remove", "user": "{contributor}"},
        changes="memberships",
    ),
    "create a live blog": Post(
        "/desk/new", OWNERS, {"slug": "quay-live", "title": "Quay Live Updates"}, changes="blogs"
    ),
}


@dataclass(frozen=True)
class Page:
    path: str
    allowed: frozenset[str]
    setting: Setting = Setting()
    shows: str = ""  # words the page shows to those allowed


PAGES: dict[str, Page] = {
    "their list of live blogs": Page("/desk/", SIGNED_IN, shows="Your live blogs"),
    "the form for a new live blog": Page("/desk/new", OWNERS, shows="Create live blog"),
    "the desk": Page("/desk/{blog}/", MEMBERS, shows="Waiting for review"),
    "the desk's panels": Page("/desk/{blog}/panels", MEMBERS, shows="Waiting for review"),
    "the settings": Page("/desk/{blog}/settings", MEMBERS, shows="Time zone"),
    "the members": Page("/desk/{blog}/members", MEMBERS, shows="Members"),
    "the activity log": Page("/desk/{blog}/activity", MEMBERS, shows="Activity"),
    "the edit form of their own draft": Page(
        ENTRY + "/edit", MEMBERS, OWN_DRAFT, shows="Edit entry"
    ),
    "an entry's history": Page(ENTRY + "/history", MEMBERS, PUBLISHED, shows="History of"),
    "the takedown form of an entry": Page(
        ENTRY + "/takedown", PUBLISHERS, PUBLISHED, shows="What a takedown does"
    ),
    "the history of their own draft": Page(
        ENTRY + "/history", MEMBERS, OWN_DRAFT, shows="History of"
    ),
    # A colleague's unpublished entry does not exist for a contributor: 404, as for no entry.
    "the edit form of someone else's draft": Page(
        ENTRY + "/edit", PUBLISHERS, Setting("draft"), shows="Edit entry"
    ),
    "the edit form of someone else's submission": Page(
        ENTRY + "/edit", PUBLISHERS, Setting("submitted"), shows="Edit entry"
    ),
    "the history of someone else's draft": Page(
        ENTRY + "/history", PUBLISHERS, Setting("draft"), shows="History of"
    ),
    "the history of someone else's submission": Page(
        ENTRY + "/history", PUBLISHERS, Setting("submitted"), shows="History of"
    ),
    "the history of someone else's scheduled entry": Page(
        ENTRY + "/history", PUBLISHERS, Setting("scheduled"), shows="History of"
    ),
    "the history of someone else's deleted draft": Page(
        ENTRY + "/history", PUBLISHERS, Setting("deleted"), shows="History of"
    ),
}


def _sentence(who: str, allowed: bool, what: str) -> str:
    return f"{who} {'may' if allowed else 'may not'} {what}"


def _cases(table: dict[str, Any], verb: str = "") -> list[Any]:
    return [
        pytest.param(name, who, id=_sentence(who, who in item.allowed, verb + name))
        for name, item in table.items()
        for who in CALLERS
    ]


def _hidden_from(who: str, setting: Setting) -> bool:
    """Whether the entry the call names is a colleague's unpublished one, for a contributor."""
    return (
        who == CONTRIBUTOR
        and setting.entry not in {None, "published"}
        and setting.written_by != CONTRIBUTOR
    )


def _assert_hidden(response: Any) -> None:
    assert response.status_code == 404, (response.status_code, text(response)[:500])
    assert "no entry" in text(response).lower()


def _assert_refused(response: Any, who: str, path: str, role_words: str) -> None:
    if who == ANONYMOUS:
        if response["Content-Type"].startswith("application/json"):
            assert response.status_code == 401  # a script's call (an autosave): told, not sent
            return
        assert login_redirect_of(response) == path
        return
    assert response.status_code == 403, (response.status_code, text(response)[:500])
    if response["Content-Type"].startswith("application/json"):
        message = json.loads(response.content)["error"]["message"]
    else:
        message = text(response)
    assert role_words in message.lower()


def _role_words(who: str) -> str:
    if who == STRANGER:
        return "you are not a member of this live blog"
    return f"your role is {who.split()[-1]}"


@pytest.mark.parametrize(("name", "who"), _cases(POSTS))
def test_each_desk_post_is_open_to_the_right_roles_only(team: Team, name: str, who: str) -> None:
    post = POSTS[name]
    names = post.setting.arrange(team)
    caller = _user(team, who)
    names["me"] = caller.pk if caller else 0
    path = post.path.format(**names)
    data: dict[str, Any] = {
        key: value.format(**names) if isinstance(value, str) else value
        for key, value in post.data.items()
    }
    for name_of_file in post.files:
        data[name_of_file] = upload(png())
    client = team.client_of(caller)
    before = state()

    response = client.post(path, data)

    changed = differences(before, state())
    if who in post.allowed:
        assert response.status_code == post.ok, (response.status_code, text(response)[:800])
        if post.changes is None:
            assert changed == []
        else:
            assert post.changes in changed
    else:
        assert changed == [], f"a refused post changed {changed}"
        if path == "/desk/new" and who != ANONYMOUS:
            assert response.status_code == 403
            assert "you may not create live blogs" in text(response).lower()
        elif _hidden_from(who, post.setting):
            _assert_hidden(response)
        else:
            _assert_refused(response, who, path, _role_words(who))


@pytest.mark.parametrize(("name", "who"), _cases(PAGES, verb="open "))
def test_each_desk_page_is_open_to_the_right_roles_only(team: Team, name: str, who: str) -> None:
    page = PAGES[name]
    names = page.setting.arrange(team)
    path = page.path.format(**names)
    client = team.client_of(_user(team, who))

    response = client.get(path)

    if who in page.allowed:
        assert response.status_code == 200, (response.status_code, text(response)[:500])
        assert page.shows in text(response)
    elif path == "/desk/new" and who != ANONYMOUS:
        assert response.status_code == 403
        assert "you may not create live blogs" in text(response).lower()
    elif _hidden_from(who, page.setting):
        _assert_hidden(response)
    else:
        _assert_refused(response, who, path, _role_words(who))


def test_a_refusal_page_is_the_desks_own_and_offers_the_way_back(team: Team) -> None:
    response = team.client_of(team.contributor).post(
        f"/desk/{team.blog.slug}/status/end", {"next": f"/desk/{team.blog.slug}/"}
    )

    assert response.status_code == 403
    page = text(response)
    assert "Bulletin desk" in page
    assert "You may not start or end coverage of this live blog: your role is contributor." in page
    assert 'href="/desk/"' in page


def test_a_blog_that_does_not_exist_is_a_404_page_for_anyone_signed_in(team: Team) -> None:
    client = team.client_of(team.owner)

    for path in ("/desk/no-such-blog/", "/desk/no-such-blog/entries/1/pin"):
        response = client.post(path) if path.endswith("pin") else client.get(path)
        assert response.status_code == 404
        assert "No live blog called 'no-such-blog'" in text(response)


def test_an_entry_of_another_blog_is_not_found_through_this_blogs_desk(team: Team, make) -> None:
    elsewhere = make.entry(make.blog(owner=team.owner), status="draft")
    client = team.client_of(team.owner)

    with_changes = state()
    response = client.post(f"/desk/{team.blog.slug}/entries/{elsewhere.pk}/publish")

    assert response.status_code == 404
    assert differences(with_changes, state()) == []
