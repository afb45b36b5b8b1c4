"""Who works on a live blog: invite colleagues (new ones by email), change roles, remove them.

Every change keeps at least one owner on the blog, so that someone can always manage it.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bulletin.accounts.models import Membership, Role, User
from bulletin.accounts.permissions import Action, require
from bulletin.accounts.signin import link_lifetime
from bulletin.blogs.models import LiveBlog
from bulletin.blogs.services import Actor, add_member
from bulletin.errors import InvalidState, NotFound, ValidationFailed

_NOT_IN_USERNAMES = re.compile(r"[^\w.+-]")


def invite(
    actor: Actor, blog: LiveBlog, who: str, role: str, *, request: HttpRequest | None = None
) -> tuple[Membership, bool]:
    """Give a colleague a role on a blog, found by username or email; email a newcomer a link.

    A newcomer (an unknown email address) gets an account without a password and an email
    with a link to set one. Returns the membership and whether a new account was made.
    ``request`` is accepted for the desk's views but not used for links: they always start
    with BULLETIN_SITE_URL, never with a host a request could choose.
    """
    require(actor, blog, Action.MANAGE_MEMBERS)
    who = who.strip()
    if not who:
        raise ValidationFailed.on("who", "give a username or an email address, got nothing")
    existing = _find(who)
    if existing is not None:
        if not existing.is_active:
            raise ValidationFailed.on(
                "who",
                f"the account {existing.get_username()!r} is deactivated: "
                "ask a site administrator to reactivate it",
            )
        return change_role(actor, blog, existing, role), False
    if "@" not in who:
        raise ValidationFailed.on(
            "who",
            f"no colleague with the username or email {who!r}: "
            "give an email address to invite someone new",
        )
    try:
        validate_email(who)
    except ValidationError:
        raise ValidationFailed.on(
            "who", f"expected an email address like name@news.example, got {who!r}"
        ) from None
    with transaction.atomic():
        email = User.objects.normalize_email(who)
        user = User.objects.create_user(username=_free_username(email), email=email)
        membership = add_member(actor, blog, user, role)
        _send_invitation(actor, blog, user, role)
    return membership, True


def change_role(actor: Actor, blog: LiveBlog, user: User, role: str) -> Membership:
    """Give a colleague a role on the blog, or a different one, keeping an owner."""
    require(actor, blog, Action.MANAGE_MEMBERS)
    with transaction.atomic():
        current = Membership.objects.select_for_update().filter(blog=blog, user=user).first()
        # An unknown role is add_member's error to report, whoever holds the role now.
        if current is not None and role in Role.values and role != Role.OWNER:
            _keep_an_owner(blog, current)
        return add_member(actor, blog, user, role)


def remove_member(actor: Actor, blog: LiveBlog, user: User) -> None:
    """Take a colleague off the blog, unless they are its last owner."""
    require(actor, blog, Action.MANAGE_MEMBERS)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(blog=blog, user=user).first()
        if membership is None:
            raise NotFound(f"{user.get_username()!r} is not a member of this live blog")
        _keep_an_owner(blog, membership)
        membership.delete()


def _keep_an_owner(blog: LiveBlog, leaving: Membership) -> None:
    """Refuse to let the last owner stop being one (locks the owners until commit)."""
    if leaving.role != Role.OWNER:
        return
    owners = list(
        Membership.objects.select_for_update()
        .filter(blog=blog, role=Role.OWNER)
        .values_list("pk", flat=True)
    )
    if owners == [leaving.pk]:
        raise InvalidState(
            "a live blog needs at least one owner: make another colleague owner before "
            f"removing {leaving.user.get_username()!r} or changing their role"
        )


def _find(who: str) -> User | None:
    matches = list(User.objects.filter(username__iexact=who)) or list(
        User.objects.filter(email__iexact=who)
    )
    if len(matches) > 1:
        exact = [user for user in matches if who in (user.get_username(), user.email)]
        if len(exact) == 1:
            return exact[0]
        names = ", ".join(sorted(user.get_username() for user in matches))
        raise ValidationFailed.on(
            "who", f"{who!r} matches several colleagues ({names}): give a username"
        )
    return matches[0] if matches else None


def _free_username(email: str) -> str:
    base = _NOT_IN_USERNAMES.sub("", email.rsplit("@", 1)[0])[:140] or "colleague"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _send_invitation(actor: Actor, blog: LiveBlog, user: User, role: str) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    context = {
        "blog": blog,
        "user": user,
        "role": Role(role).label.lower(),
        "inviter": actor.byline if isinstance(actor, User) else "A colleague",
        "link": f"{settings.SITE_URL}{path}",
        "link_lifetime": link_lifetime(),
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string("registration/invitation_subject.txt", context).split())
    body = render_to_string("registration/invitation_email.txt", context)
    send_mail(subject, body, None, [user.email])
