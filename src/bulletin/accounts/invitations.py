"""Invite colleagues to a live blog: found by username or email, new ones by email.

The role itself is given by :mod:`bulletin.accounts.members`, which keeps an owner on the blog.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bulletin.accounts.members import Actor, set_role
from bulletin.accounts.models import Membership, Role, User
from bulletin.accounts.permissions import Action, require
from bulletin.accounts.signin import link_lifetime
from bulletin.errors import ValidationFailed
from bulletin.links import absolute_reverse
from bulletin.text import check_storable

if TYPE_CHECKING:
    from bulletin.blogs.models import LiveBlog

logger = logging.getLogger("bulletin.accounts")

_NOT_IN_USERNAMES = re.compile(r"[^\w.+-]")


def invite(
    actor: Actor, blog: LiveBlog, who: str, role: str, *, request: HttpRequest | None = None
) -> tuple[Membership | None, bool]:
    """Give a colleague a role on a blog, found by username or email; email a newcomer a link.

    By email, the answer is the same whether an account has that address or not, so that an
    owner cannot find out who has an account: a newcomer gets an account without a password
    and a link to set one, a colleague the role and a note, a deactivated (or shared) address
    nothing (logged for site administrators). By username, only an active colleague is found,
    and every miss gets the same refusal. Returns the membership (None when nothing was given)
    and whether a new account was made. ``request`` is accepted for the desk's views but not
    used for links: they always start with BULLETIN_SITE_URL, never a host a request chose.
    """
    require(actor, blog, Action.MANAGE_MEMBERS)
    who = check_storable("who", who.strip())
    if not who:
        raise ValidationFailed.on("who", "give a username or an email address, got nothing")
    if "@" not in who:
        return _by_username(actor, blog, who, role), False
    return _by_email(actor, blog, who, role)


def _by_username(actor: Actor, blog: LiveBlog, who: str, role: str) -> Membership:
    matches = list(User.objects.filter(username__iexact=who, is_active=True))
    exact = [user for user in matches if user.get_username() == who]
    found = exact or matches
    if len(found) != 1:
        raise ValidationFailed.on(
            "who",
            f"no colleague to add as {who!r}: give their email address to invite them",
        )
    return set_role(actor, blog, found[0], role)


def _by_email(actor: Actor, blog: LiveBlog, who: str, role: str) -> tuple[Membership | None, bool]:
    try:
        validate_email(who)
    except ValidationError:
        raise ValidationFailed.on(
            "who", f"expected an email address like name@news.example, got {who!r}"
        ) from None
    if role not in Role.values:
        raise ValidationFailed.on("role", f"must be one of {', '.join(Role.values)}, got {role!r}")
    matches = list(User.objects.filter(Q(email__iexact=who) | Q(username__iexact=who)))
    exact = [user for user in matches if who in (user.get_username(), user.email)]
    found = exact if len(exact) == 1 else matches
    if len(found) > 1 or (found and not found[0].is_active):
        logger.warning(
            "invitation to %s of blog %s not sent: the address belongs to %s",
            who,
            blog.pk,
            "a deactivated account" if len(found) == 1 else "several accounts",
        )
        return None, False
    with transaction.atomic():
        if found:
            membership = set_role(actor, blog, found[0], role)
            _send_mail(actor, blog, found[0], role, "added")
            return membership, False
        email = User.objects.normalize_email(who)
        user = User.objects.create_user(username=_free_username(email), email=email)
        membership = set_role(actor, blog, user, role)
        _send_mail(actor, blog, user, role, "invitation")
    return membership, True


def _free_username(email: str) -> str:
    base = _NOT_IN_USERNAMES.sub("", email.rsplit("@", 1)[0])[:140] or "colleague"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _send_mail(actor: Actor, blog: LiveBlog, user: User, role: str, kind: str) -> None:
    """``invitation`` (with a link to set a password) or ``added`` (a note to sign in)."""
    link = absolute_reverse("login")
    if kind == "invitation":
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        link = absolute_reverse("password_reset_confirm", uid, token)
    context = {
        "blog": blog,
        "user": user,
        "role": Role(role).label.lower(),
        "inviter": actor.byline if isinstance(actor, User) else "A colleague",
        "link": link,
        "link_lifetime": link_lifetime(),
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string(f"registration/{kind}_subject.txt", context).split())
    body = render_to_string(f"registration/{kind}_email.txt", context)
    send_mail(subject, body, None, [user.email])
