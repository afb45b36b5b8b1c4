"""``bulletin export``: write a live blog and everything it holds to one JSON file."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from bulletin.blogs.transfer import export_blog
from bulletin.management.base import BulletinCommand
from bulletin.management.progress import progress_reporter


class Command(BulletinCommand):
    help = (
        "Write a live blog (entries in every status, revisions, key points, members, image "
        "references) to one JSON file for `bulletin import`. Image files are not included: "
        "copy the media folder separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_blog_copy_arguments(
            parser,
            "The live blog to export, by its slug.",
            "File to write (default <slug>.json in the current folder; - for stdout).",
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help="Write only what readers see now: published entries as they are, without "
            "drafts, deleted or taken-down entries, revision history or the team.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        blog = self.find_blog(slug)
        report = progress_reporter(self.stderr, options["progress"])
        target = options["output"] or f"{slug}.json"
        if target == "-":
            summary = export_blog(blog, _Stdout(self), report=report, public=options["public"])
            done = self.stderr
        else:
            path = Path(target)
            # Written beside the target and moved into place whole: a failed export leaves
            # no half file where a good one may have been.
            partial = path.with_name(f".{path.name}.part")
            try:
                with partial.open("w", encoding="utf-8") as out:
                    summary = export_blog(blog, out, report=report, public=options["public"])
                os.replace(partial, path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    partial.unlink()
            done = self.stdout
        done.write(
            f"exported {slug!r}: {summary.entries:,} entries, {summary.revisions:,} revisions, "
            f"{summary.media:,} images, {summary.users:,} people"
            + ("" if target == "-" else f" to {target}")
        )


class _Stdout:
    def __init__(self, command: BulletinCommand) -> None:
        self.command = command

    def write(self, text: str, /) -> object:
        self.command.stdout.write(text, ending="")
        return None
