"""``bulletin demo``: seed the fictional demo live blog once and say how to sign in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.urls import reverse

from bulletin.blogs.demo import CREDENTIALS_FILE, seed
from bulletin.management.base import BulletinCommand


class Command(BulletinCommand):
    help = "Create the demo live blog and an admin account on first run; print how to sign in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url",
            default=settings.SITE_URL,
            help="Base URL to print (default BULLETIN_SITE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            # A fictional blog and a superuser whose password sits in a file have no place
            # in a newsroom's database (check --deploy reports them too).
            raise CommandError(
                "bulletin demo seeds a fictional live blog and an admin whose password is "
                "kept in a file: it runs in development mode only, got BULLETIN_MODE=production"
            )
        credentials = Path(settings.DATA_DIR) / CREDENTIALS_FILE
        result = seed(credentials)
        base = options["url"].rstrip("/")
        verb = "Created" if result.created else "Found"
        live = reverse("reader:live", args=[result.blog.slug])
        self.stdout.write(f"{verb} the demo live blog: {base}{live}")
        self.stdout.write(
            f"Desk: sign in at {base}{reverse('desk')} as '{result.admin_username}' "
            + (
                f"with password {result.admin_password} (kept in {credentials})"
                if result.admin_password
                else "(password set earlier; reset it with 'bulletin changepassword admin')"
            )
        )
        self.stdout.write(f"Site administration: {base}{reverse('admin:index')}")
        self.stdout.write(f"API docs: {base}{reverse('api-v1:openapi-view')}")
