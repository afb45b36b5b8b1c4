"""``bulletin archive``: a static HTML copy of an ended live blog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from bulletin.management.base import BulletinCommand
from bulletin.management.progress import progress_reporter
from bulletin.reader.archive import archive_blog


class Command(BulletinCommand):
    help = (
        "Write a static HTML copy of an ended or archived live blog (every entry on one page, "
        "the reader stylesheet, its images) that needs no server and opens no live connection."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_blog_copy_arguments(
            parser,
            "The ended or archived live blog to copy, by its slug.",
            "Folder to write into (default <slug>-archive; created if missing).",
            metavar="DIR",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        blog = self.find_blog(slug)
        folder = Path(options["output"] or f"{slug}-archive")
        summary = archive_blog(
            blog, folder, report=progress_reporter(self.stderr, options["progress"])
        )
        self.stdout.write(
            f"archived {slug!r}: {summary.entries:,} entries, {summary.images:,} images "
            f"in {summary.index}"
        )
        if summary.missing_images:
            self.stdout.write(
                f"note: {len(summary.missing_images)} image file(s) were not in the media "
                f"folder and are missing from the copy (e.g. {summary.missing_images[0]})"
            )
