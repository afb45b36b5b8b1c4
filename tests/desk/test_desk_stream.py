"""The desk's live stream over real connections to a real `bulletin serve`.

People sign in over HTTP as a browser does (the sign-in page's CSRF token, then the session
cookie), and the stream is read from the socket. Only generous timeouts for waiting are used;
nothing here measures how fast anything is.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from typing import Any

import pytest

from bulletin.accounts.models import Membership, Role, User
from bulletin.blogs.models import Entry, LiveBlog
from bulletin.desk.models import EntryDraft
from tests.desk.support import LOGIN
from tests.factories import Factory
from tests.realtime.support import Event, Server, SSEClient

PASSWORD = "a-long-test-password"  # what tests/factories.py gives every user
WAIT = 15  # seconds to wait for something to arrive; never an assertion about speed


class Browser:
    """A person at the desk over HTTP: a cookie jar, signed in through the sign-in form."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next(cookie.value or "" for cookie in self.jar if cookie.name == name)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def get(self, path: str) -> str:
        with self.opener.open(self.server.base + path, timeout=WAIT) as response:
            return str(response.read().decode())

    def post(self, path: str, data: dict[str, Any]) -> str:
        """Post a form as the desk's pages do, with the CSRF token in its header."""
        request = urllib.request.Request(
            self.server.base + path,
            data=urllib.parse.urlencode(data, doseq=True).encode(),
            headers={"X-CSRFToken": self.cookie("csrftoken")},
            method="POST",
        )
        with self.opener.open(request, timeout=WAIT) as response:
            return str(response.read().decode())

    def sign_in(self, user: User) -> Browser:
        page = self.get(LOGIN)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the sign-in page"
        form = {
            "username": user.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1),
        }
        request = urllib.request.Request(
            self.server.base + LOGIN, data=urllib.parse.urlencode(form).encode(), method="POST"
        )
        with self.opener.open(request, timeout=WAIT) as response:
            assert urllib.parse.urlsplit(response.url).path == "/desk/"  # landed on the desk
        assert self.cookie("sessionid")
        return self

    def stream(self, slug: str, **headers: str) -> SSEClient:
        return SSEClient(
            self.server.port, f"/desk/{slug}/events", {"Cookie": self.cookie_header, **headers}
        )


def _changes(stream: SSEClient, count: int) -> list[Event]:
    """The next ``count`` change events (presence events in between are read and skipped)."""
    found: list[Event] = []
    while len(found) < count:
        events = stream.events(1, timeout=WAIT)
        if not events:
            break
        found += [event for event in events if event.kind == "change"]
    return found


def _next_presence(stream: SSEClient, wanted: Callable[[dict[str, Any]], bool]) -> Any:
    """Read events until a presence event whose data is ``wanted``; None after the wait."""
    for _attempt in range(20):
        events = stream.events(1, timeout=WAIT)
        if not events:
            return None
        for event in events:
            if event.kind == "presence" and wanted(event.json()):
                return event.json()
    return None


def _api_publish(server: Server, blog: LiveBlog, token: str, headline: str) -> int:
    request = urllib.request.Request(
        f"{server.base}/api/v1/blogs/{blog.slug}/entries",
        data=json.dumps({"headline": headline}).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=WAIT) as response:
        return int(json.loads(response.read())["id"])


class Desk:
    def __init__(self) -> None:
        make = Factory()
        self.make = make
        self.blog = make.blog(title="Harbour storm Live Updates")
        self.owner = make.owner_of(self.blog)
        self.contributor = make.member(self.blog, Role.CONTRIBUTOR)
        User.objects.filter(pk=self.contributor.pk).update(display_name="Cal Contributor")
        self.token = make.token(self.owner)


@pytest.fixture
def desk(transactional_db: None) -> Desk:
    return Desk()


def test_a_draft_arrives_as_a_desk_change_and_a_publish_as_an_entry_change(
    desk: Desk, serve: Callable[..., Server]
) -> None:
    server = serve()
    owner = Browser(server).sign_in(desk.owner)
    contributor = Browser(server).sign_in(desk.contributor)
    stream = owner.stream(desk.blog.slug)
    assert stream.status == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert stream.headers["cache-control"] == "private, no-store"

    contributor.post(
        f"/desk/{desk.blog.slug}/entries", {"action": "draft", "headline": "Ferry times"}
    )
    [drafted] = _changes(stream, 1)
    published_id = _api_publish(server, desk.blog, desk.token, "Quay closed")
    [published] = _changes(stream, 1)

    draft = drafted.json()
    assert (draft["kind"], draft["action"], draft["public"]) == ("desk", "entry.drafted", False)
    assert draft["actor"] == "Cal Contributor"
    assert draft["mine"] is False
    assert drafted.id == draft["seq"]
    change = published.json()
    assert (change["kind"], change["action"], change["public"]) == (
        "entry",
        "entry.published",
        True,
    )
    assert change["entry_id"] == published_id
    assert change["mine"] is True
    assert published.id == drafted.id + 1


