"""Run axe-core, the accessibility rules engine, inside a page the browser tests opened.

The engine is evaluated through the DevTools protocol rather than added as a <script>, so the
page's Content-Security-Policy stays exactly as readers get it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_SOURCE = Path(__file__).parent / "vendor" / "axe.min.js"
# What a reader or a journalist would be stopped by; "minor" and "moderate" findings are
# reported by axe too but are not failures here.
BLOCKING = ("serious", "critical")


@cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def violations(page: Page, *, impacts: tuple[str, ...] = BLOCKING) -> list[dict[str, Any]]:
    """The page's axe violations of the given impacts, each with the selectors it found."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const result = await window.axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
            }));
        }"""
    )
    return [violation for violation in found if violation["impact"] in impacts]


def assert_accessible(page: Page, what: str) -> None:
    """Fail with a readable list when axe finds a serious or critical violation on the page."""
    found = violations(page)
    assert not found, f"axe found serious/critical violations on {what}:\n" + "\n".join(
        f"- {v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'])}" for v in found
    )
