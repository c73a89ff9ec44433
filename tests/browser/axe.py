"""axe-core (installed by npm, package.json devDependencies) run inside a Playwright page.

The site's Content Security Policy forbids injected scripts, so the page's context must be made with
``bypass_csp=True`` (``axe_context``)."""

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

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


def check_language_page(page: Any, lang: str, name: str, *, shot_prefix: str) -> None:
    """A page in ``lang``: ``lang`` and ``dir`` on <html>, no serious axe violation, nothing wider
    than the viewport; a full-page screenshot in $SCREENSHOT_DIR when it is set."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert not serious, (lang, name, serious)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (lang, name)
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{shot_prefix}-{lang}-{name}-{page.viewport_size['width']}.png", full_page=True)