def test_a_reconnect_with_last_event_id_resumes_exactly_after_it(
    desk: Desk, serve: Callable[..., Server]
) -> None:
    server = serve()
    owner = Browser(server).sign_in(desk.owner)
    first = owner.stream(desk.blog.slug)
    _api_publish(server, desk.blog, desk.token, "Seen")
    [seen] = _changes(first, 1)
    first.close()
    missed = [_api_publish(server, desk.blog, desk.token, f"Missed {n}") for n in range(3)]

    again = owner.stream(desk.blog.slug, **{"Last-Event-ID": str(seen.id)})
    caught_up = _changes(again, 3)

    assert seen.id is not None
    assert [event.id for event in caught_up] == [seen.id + 1, seen.id + 2, seen.id + 3]
    assert [event.json()["entry_id"] for event in caught_up] == missed
    assert [event for event in again.events(2, timeout=3) if event.kind == "change"] == []


def test_a_since_that_is_not_a_number_starts_the_stream_from_now(
    desk: Desk, serve: Callable[..., Server]
) -> None:
    server = serve()
    owner = Browser(server).sign_in(desk.owner)
    # "²" passes str.isdigit() but not int(): it once made the stream answer 500.
    stream = SSEClient(
        server.port,
        f"/desk/{desk.blog.slug}/events?since=%C2%B2",
        {"Cookie": owner.cookie_header},
    )
    published_id = _api_publish(server, desk.blog, desk.token, "After the odd header")

    [change] = _changes(stream, 1)

    assert stream.status == 200
    assert change.json()["entry_id"] == published_id


def test_the_stream_is_refused_in_json_to_anonymous_callers_and_to_non_members(
    desk: Desk, serve: Callable[..., Server]
) -> None:
    server = serve()
    stranger = Browser(server).sign_in(desk.make.user())
    answers = {}
    for who, headers in (("anonymous", {}), ("stranger", {"Cookie": stranger.cookie_header})):
        request = urllib.request.Request(
            f"{server.base}/desk/{desk.blog.slug}/events", headers=headers
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=WAIT)
        assert refused.value.headers["Content-Type"] == "application/json"
        answers[who] = (refused.value.code, json.loads(refused.value.read())["error"])

    assert answers["anonymous"][0] == 401
    assert answers["anonymous"][1]["code"] == "not_authenticated"
    assert answers["stranger"][0] == 403
    assert answers["stranger"][1]["code"] == "permission_denied"
    assert "you are not a member of this live blog" in answers["stranger"][1]["message"]


def test_an_editing_heartbeat_reaches_the_rest_of_the_desk_as_presence(
    desk: Desk, serve: Callable[..., Server]
) -> None:
    entry = desk.make.entry(desk.blog, headline="Bridge closed")
    server = serve()
    owner = Browser(server).sign_in(desk.owner)
    contributor = Browser(server).sign_in(desk.contributor)
    stream = owner.stream(desk.blog.slug)
    heartbeat = f"/desk/{desk.blog.slug}/entries/{entry.pk}/editing"

    answer = json.loads(contributor.post(heartbeat, {"state": "open"}))
    opened = _next_presence(stream, lambda data: bool(data["editing"]))
    contributor.post(heartbeat, {"state": "closed"})
    closed = _next_presence(stream, lambda data: not data["editing"])

    assert answer["others"] == []
    assert opened == {"editing": {str(entry.pk): ["Cal Contributor"]}}
    assert closed == {"editing": {}}


def _kinds_within(stream: SSEClient, kind: str, seconds: float) -> list[Any]:
    """The data of every ``kind`` event read within ``seconds``."""
    return [event.json() for event in stream.events(100, timeout=seconds) if event.kind == kind]


