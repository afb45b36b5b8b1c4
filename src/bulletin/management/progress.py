"""Progress lines for long commands: on stderr, when it is a terminal or when asked."""

from __future__ import annotations

from django.core.management.base import OutputWrapper

from bulletin.blogs.transfer import Report


def progress_reporter(stderr: OutputWrapper, asked: bool) -> Report | None:
    """A reporter that writes each line to ``stderr``, or None to stay quiet."""
    if not (asked or stderr.isatty()):
        return None

    def report(line: str) -> None:
        stderr.write(line)

    return report


PROGRESS_HELP = "Report progress on stderr even when it is not a terminal (it is shown on one)."
