"""``bulletin import``: recreate a live blog from a file written by ``bulletin export``."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.urls import reverse

from bulletin.accounts.models import User
from bulletin.blogs.transfer import import_blog, read_export
from bulletin.management.base import BulletinCommand
from bulletin.management.progress import PROGRESS_HELP, progress_reporter


class Command(BulletinCommand):
    help = (
        "Recreate a live blog from a `bulletin export` file, in one transaction (a site "
        "administrator's action: no per-blog role is checked). Unknown authors are created "
        "inactive; image files must be copied into the media folder separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The export file to read (- for stdin).")
        parser.add_argument("--slug", help="Import under this slug instead of the one in the file.")
        parser.add_argument(
            "--owner",
            metavar="USERNAME",
            help="An existing active user to make an owner of the imported blog.",
        )
        parser.add_argument("--progress", action="store_true", help=PROGRESS_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        owner = None
        if options["owner"]:
            owner = User.objects.filter(username=options["owner"], is_active=True).first()
            if owner is None:
                raise CommandError(f"no active user called {options['owner']!r}")
        data = self._read(options["file"])
        result = import_blog(
            data,
            slug=options["slug"],
            owner=owner,
            report=progress_reporter(self.stderr, options["progress"]),
        )
        blog = result.blog
        self.stdout.write(
            f"imported {blog.slug!r} ({blog.status}): {result.entries:,} entries, "
            f"{result.revisions:,} revisions, {result.media:,} images; "
            f"reader page {reverse('reader:live', args=[blog.slug])}"
        )
        if result.users_created:
            self.stdout.write(
                f"created {len(result.users_created)} inactive user(s) for bylines: "
                + ", ".join(result.users_created)
            )
        if result.missing_files:
            self.stdout.write(
                f"note: {len(result.missing_files)} image file(s) are not in {settings.MEDIA_ROOT} "
                f"yet (e.g. {result.missing_files[0]}): copy the media folder from the old "
                "server, e.g. with rsync -a"
            )

    def _read(self, name: str) -> Any:
        if name == "-":
            return read_export(sys.stdin)
        try:
            with open(name, "rb") as source:
                return read_export(source)
        except FileNotFoundError:
            raise CommandError(f"no such file: {name}") from None
        except IsADirectoryError:
            raise CommandError(f"{name} is a folder, not an export file") from None
