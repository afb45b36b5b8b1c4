"""``bulletin token``: issue an API token for a user and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from bulletin.accounts.models import ApiToken, Scope, User
from bulletin.management.base import BulletinCommand


class Command(BulletinCommand):
    help = "Issue an API token (printed once; only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Whose token it is: it acts with their roles.")
        parser.add_argument("--name", default="cli", help="A label to recognise it by.")
        parser.add_argument(
            "--scope",
            action="append",
            choices=Scope.values,
            help="read, write or admin; repeat for several (default: read and write).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user called {options['username']!r}")
        _token, raw = ApiToken.issue(user, options["name"], options["scope"])
        self.stdout.write(raw)
