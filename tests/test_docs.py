"""The docs are kept honest mechanically."""

from __future__ import annotations

import re
from pathlib import Path

from bulletin import config

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented_in_docs_settings():
    page = (ROOT / "docs" / "settings.md").read_text()
    missing = [s.env_var for s in config.SETTINGS if f"`{s.env_var}`" not in page]
    assert missing == []


def test_readme_first_screen_shows_the_two_commands():
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:15])
    assert "make serve" in first_screen
    assert "make test" in first_screen


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_readme_and_docs_link_only_to_files_inside_the_repository():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    wrong = []
    for page in pages:
        for target in LINK.findall(page.read_text()):
            path = target.split("#", 1)[0]
            if not path:
                continue  # a heading on the same page
            resolved = (page.parent / path).resolve()
            if "://" in target or not resolved.is_relative_to(ROOT) or not resolved.exists():
                wrong.append(f"{page.relative_to(ROOT)}: {target}")
    assert wrong == []