def test_a_kept_edit_draft_reaches_the_editors_desk_as_drafts_but_not_a_colleagues(
    desk: Desk, serve: Callable[..., Server]
) -> None:
    entry = desk.make.entry(desk.blog, desk.contributor, status="draft", headline="Bridge closed")
    colleague = desk.make.member(desk.blog, Role.CONTRIBUTOR)
    server = serve()
    owner = Browser(server).sign_in(desk.owner).stream(desk.blog.slug)
    other = Browser(server).sign_in(colleague).stream(desk.blog.slug)
    writer = Browser(server).sign_in(desk.contributor)

    writer.post(
        f"/desk/{desk.blog.slug}/entries/{entry.pk}/drafts/{desk.contributor.pk}",
        {"revision": str(entry.revision), "draft_version": "0", "headline": "Bridge open"},
    )
    draft = EntryDraft.objects.get()

    heard = None
    for _attempt in range(20):
        said = _kinds_within(owner, "drafts", 1)
        if said:
            heard = said[-1]
            break
    assert heard == {"signature": f"{draft.pk}.1"}
    # Presence polls at most every few seconds: long enough for the colleague to have heard.
    assert _kinds_within(other, "drafts", 8) == []


# --- access ends, the stream ends -------------------------------------------------------------

ENDS_WITHIN = 10  # seconds after access is gone; the stream checks every few seconds


def _ends(stream: SSEClient) -> list[Event]:
    """Read until the stream closes (at most ENDS_WITHIN seconds); the events on the way."""
    started = time.monotonic()
    seen: list[Event] = []
    while not stream.closed and time.monotonic() - started < ENDS_WITHIN:
        seen += stream.events(1, timeout=1)
    assert stream.closed, f"the stream still flows {ENDS_WITHIN} s after access was removed"
    return seen


def _remove_membership(desk: Desk, browser: Browser) -> None:
    Membership.objects.filter(blog=desk.blog, user=desk.contributor).delete()


def _deactivate(desk: Desk, browser: Browser) -> None:
    User.objects.filter(pk=desk.contributor.pk).update(is_active=False)


def _sign_out(desk: Desk, browser: Browser) -> None:
    browser.post("/desk/logout/", {})


@pytest.mark.parametrize("take_away", [_remove_membership, _deactivate, _sign_out])
def test_the_stream_ends_within_seconds_of_access_going_and_says_so(
    desk: Desk, serve: Callable[..., Server], take_away: Callable[[Desk, Browser], None]
) -> None:
    server = serve()
    contributor = Browser(server).sign_in(desk.contributor)
    stream = contributor.stream(desk.blog.slug)
    _api_publish(server, desk.blog, desk.token, "Before")
    assert [event.json()["action"] for event in _changes(stream, 1)] == ["entry.published"]

    take_away(desk, contributor)  # and nothing else happens on the blog
    seen = _ends(stream)

    assert [event.kind for event in seen if event.kind != "presence"][-1:] == ["closed"]


def test_a_change_after_removal_is_not_sent_to_the_removed_member(
    desk: Desk, serve: Callable[..., Server]
) -> None:
    server = serve()
    contributor = Browser(server).sign_in(desk.contributor)
    stream = contributor.stream(desk.blog.slug)
    _api_publish(server, desk.blog, desk.token, "Before")
    assert len(_changes(stream, 1)) == 1

    _remove_membership(desk, contributor)
    _api_publish(server, desk.blog, desk.token, "After access went")
    seen = _ends(stream)

    assert [event.kind for event in seen] == ["closed"]


def test_a_contributors_stream_leaves_out_a_colleagues_draft_but_not_published_news(
    desk: Desk, serve: Callable[..., Server]
) -> None:
    colleague = desk.make.member(desk.blog, Role.CONTRIBUTOR)
    server = serve()
    contributor = Browser(server).sign_in(desk.contributor)
    other = Browser(server).sign_in(colleague)
    stream = contributor.stream(desk.blog.slug)

    other.post(f"/desk/{desk.blog.slug}/entries", {"action": "draft", "headline": "Theirs"})
    contributor.post(f"/desk/{desk.blog.slug}/entries", {"action": "draft", "headline": "Mine"})
    published = _api_publish(server, desk.blog, desk.token, "News")
    changes = _changes(stream, 2)

    theirs = Entry.objects.get(headline="Theirs")
    assert [(event.json()["action"], event.json()["mine"]) for event in changes] == [
        ("entry.drafted", True),
        ("entry.published", False),
    ]
    assert changes[1].json()["entry_id"] == published
    assert theirs.pk not in [event.json()["entry_id"] for event in changes]
    assert [event for event in stream.events(2, timeout=3) if event.kind == "change"] == []
