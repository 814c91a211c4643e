"""axe-core in a Playwright page: the WCAG 2.1 A/AA violations a user would meet."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page: Page) -> list[str]:
    """Serious and critical violations on the page as it stands, one line each."""
    # Evaluated through the DevTools protocol: a <script> tag added by the test would be an
    # inline script, which the page's Content-Security-Policy rightly refuses.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: "tag",
                values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 3)}));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {v['nodes']}"
        for v in result
        if v["impact"] in {"serious", "critical"}
    ]
