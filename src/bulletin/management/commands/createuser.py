"""``bulletin createuser``: add a newsroom member, optionally with a role on a blog."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from bulletin.accounts.members import assign_role
from bulletin.accounts.models import Role, User
from bulletin.management.base import BulletinCommand


class Command(BulletinCommand):
    help = "Create a user (asks for the password, or reads it from stdin with --password-stdin)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Sign-in name.")
        parser.add_argument("--email", default="", help="Email address (for password resets).")
        parser.add_argument("--name", default="", help="Byline, e.g. 'Amira Haddad'.")
        parser.add_argument(
            "--staff", action="store_true", help="May create live blogs and use the admin."
        )
        parser.add_argument(
            "--superuser", action="store_true", help="May do everything everywhere."
        )
        parser.add_argument("--blog", help="Slug of a live blog to give the user a role on.")
        parser.add_argument(
            "--role",
            choices=Role.values,
            default=Role.CONTRIBUTOR,
            help="Role on --blog (default contributor).",
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of stdin.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(f"a user called {username!r} already exists")
        blog = self.find_blog(options["blog"]) if options["blog"] else None
        password = self._password(options["password_stdin"])
        user = User(
            username=username,
            email=options["email"],
            display_name=options["name"],
            is_staff=options["staff"] or options["superuser"],
            is_superuser=options["superuser"],
        )
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("password refused: " + " ".join(exc.messages)) from None
        user.set_password(password)
        user.save()
        if blog is not None:
            # Whoever runs Bulletin may give anyone any role: no member of the blog acts here.
            assign_role(blog, user, options["role"])
        self.stdout.write(
            f"created user {username!r}" + (f" ({options['role']} of {blog.slug})" if blog else "")
        )

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        if not sys.stdin.isatty():
            raise CommandError("no terminal to ask for a password: use --password-stdin")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the two passwords differ")
        return first
