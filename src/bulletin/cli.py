"""The ``bulletin`` command: a thin shell over Django's management commands.

``bulletin serve|migrate|createuser|token|demo|check|export|import|archive`` (and every other
Django command).
Domain errors become one clear line on stderr and exit status 1.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bulletin.settings")
    from django.core.exceptions import ImproperlyConfigured

    args = ["bulletin", *(sys.argv[1:] if argv is None else argv)]
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        print(f"bulletin: configuration error: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
