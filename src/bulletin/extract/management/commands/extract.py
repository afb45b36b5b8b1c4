"""``bulletin extract``: read a blog's quotes and topics again (entries older than the app, or
after the rules change; ``bulletin import`` reads what it imports itself)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from bulletin.extract.store import reread_blog
from bulletin.management.base import BulletinCommand


class Command(BulletinCommand):
    help = (
        "Read the quotes and topics of every published entry of a live blog again, oldest "
        "first (entries written before quotes and topics existed have none until then)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The live blog to read again, by its slug.")

    def handle(self, *args: Any, **options: Any) -> None:
        blog = self.find_blog(options["slug"])
        count = reread_blog(blog.pk)
        self.stdout.write(f"read {count:,} published entries of {blog.slug!r} again")
