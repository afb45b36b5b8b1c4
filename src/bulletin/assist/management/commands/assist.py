"""``bulletin assist``: fingerprint a blog's entries again (after ``bulletin import``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from bulletin.assist.prints import rebuild_blog
from bulletin.management.base import BulletinCommand


class Command(BulletinCommand):
    help = (
        "Fingerprint every published entry of a live blog again for repeat warnings and "
        "key-point suggestions (entries brought in by `bulletin import` have none until then)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The live blog to fingerprint again, by its slug.")

    def handle(self, *args: Any, **options: Any) -> None:
        blog = self.find_blog(options["slug"])
        count = rebuild_blog(blog.pk)
        self.stdout.write(f"fingerprinted {count:,} published entries of {blog.slug!r}")
