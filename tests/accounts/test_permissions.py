"""Who may do what: every write service against every role, and a refusal writes nothing.

Owners may do everything. Editors may do everything except change the blog's settings, archive
it and manage its members. Contributors may write drafts and submit them, and edit or delete
their own drafts; nothing that readers see. Anyone else is refused: 401 for nobody, 403 for
people signed in without a role on this blog (including members of another blog).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.utils import timezone

from bulletin.accounts import members
from bulletin.accounts.models import Role, User
from bulletin.accounts.permissions import Action, can, can_create_blogs, require, role_of
from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields, ContributorFields, EntryFields
from bulletin.blogs.media import save_image
from bulletin.blogs.models import Entry, LiveBlog
from bulletin.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from tests.blogs.portable import picture_upload
from tests.blogs.support import writes_nothing
from tests.factories import Factory

ROLES = ("owner", "editor", "contributor", "member_elsewhere", "stranger", "anonymous")
OWNER = frozenset({"owner"})
EDITORS = frozenset({"owner", "editor"})
WRITERS = frozenset({"owner", "editor", "contributor"})


@dataclass
class Newsroom:
    make: Factory
    blog: LiveBlog
    owner: User
    contributor: User
    actors: dict[str, Any]

    def draft(self, by: User, status: str = "draft") -> Entry:
        return self.make.entry(self.blog, by, status=status, headline="Unconfirmed")

    def published(self, by: User | None = None) -> Entry:
        return self.make.entry(self.blog, by or self.owner)


def newsroom(make: Factory) -> Newsroom:
    blog = make.blog()
    owner = make.owner_of(blog)
    contributor = make.member(blog, Role.CONTRIBUTOR)
    actors = {
        "owner": owner,
        "editor": make.member(blog, Role.EDITOR),
        "contributor": contributor,
        "member_elsewhere": make.member(make.blog(), Role.OWNER),
        "stranger": make.user(),
        "anonymous": AnonymousUser(),
    }
    return Newsroom(make, blog, owner, contributor, actors)


Act = Callable[[Any], object]
CASES: dict[str, tuple[Callable[[Newsroom], Act], frozenset[str]]] = {}


def case(allowed: frozenset[str]):
    """Register a write: ``prepare(newsroom)`` sets the scene and returns ``act(actor)``."""

    def register(prepare: Callable[[Newsroom], Act]) -> Callable[[Newsroom], Act]:
        CASES[prepare.__name__] = (prepare, allowed)
        return prepare

    return register


# --- the blog ----------------------------------------------------------------------------


@case(OWNER)
def update_blog(n):
    return lambda actor: services.update_blog(actor, n.blog, BlogFields(title="Renamed"))


@case(OWNER)
def archive_blog(n):
    services.end_coverage(n.owner, n.blog)
    return lambda actor: services.archive_blog(actor, n.blog)


@case(OWNER)
def set_role(n):
    newcomer = n.make.user()
    return lambda actor: members.set_role(actor, n.blog, newcomer, Role.EDITOR)


@case(OWNER)
def create_contributor(n):
    return lambda actor: services.create_contributor(actor, n.blog, ContributorFields(name="Ana"))


@case(OWNER)
def update_contributor(n):
    ana = services.create_contributor(n.owner, n.blog, ContributorFields(name="Ana"))
    return lambda actor: services.update_contributor(
        actor, n.blog, ana, ContributorFields(role="Stringer")
    )


@case(OWNER)
def delete_contributor(n):
    ana = services.create_contributor(n.owner, n.blog, ContributorFields(name="Ana"))
    return lambda actor: services.delete_contributor(actor, n.blog, ana)


@case(OWNER)
def remove_member(n):
    colleague = n.make.member(n.blog, Role.CONTRIBUTOR)
    return lambda actor: members.remove_member(actor, n.blog, colleague)


@case(EDITORS)
def end_coverage(n):
    return lambda actor: services.end_coverage(actor, n.blog)


@case(EDITORS)
def go_live_again(n):
    services.end_coverage(n.owner, n.blog)
    return lambda actor: services.go_live(actor, n.blog)


@case(EDITORS)
def set_key_points(n):
    return lambda actor: services.set_key_points(actor, n.blog, ["Roads closed"])


@case(EDITORS)
def pin_entry(n):
    entry = n.published()
    return lambda actor: services.pin_entry(actor, n.blog, entry)


@case(EDITORS)
def unpin(n):
    services.pin_entry(n.owner, n.blog, n.published())
    return lambda actor: services.pin_entry(actor, n.blog, None)


@case(EDITORS)
def set_key_event(n):
    entry = n.published()
    return lambda actor: services.set_key_event(actor, entry, True)


# --- new entries -------------------------------------------------------------------------


@case(EDITORS)
def publish_entry(n):
    return lambda actor: services.publish_entry(actor, n.blog, EntryFields(headline="News"))


@case(EDITORS)
def create_scheduled_entry(n):
    when = timezone.now() + timedelta(hours=1)
    return lambda actor: services.create_entry(
        actor, n.blog, EntryFields(headline="Later"), status="scheduled", scheduled_for=when
    )


@case(WRITERS)
def save_draft(n):
    return lambda actor: services.save_draft(actor, n.blog, EntryFields(headline="Draft"))


@case(WRITERS)
def create_submitted_entry(n):
    return lambda actor: services.create_entry(
        actor, n.blog, EntryFields(headline="Please check"), status="submitted"
    )


# --- the review queue --------------------------------------------------------------------


@case(WRITERS)
def submit_own_draft(n):
    draft = n.draft(n.contributor)  # the contributor's own; editors may submit anyone's
    return lambda actor: services.submit_for_review(actor, draft)


@case(EDITORS)
def submit_someone_elses_draft(n):
    draft = n.draft(n.owner)
    return lambda actor: services.submit_for_review(actor, draft)


@case(EDITORS)
def approve_entry(n):
    submitted = n.draft(n.contributor, status="submitted")
    return lambda actor: services.approve_entry(actor, submitted)


@case(EDITORS)
def reject_entry(n):
    submitted = n.draft(n.contributor, status="submitted")
    return lambda actor: services.reject_entry(actor, submitted)


@case(EDITORS)
def publish_draft(n):
    draft = n.draft(n.contributor)
    return lambda actor: services.publish_draft(actor, draft)


@case(EDITORS)
def schedule_entry(n):
    draft = n.draft(n.contributor)
    when = timezone.now() + timedelta(hours=1)
    return lambda actor: services.schedule_entry(actor, draft, when)


@case(EDITORS)
def unpublish_entry(n):
    entry = n.published()
    return lambda actor: services.unpublish_entry(actor, entry)


# --- editing and deleting ----------------------------------------------------------------


@case(WRITERS)
def update_own_draft(n):
    draft = n.draft(n.contributor)
    return lambda actor: services.update_entry(actor, draft, EntryFields(headline="Better"))


@case(WRITERS)
def update_own_submitted_entry(n):
    submitted = n.draft(n.contributor, status="submitted")
    return lambda actor: services.update_entry(actor, submitted, EntryFields(headline="Fix"))


@case(EDITORS)
def update_someone_elses_draft(n):
    draft = n.draft(n.owner)
    return lambda actor: services.update_entry(actor, draft, EntryFields(headline="Mine now"))


@case(EDITORS)
def update_published_entry(n):
    entry = n.published()
    return lambda actor: services.update_entry(actor, entry, EntryFields(headline="Edited"))


@case(EDITORS)
def update_own_entry_after_it_was_published(n):
    entry = services.approve_entry(n.owner, n.draft(n.contributor, status="submitted"))
    return lambda actor: services.update_entry(actor, entry, EntryFields(headline="Edited"))


@case(WRITERS)
def delete_own_draft(n):
    draft = n.draft(n.contributor)
    return lambda actor: services.delete_entry(actor, draft)


@case(EDITORS)
def delete_someone_elses_draft(n):
    draft = n.draft(n.owner)
    return lambda actor: services.delete_entry(actor, draft)


@case(EDITORS)
def delete_published_entry(n):
    entry = n.published()
    return lambda actor: services.delete_entry(actor, entry)


@case(EDITORS)
def take_down_published_entry(n):
    entry = n.published()
    return lambda actor: services.takedown_entry(actor, entry, reason="Court order")


@case(EDITORS)
def take_down_someone_elses_draft(n):
    draft = n.draft(n.contributor)
    return lambda actor: services.takedown_entry(actor, draft, reason="Court order")


@case(EDITORS)
def delete_own_entry_after_it_was_published(n):
    entry = services.approve_entry(n.owner, n.draft(n.contributor, status="submitted"))
    return lambda actor: services.delete_entry(actor, entry)


@case(EDITORS)
def restore_deleted_entry(n):
    entry = services.delete_entry(n.owner, n.published())
    return lambda actor: services.restore_entry(actor, entry)


@case(EDITORS)
def restore_deleted_pinned_entry(n):
    # Restoring pins it again: a refused restore leaves the header as it was, too.
    entry = n.published()
    services.pin_entry(n.owner, n.blog, entry)
    entry = services.delete_entry(n.owner, entry)
    return lambda actor: services.restore_entry(actor, entry)


@case(EDITORS)
def restore_own_deleted_draft(n):
    # A contributor may delete their own draft, but bringing it back is an editor's move.
    draft = services.delete_entry(n.contributor, n.draft(n.contributor))
    return lambda actor: services.restore_entry(actor, draft)


# --- several entries at once (the desk's selection) ---------------------------------------
# Each entry goes through its single-entry service, so a selection needs what each move needs.


def _bulk(n: Newsroom, entries: list[Entry], move: str) -> Act:
    return lambda actor: services.bulk_move(actor, n.blog, [e.pk for e in entries], move)


@case(EDITORS)
def bulk_unpublish(n):
    return _bulk(n, [n.published(), n.published()], "unpublish")


@case(EDITORS)
def bulk_delete_published_entries(n):
    return _bulk(n, [n.published(), n.published()], "delete")


@case(WRITERS)
def bulk_delete_own_drafts(n):
    return _bulk(n, [n.draft(n.contributor), n.draft(n.contributor)], "delete")


@case(EDITORS)
def bulk_delete_own_draft_and_a_published_entry(n):
    # All or none: the contributor's own draft is not deleted when the next entry is refused.
    return _bulk(n, [n.draft(n.contributor), n.published()], "delete")


@case(EDITORS)
def bulk_mark_key_events(n):
    return _bulk(n, [n.published(), n.published()], "key-event")


@case(EDITORS)
def bulk_unmark_key_events(n):
    entries = [n.published(), n.published()]
    for entry in entries:
        services.set_key_event(n.owner, entry, True)
    return _bulk(n, entries, "not-key-event")


# --- the words on images -----------------------------------------------------------------


def _picture(n: Newsroom, *, published: bool) -> Any:
    # The contributor's upload, shown by their draft or (once an editor published it) to readers.
    image = save_image(n.contributor, n.blog, picture_upload(), alt="Before")
    entry = n.make.entry(n.blog, n.contributor, status="draft", image_id=image.pk)
    if published:
        services.publish_draft(n.owner, entry)
    return image


@case(WRITERS)
def describe_an_image_only_a_draft_shows(n):
    image = _picture(n, published=False)
    return lambda actor: services.describe_image(actor, n.blog, image, alt="Boats")


@case(EDITORS)
def describe_an_image_readers_see(n):
    image = _picture(n, published=True)  # even its uploader may not re-word it now
    return lambda actor: services.describe_image(actor, n.blog, image, alt="Boats")


# --- the matrix --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", CASES)
def test_each_role_may_do_what_its_role_allows_and_a_refusal_writes_nothing(make, write, role):
    prepare, allowed = CASES[write]
    n = newsroom(make)
    act = prepare(n)
    actor = n.actors[role]

    if role in allowed:
        act(actor)
        return
    refusal = NotAuthenticated if role == "anonymous" else PermissionDenied
    with writes_nothing(), pytest.raises(refusal):
        act(actor)


def test_no_write_service_is_missing_from_the_matrix():
    # A new service fails this test until it is added here and given cases above.
    covered = {
        "create_contributor",
        "update_contributor",
        "delete_contributor",
        "create_blog",
        "update_blog",
        "go_live",
        "end_coverage",
        "archive_blog",
        "set_key_points",
        "create_entry",
        "describe_image",
        "publish_entry",
        "save_draft",
        "update_entry",
        "submit_for_review",
        "approve_entry",
        "reject_entry",
        "publish_draft",
        "unpublish_entry",
        "schedule_entry",
        "delete_entry",
        "takedown_entry",
        "set_key_event",
        "pin_entry",
        "publish_due",
        "restore_entry",
        "bulk_move",
    }
    public = {
        name
        for name in vars(services)
        if not name.startswith("_")
        and callable(getattr(services, name))
        and getattr(getattr(services, name), "__module__", "").startswith(services.__name__ + ".")
    }

    # publish_due runs as the scheduler (no actor); create_blog is checked below.
    assert public == covered


# --- what the refusals say ---------------------------------------------------------------


def test_a_refusal_names_the_action_and_the_role_held(make):
    n = newsroom(make)

    with pytest.raises(PermissionDenied) as refused:
        services.publish_entry(n.contributor, n.blog, EntryFields(headline="News"))

    assert refused.value.message == (
        "you may not publish on this live blog: your role is contributor"
    )


def test_a_refusal_tells_an_outsider_they_are_not_a_member(make):
    n = newsroom(make)

    with pytest.raises(PermissionDenied) as refused:
        services.update_blog(n.actors["member_elsewhere"], n.blog, BlogFields(title="Mine"))

    assert refused.value.message == (
        "you may not change the settings of this live blog: you are not a member of this live blog"
    )


def test_nobody_signed_in_is_asked_to_sign_in(make):
    n = newsroom(make)

    with pytest.raises(NotAuthenticated) as refused:
        services.set_key_points(None, n.blog, ["Anonymous point"])

    assert refused.value.message == "sign in to curate this live blog"


@pytest.mark.parametrize("role", ["stranger", "anonymous"])
def test_an_outsider_is_refused_before_their_input_is_looked_at(make, role):
    n = newsroom(make)
    entry = n.published()

    with pytest.raises((PermissionDenied, NotAuthenticated, ValidationFailed)) as refused:
        services.update_entry(n.actors[role], entry, EntryFields(author_ids=[987654]))

    assert not isinstance(refused.value, ValidationFailed), refused.value.message


# --- roles themselves --------------------------------------------------------------------

ROLE_ACTIONS = {
    "owner": set(Action),
    "editor": set(Action)
    - {
        Action.CONFIGURE,
        Action.MANAGE_MEMBERS,
        Action.MANAGE_CONTRIBUTORS,
        Action.READ_WITHHELD,
    },
    "contributor": {Action.VIEW_DESK, Action.WRITE_DRAFT},
    "member_elsewhere": set(),
    "stranger": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_can_answers_the_role_table(make, role):
    n = newsroom(make)

    assert {action for action in Action if can(n.actors[role], n.blog, action)} == ROLE_ACTIONS[
        role
    ]


def test_a_superuser_counts_as_owner_of_every_blog(make):
    n = newsroom(make)
    admin = make.user(is_superuser=True)

    assert role_of(admin, n.blog) == Role.OWNER
    services.update_blog(admin, n.blog, BlogFields(title="Fixed by an admin"))


def test_a_deactivated_member_may_do_nothing(make):
    n = newsroom(make)
    editor = n.actors["editor"]
    editor.is_active = False
    editor.save()

    assert role_of(editor, n.blog) is None
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.publish_entry(editor, n.blog, EntryFields(headline="Gone"))


def test_require_passes_silently_when_allowed(make):
    n = newsroom(make)

    assert require(n.owner, n.blog, Action.MANAGE_MEMBERS) is None


# --- creating blogs ----------------------------------------------------------------------


def test_staff_may_create_blogs(make):
    staff = make.staff()

    assert can_create_blogs(staff)
    services.create_blog(staff, BlogFields(slug="by-staff", title="By staff"))


def test_a_user_with_the_add_liveblog_permission_may_create_blogs(make):
    user = make.user()
    user.user_permissions.add(Permission.objects.get(codename="add_liveblog"))
    user = User.objects.get(pk=user.pk)  # permissions are cached per instance

    assert can_create_blogs(user)


def test_an_ordinary_user_may_not_create_blogs_and_nothing_is_written(make):
    user = make.user()

    with writes_nothing(), pytest.raises(PermissionDenied) as refused:
        services.create_blog(user, BlogFields(slug="nope", title="Nope"))

    assert refused.value.message == (
        "you may not create live blogs: ask a site administrator for staff status"
    )


@pytest.mark.parametrize("nobody", [None, AnonymousUser()])
def test_nobody_signed_in_may_create_blogs(db, nobody):
    with writes_nothing(), pytest.raises(NotAuthenticated):
        services.create_blog(nobody, BlogFields(slug="nope", title="Nope"))
