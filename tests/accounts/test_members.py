"""One membership service: every role on a blog is given, changed and taken away by it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bulletin.accounts.members import assign_role, remove_member, set_role
from bulletin.accounts.models import Membership, Role
from bulletin.errors import InvalidState, NotFound, PermissionDenied, ValidationFailed
from tests.blogs.support import writes_nothing

SOURCE = Path(__file__).resolve().parents[2] / "src" / "bulletin"
# Writes to memberships: creating, updating or deleting rows, or saving one.
MEMBERSHIP_WRITE = re.compile(
    r"Membership\.objects\.[^\n]*\b(create|get_or_create|update_or_create|bulk_create|update|"
    r"delete)\("
)


def role_of(blog, user) -> str | None:
    return Membership.objects.filter(blog=blog, user=user).values_list("role", flat=True).first()


def test_a_role_is_given_changed_and_taken_away(make, blog, owner):
    colleague = make.user()

    given = set_role(owner, blog, colleague, Role.CONTRIBUTOR)
    assert (given.role, role_of(blog, colleague)) == (Role.CONTRIBUTOR, Role.CONTRIBUTOR)

    changed = set_role(owner, blog, colleague, Role.EDITOR)
    assert changed.pk == given.pk
    assert role_of(blog, colleague) == Role.EDITOR

    assert set_role(owner, blog, colleague, None) is None
    assert role_of(blog, colleague) is None


def test_an_unknown_role_is_refused_and_changes_nothing(make, blog, owner):
    editor = make.member(blog, Role.EDITOR)
    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        set_role(owner, blog, editor, "boss")
    assert refused.value.fields == {"role": "must be one of owner, editor, contributor, got 'boss'"}
    with writes_nothing(), pytest.raises(ValidationFailed):
        set_role(owner, blog, owner, "boss")  # the last owner: still the role's error


def test_only_a_manager_of_members_may_and_a_refusal_writes_nothing(make, blog, owner):
    editor = make.member(blog, Role.EDITOR)
    newcomer = make.user()
    with writes_nothing(), pytest.raises(PermissionDenied):
        set_role(editor, blog, newcomer, Role.EDITOR)
    with writes_nothing(), pytest.raises(PermissionDenied):
        remove_member(editor, blog, owner)


def test_the_last_owner_stays_one_whoever_asks(make, blog, owner):
    with writes_nothing(), pytest.raises(InvalidState):
        set_role(owner, blog, owner, Role.EDITOR)
    with writes_nothing(), pytest.raises(InvalidState):
        assign_role(blog, owner, None)
    stranger = make.user()
    with writes_nothing(), pytest.raises(NotFound):
        remove_member(owner, blog, stranger)


def test_the_operator_gives_any_role_without_being_a_member(make, blog):
    colleague = make.user()
    assign_role(blog, colleague, Role.OWNER)
    assert role_of(blog, colleague) == Role.OWNER


def test_the_demo_gives_its_writers_their_roles_through_the_service(db, tmp_path):
    from bulletin.blogs.demo import seed

    result = seed(tmp_path / "admin-password.txt")
    roles = set(Membership.objects.filter(blog=result.blog).values_list("role", flat=True))
    assert roles == {Role.OWNER, Role.EDITOR}


def test_nothing_else_writes_memberships():
    # The importer's bulk insert writes a whole blog at once, memberships included (as it
    # writes every table of an export): the one exception, as in docs/architecture.md.
    allowed = {"accounts/members.py", "blogs/transfer/importer.py"}
    writers = {
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if "migrations" not in path.parts and MEMBERSHIP_WRITE.search(path.read_text())
    }
    assert writers <= allowed, f"memberships written outside the service: {writers - allowed}"
