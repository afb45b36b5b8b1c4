"""A base for Bulletin's commands: domain errors become one line and exit status 1."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bulletin.blogs.models import LiveBlog
from bulletin.errors import BulletinError, NotFound
from bulletin.management.progress import PROGRESS_HELP


class BulletinCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except BulletinError as exc:
            raise CommandError(exc.message) from None

    def find_blog(self, slug: str) -> LiveBlog:
        """The live blog called ``slug``, whatever its status: the operator may see them all."""
        blog = LiveBlog.objects.filter(slug=slug).first()
        if blog is None:
            raise NotFound(f"no live blog called {slug!r}")
        return blog

    @staticmethod
    def add_blog_copy_arguments(
        parser: CommandParser, slug_help: str, output_help: str, *, metavar: str | None = None
    ) -> None:
        """The arguments of a command that copies one blog out: its slug, where, progress."""
        parser.add_argument("slug", help=slug_help)
        parser.add_argument("-o", "--output", metavar=metavar, help=output_help)
        parser.add_argument("--progress", action="store_true", help=PROGRESS_HELP)
