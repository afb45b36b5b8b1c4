"""Inviting colleagues to a live blog, changing their role and taking them off it."""

from __future__ import annotations

import re
import socket
from urllib.parse import urlsplit

import pytest
from django.core import mail

from bulletin.accounts.invitations import invite
from bulletin.accounts.members import remove_member, set_role
from bulletin.accounts.models import Membership, Role, User
from bulletin.errors import (
    InvalidState,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

NEW_PASSWORD = "river-delta-lantern-42"


def counts() -> tuple[int, int]:
    return User.objects.count(), Membership.objects.count()


def test_an_existing_colleague_is_found_by_username_whatever_its_case(make, blog, owner):
    ada = make.user("ada")
    membership, created = invite(owner, blog, "  ADA ", "editor")
    assert created is False
    assert (membership.user, membership.blog, membership.role) == (ada, blog, Role.EDITOR)
    assert mail.outbox == []


def test_an_existing_colleague_is_found_by_email_whatever_its_case(make, blog, owner):
    grace = make.user("grace", email="Grace.Hopper@News.example")
    membership, created = invite(owner, blog, "grace.hopper@news.EXAMPLE", "contributor")
    assert created is False
    assert (membership.user, membership.role) == (grace, Role.CONTRIBUTOR)


def test_inviting_a_member_again_changes_their_role(make, blog, owner):
    ada = make.member(blog, "contributor", "ada")
    invite(owner, blog, "ada", "editor")
    assert Membership.objects.get(blog=blog, user=ada).role == Role.EDITOR
    assert Membership.objects.filter(blog=blog, user=ada).count() == 1


def test_a_new_email_gets_an_account_and_a_link_that_sets_its_password(client, blog, owner):
    membership, created = invite(owner, blog, "Carol.Smith@News.Example", "editor")
    assert created is True
    user = membership.user
    assert (user.username, user.email) == ("Carol.Smith", "Carol.Smith@news.example")
    assert user.is_active
    assert not user.has_usable_password()
    assert membership.role == Role.EDITOR

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Carol.Smith@news.example"]
    assert message.subject == f"You have been invited to {blog.title} on Bulletin"
    assert owner.byline in message.body
    assert "Carol.Smith" in message.body
    link = re.search(r"http://127\.0\.0\.1:8000/desk/reset/\S+/", message.body).group(0)

    form = client.get(urlsplit(link).path, follow=True)
    assert "Set a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == "/desk/reset/done/"
    signed_in = client.post("/desk/login/", {"username": "Carol.Smith", "password": NEW_PASSWORD})
    assert signed_in["Location"] == "/desk/"


def test_a_newcomer_whose_link_expired_can_ask_for_another(client, blog, owner):
    invite(owner, blog, "dan@news.example", "contributor")
    mail.outbox.clear()
    client.post("/desk/password-reset/", {"email": "dan@news.example"})
    assert len(mail.outbox) == 1
    assert "/desk/reset/" in mail.outbox[0].body


def test_a_newcomers_username_does_not_clash_with_a_colleagues(make, blog, owner):
    make.user("carol")
    make.user("Carol2")
    membership, created = invite(owner, blog, "carol@elsewhere.example", "contributor")
    assert created is True
    assert membership.user.username == "carol3"


def test_an_unknown_username_is_refused_and_nothing_is_created(blog, owner):
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        invite(owner, blog, "nobody", "editor")
    assert caught.value.fields == {
        "who": "no colleague to add as 'nobody': give their email address to invite them"
    }
    assert counts() == before
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["someone@", "two@at@signs.example", "  "])
def test_a_malformed_address_is_refused_and_nothing_is_created(blog, owner, who):
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        invite(owner, blog, who, "editor")
    assert "who" in caught.value.fields
    assert counts() == before


def test_an_unknown_role_is_refused_and_leaves_no_account(blog, owner):
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        invite(owner, blog, "erin@news.example", "boss")
    assert caught.value.fields == {"role": "must be one of owner, editor, contributor, got 'boss'"}
    assert counts() == before
    assert mail.outbox == []


def test_only_owners_may_invite_and_a_refusal_creates_nothing(make, blog, owner):
    editor = make.member(blog, "editor")
    before = counts()
    with pytest.raises(PermissionDenied):
        invite(editor, blog, "frank@news.example", "editor")
    with pytest.raises(NotAuthenticated):
        invite(None, blog, "frank@news.example", "editor")
    assert counts() == before
    assert mail.outbox == []


