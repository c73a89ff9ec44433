"""axe-core (installed by npm, package.json devDependencies) run inside a Playwright page.

The site's Content Security Policy forbids injected scripts, so the page's context must be made with
``bypass_csp=True`` (``axe_context``)."""

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_context(browser: Any, viewport: dict[str, int]) -> Any:
    return browser.new_context(viewport=viewport, bypass_csp=True)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe's violations of the WCAG 2.x A and AA rules and best practices on the current page:
    [{"id", "impact", "help", "nodes": [selectors]}]."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci` (make test does).")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
          const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('axe took more than 30 s')), 30000));
          const r = await Promise.race([timeout, axe.run(document, {iframes: false,
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})]);
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                         nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return list(result)
