"""Compile every .po under src/bulletin/locale into its .mo (pure Python: no gettext needed).

Run after editing a .po: `.venv/bin/python scripts/compile_messages.py`. A test fails when a
.mo is out of date.
"""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "src" / "bulletin" / "locale"


def main() -> None:
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"compiled {po_path.relative_to(LOCALE.parent)}")


if __name__ == "__main__":
    main()