def test_a_deactivated_colleague_is_not_brought_back_by_an_invitation(make, blog, owner):
    make.user("gone", is_active=False, email="gone@news.example")
    membership, created = invite(owner, blog, "gone@news.example", "editor")
    assert (membership, created) == (None, False)
    assert not Membership.objects.filter(blog=blog, user__username="gone").exists()
    assert mail.outbox == []


# --- no enumeration of accounts (issue 12) ----------------------------------------------


def _refusal(call):
    try:
        call()
    except ValidationFailed as refused:
        return refused.fields
    return None


def test_a_username_that_is_unknown_deactivated_or_ambiguous_gets_one_refusal(make, blog, owner):
    make.user("gone", is_active=False)
    make.user("Twin")
    make.user("twin")

    answers = {
        who: _refusal(lambda who=who: invite(owner, blog, who, "editor"))
        for who in ["nobody", "gone", "TWIN"]
    }

    assert {who: list(answer or {}) for who, answer in answers.items()} == {
        "nobody": ["who"],
        "gone": ["who"],
        "TWIN": ["who"],
    }
    messages = {who: answer["who"].replace(repr(who), "WHO") for who, answer in answers.items()}
    assert len(set(messages.values())) == 1, messages
    assert "twin" not in messages["TWIN"].lower().replace("who", "")


def test_an_email_gets_the_same_answer_whether_or_not_it_has_an_account(make, blog, owner):
    make.user("grace", email="grace@news.example")
    make.user("gone", is_active=False, email="gone@news.example")

    seen = []
    for who in ["grace@news.example", "gone@news.example", "nobody@news.example"]:
        mail.outbox.clear()
        invite(owner, blog, who, "editor")
        seen.append(len(mail.outbox) <= 1)

    assert all(seen)
    # The desk's words do not depend on the account either (tests/desk/test_blogs.py).


def test_a_nul_in_who_is_a_clear_refusal_not_a_database_error(blog, owner):
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        invite(owner, blog, "ada\x00@news.example", "editor")
    assert "NUL" in caught.value.fields["who"]
    assert counts() == before


def test_an_existing_colleague_invited_by_email_gets_a_note_not_a_password_link(make, blog, owner):
    make.user("grace", email="grace@news.example")

    invite(owner, blog, "grace@news.example", "editor")

    assert len(mail.outbox) == 1
    assert "/desk/reset/" not in mail.outbox[0].body
    assert "/desk/login/" in mail.outbox[0].body


def test_a_mail_server_failure_leaves_no_account_behind(blog, owner, settings):
    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    before = counts()
    with pytest.raises(ConnectionRefusedError):
        invite(owner, blog, "hal@news.example", "editor")
    assert counts() == before


# --- roles and removal keep an owner ----------------------------------------------------


def test_the_last_owner_cannot_be_removed(blog, owner):
    with pytest.raises(InvalidState, match="a live blog needs at least one owner"):
        remove_member(owner, blog, owner)
    assert Membership.objects.filter(blog=blog, user=owner, role=Role.OWNER).exists()


def test_the_last_owner_cannot_be_demoted_by_a_role_change_or_an_invitation(blog, owner):
    with pytest.raises(InvalidState):
        set_role(owner, blog, owner, "editor")
    with pytest.raises(InvalidState):
        invite(owner, blog, owner.username, "contributor")
    assert Membership.objects.get(blog=blog, user=owner).role == Role.OWNER


def test_an_owner_may_step_down_once_there_is_another(make, blog, owner):
    other = make.member(blog, "owner")
    set_role(owner, blog, owner, "editor")
    assert Membership.objects.get(blog=blog, user=owner).role == Role.EDITOR
    with pytest.raises(InvalidState):
        remove_member(other, blog, other)


def test_an_owner_removes_a_colleague_but_an_editor_may_not(make, blog, owner):
    editor = make.member(blog, "editor")
    contributor = make.member(blog, "contributor")
    with pytest.raises(PermissionDenied):
        remove_member(editor, blog, contributor)
    remove_member(owner, blog, contributor)
    assert not Membership.objects.filter(blog=blog, user=contributor).exists()
    with pytest.raises(NotFound):
        remove_member(owner, blog, contributor)
