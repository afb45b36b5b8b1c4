"""Who may write and read what over API v1: every route against every kind of caller.

Owners do everything; editors run coverage, publish and curate; contributors write drafts;
members of another blog and anonymous callers write nothing. A refused write changes nothing.
Unpublished entries exist only for their writer and for editors and owners (404 otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from bulletin.accounts.models import Role
from bulletin.blogs import services
from bulletin.blogs.models import Entry, LiveBlog
from tests.api.support import Api, error_of, json_of, writes_nothing

OWNER, EDITOR, CONTRIBUTOR, OUTSIDER, ANONYMOUS = (
    "owner",
    "editor",
    "contributor",
    "member of another blog",
    "anonymous",
)
CALLERS = [OWNER, EDITOR, CONTRIBUTOR, OUTSIDER, ANONYMOUS]
CONFIGURERS = frozenset({OWNER})
PUBLISHERS = frozenset({OWNER, EDITOR})  # also curators and coverage runners
WRITERS = frozenset({OWNER, EDITOR, CONTRIBUTOR})


@dataclass(frozen=True)
class Write:
    method: str
    path: str  # under /blogs/{slug}; "{entry}" is the entry the write acts on
    allowed: frozenset[str]
    body: dict[str, Any] | None = None
    entry: str | None = None  # status of the entry to act on (created by the owner)
    blog: str = "live"  # "ended" for the routes that need it
    pinned: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    selects: bool = False  # the body's "entries" lists the entry (a bulk action)


WRITES = {
    "update blog": Write("PATCH", "", CONFIGURERS, {"title": "Renamed"}),
    "go live": Write("POST", "/live", PUBLISHERS, blog="ended"),
    "end coverage": Write("POST", "/end", PUBLISHERS),
    "archive": Write("POST", "/archive", CONFIGURERS, blog="ended"),
    "replace key points": Write(
        "PUT", "/key-points", PUBLISHERS, {"key_points": [{"text": "Quay closed"}]}
    ),
    "publish a new entry": Write("POST", "/entries", PUBLISHERS, {"headline": "Quay"}),
    "save a new draft": Write("POST", "/entries", WRITERS, {"headline": "Quay", "status": "draft"}),
    "submit a new entry": Write(
        "POST", "/entries", WRITERS, {"headline": "Quay", "status": "submitted"}
    ),
    "schedule a new entry": Write(
        "POST",
        "/entries",
        PUBLISHERS,
        {"headline": "Quay", "status": "scheduled", "scheduled_for": "2100-01-01T00:00:00Z"},
    ),
    "edit a published entry": Write(
        "PATCH",
        "/entries/{entry}",
        PUBLISHERS,
        {"headline": "Edited"},
        "published",
        headers={"if_match": '"1"'},
    ),
    "edit someone else's draft": Write(
        "PATCH",
        "/entries/{entry}",
        PUBLISHERS,
        {"headline": "Edited"},
        "draft",
        headers={"if_match": '"1"'},
    ),
    "delete a published entry": Write("DELETE", "/entries/{entry}", PUBLISHERS, None, "published"),
    "submit someone else's draft": Write(
        "POST", "/entries/{entry}/submit", PUBLISHERS, None, "draft"
    ),
    "approve": Write(
        "POST",
        "/entries/{entry}/approve",
        PUBLISHERS,
        None,
        "submitted",
        headers={"if_match": '"1"'},
    ),
    "reject": Write("POST", "/entries/{entry}/reject", PUBLISHERS, None, "submitted"),
    "publish a draft": Write(
        "POST", "/entries/{entry}/publish", PUBLISHERS, None, "draft", headers={"if_match": '"1"'}
    ),
    "unpublish": Write("POST", "/entries/{entry}/unpublish", PUBLISHERS, None, "published"),
    "unpublish in bulk": Write(
        "POST", "/entries/bulk", PUBLISHERS, {"action": "unpublish"}, "published", selects=True
    ),
    "delete in bulk": Write(
        "POST", "/entries/bulk", PUBLISHERS, {"action": "delete"}, "published", selects=True
    ),
    "mark key events in bulk": Write(
        "POST", "/entries/bulk", PUBLISHERS, {"action": "key-event"}, "published", selects=True
    ),
    "take down": Write(
        "POST", "/entries/{entry}/takedown", PUBLISHERS, {"reason": "Court order"}, "published"
    ),
    "schedule a draft": Write(
        "POST",
        "/entries/{entry}/schedule",
        PUBLISHERS,
        {"scheduled_for": "2100-01-01T00:00:00Z"},
        "draft",
    ),
    "mark a key event": Write(
        "PUT", "/entries/{entry}/key-event", PUBLISHERS, {"key_event": True}, "published"
    ),
    "pin": Write("POST", "/entries/{entry}/pin", PUBLISHERS, None, "published"),
    "unpin": Write("DELETE", "/entries/{entry}/pin", PUBLISHERS, None, "published", pinned=True),
}


def _caller(make, api_as, blog: LiveBlog, who: str):
    if who == ANONYMOUS:
        return Api(Client())
    if who == OWNER:
        return api_as(make.owner_of(blog))
    if who == OUTSIDER:
        return api_as(make.owner_of(make.blog()))
    return api_as(make.member(blog, Role.EDITOR if who == EDITOR else Role.CONTRIBUTOR))


def _refusal(write: Write, who: str) -> int:
    if who == ANONYMOUS:
        return 401
    hidden_entry = write.entry is not None and write.entry != "published"
    # Unpublished entries (here the owner's) do not exist for people outside the blog's desk,
    # nor for a contributor, who sees only their own.
    return 404 if who in {OUTSIDER, CONTRIBUTOR} and hidden_entry else 403


def _seq(blog: LiveBlog) -> int:
    return LiveBlog.objects.values_list("seq", flat=True).get(pk=blog.pk)


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("name", list(WRITES))
def test_each_write_route_is_open_to_the_right_roles_only(make, api_as, name, who):
    write = WRITES[name]
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog, status=write.entry) if write.entry else None
    if write.pinned:
        services.pin_entry(owner, blog, entry)
    if write.blog == "ended":
        services.end_coverage(owner, blog)
    api = _caller(make, api_as, blog, who)
    path = f"/blogs/{blog.slug}" + write.path.format(entry=entry.pk if entry else "")
    body = write.body if write.body is not None else {}
    if write.selects and entry is not None:
        body = {**body, "entries": [entry.pk]}
    seq = _seq(blog)

    if who in write.allowed:
        response = api.call(write.method, path, body, **write.headers)
        assert 200 <= response.status_code < 300, (response.status_code, response.content)
        assert _seq(blog) > seq
    else:
        with writes_nothing():
            response = api.call(write.method, path, body, **write.headers)
        error = error_of(response, _refusal(write, who))
        assert error["code"] in {"not_authenticated", "permission_denied", "not_found"}


def test_a_contributor_edits_and_deletes_their_own_draft_but_not_once_it_is_published(make, api_as):
    blog = make.blog()
    contributor = make.member(blog, Role.CONTRIBUTOR)
    api = api_as(contributor)
    own = make.entry(blog, by=contributor, status="draft")
    published = make.entry(blog, by=contributor, status="draft")
    services.publish_draft(make.owner_of(blog), published)
    base = f"/blogs/{blog.slug}/entries"

    assert (
        json_of(api.patch(f"{base}/{own.pk}", {"headline": "Mine"}, if_match="1"))["headline"]
        == "Mine"
    )
    with writes_nothing():
        error_of(api.patch(f"{base}/{published.pk}", {"headline": "x"}, if_match="2"), 403)
        error_of(api.delete(f"{base}/{published.pk}"), 403)
    assert api.delete(f"{base}/{own.pk}").status_code == 204
    assert Entry.objects.get(pk=own.pk).status == "deleted"


def test_only_staff_may_create_blogs(make, api_as, anonymous):
    body = {"slug": "quay", "title": "Quay Live Updates"}

    with writes_nothing():
        error_of(anonymous.post("/blogs", body), 401)
        error_of(api_as(make.user()).post("/blogs", body), 403)
    assert json_of(api_as(make.staff()).post("/blogs", body), 201)["slug"] == "quay"


# --- the desk's session -----------------------------------------------------------------

CSRF_SECRET = "k" * 32  # Django accepts the unmasked 32-character secret as the token too


def _signed_in(user) -> Api:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF_SECRET
    return Api(client)


def test_a_signed_in_session_writes_only_with_the_csrf_token(desk):
    api = _signed_in(desk.owner)

    with writes_nothing():
        refused = api.patch(desk.path, {"title": "Forged"})
    accepted = api.patch(desk.path, {"title": "Harbour storm, day two"}, x_csrftoken=CSRF_SECRET)

    assert error_of(refused, 403)["code"] == "permission_denied"
    assert "CSRF" in error_of(refused, 403)["message"]
    assert json_of(accepted)["title"] == "Harbour storm, day two"


def test_a_signed_in_session_reads_drafts_without_a_csrf_token(desk, make):
    draft = make.entry(desk.blog, status="draft")

    page = json_of(_signed_in(desk.owner).get(f"{desk.path}/entries?status=draft"))

    assert [item["id"] for item in page["items"]] == [draft.pk]


def test_a_session_is_held_to_the_users_role(desk, make):
    contributor = make.member(desk.blog, Role.CONTRIBUTOR)

    with writes_nothing():
        response = _signed_in(contributor).post(
            f"{desk.path}/entries", {"headline": "Quay"}, x_csrftoken=CSRF_SECRET
        )

    assert error_of(response, 403)["code"] == "permission_denied"


# --- reads ------------------------------------------------------------------------------
# Every read route, for every caller: an unpublished entry exists only for its writer and for
# editors and owners. For anyone else it is 404, exactly as an entry that never was.

EVERYONE = frozenset(CALLERS)


@dataclass(frozen=True)
class Read:
    path: str  # under /blogs/{slug}; "{entry}" is the entry of the setting
    allowed: frozenset[str]  # who gets it; the rest get `refused`
    entry: str | None = None  # status of an entry, written by the owner (or the contributor)
    by_contributor: bool = False
    refused: int = 404
    lists_entry: bool = False  # the answer is a list that names the entry for those allowed
    blog: str = "live"


READS = {
    "the blog": Read("", EVERYONE),
    "the key points": Read("/key-points", EVERYONE),
    "the change feed": Read("/changes?since=0", EVERYONE),
    "a draft blog": Read("", WRITERS, blog="draft"),
    "a draft blog's change feed": Read("/changes?since=0", WRITERS, blog="draft"),
    "a draft blog's entries": Read("/entries", WRITERS, blog="draft"),
    "a published entry": Read("/entries/{entry}", EVERYONE, "published"),
    "someone else's draft": Read("/entries/{entry}", PUBLISHERS, "draft"),
    "someone else's submission": Read("/entries/{entry}", PUBLISHERS, "submitted"),
    "someone else's scheduled entry": Read("/entries/{entry}", PUBLISHERS, "scheduled"),
    "their own draft": Read("/entries/{entry}", WRITERS, "draft", by_contributor=True),
    "the published entries": Read("/entries", EVERYONE, "published", lists_entry=True),
    "the list of drafts, with someone else's": Read(
        "/entries?status=draft", PUBLISHERS, "draft", lists_entry=True
    ),
    "the list of submissions, with someone else's": Read(
        "/entries?status=submitted", PUBLISHERS, "submitted", lists_entry=True
    ),
    "the list of scheduled entries, with someone else's": Read(
        "/entries?status=scheduled", PUBLISHERS, "scheduled", lists_entry=True
    ),
    "the list of drafts, with their own": Read(
        "/entries?status=draft", WRITERS, "draft", by_contributor=True, lists_entry=True
    ),
}


def _listing_status(read: Read, who: str) -> int:
    # Lists of unpublished entries are for the desk: 401 for nobody, 403 for outsiders; a
    # contributor gets the list, without what they may not see.
    if "status=" not in read.path or who in WRITERS:
        return 200
    return 401 if who == ANONYMOUS else 403


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("name", list(READS))
def test_each_read_route_shows_unpublished_entries_only_to_those_who_may_see_them(
    make, api_as, name, who
):
    read = READS[name]
    blog = make.blog(live=read.blog == "live")
    owner = make.owner_of(blog)
    contributor = make.member(blog, Role.CONTRIBUTOR)
    api = _reader(make, api_as, blog, who, contributor)
    entry = None
    if read.entry is not None:
        made = "draft" if read.entry == "scheduled" else read.entry
        entry = make.entry(blog, contributor if read.by_contributor else owner, status=made)
        if read.entry == "scheduled":
            services.schedule_entry(owner, entry, timezone.now() + timedelta(days=1))

    response = api.get(f"/blogs/{blog.slug}" + read.path.format(entry=entry.pk if entry else ""))

    if read.lists_entry:
        status = _listing_status(read, who)
        body = json_of(response, status)
        if status == 200:
            listed = [item["id"] for item in body["items"]]
            assert (entry.pk in listed) == (who in read.allowed), listed
    elif who in read.allowed:
        json_of(response)
    else:
        error = error_of(response, read.refused)
        assert error["code"] == "not_found"


def _reader(make, api_as, blog: LiveBlog, who: str, contributor):
    if who == CONTRIBUTOR:
        return api_as(contributor)
    return _caller(make, api_as, blog, who)
