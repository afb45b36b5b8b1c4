"""A base for Bulletin's commands: domain errors become one line and exit status 1."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bulletin.errors import BulletinError


class BulletinCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except BulletinError as exc:
            raise CommandError(exc.message) from None
