"""Issue 17 item 5 in a browser: the glossary page with a search, and a term explained inline on a
procedure page, opened by keyboard and by click, in English and Arabic (right to left), at 1280 and
390 px, each checked with axe-core and without sideways scrolling. Screenshots go to
$SCREENSHOT_DIR when set."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from medijourney.catalog.tests.factories import ProcedureFactory
from tests.browser.axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
BIOPSY = {"en": "The removal of cells or tissues for examination by a pathologist.", "ar": "أخذ خلايا أو أنسجة"}


def check_page(page, lang: str, name: str) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert not serious, (lang, name, serious)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (lang, name)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/glossary-{lang}-{name}-{page.viewport_size['width']}.png", full_page=True)


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_glossary_page_and_an_inline_explanation(live_server, browser, lang, viewport):
    ProcedureFactory(slug="breast-biopsy", name="Breast biopsy", description="A biopsy under local anaesthesia.")
    context = browser.new_context(viewport=viewport, locale=lang, bypass_csp=True)  # bypass_csp: for axe
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/glossary/")
    expect(page.locator(".glossary-entry").first).to_be_visible()
    check_page(page, lang, "list")
    page.locator("#glossary-q").fill("biopsy" if lang == "en" else "خزعة")
    page.locator("#glossary-q").press("Enter")
    expect(page.locator("#biopsy")).to_be_visible()
    expect(page.locator("#biopsy")).to_contain_text(BIOPSY[lang])
    check_page(page, lang, "search")

    page.goto(f"{live_server.url}/procedures/breast-biopsy/")
    gloss = page.locator("details.gloss").first
    body = gloss.locator(".gloss-body")
    expect(gloss.locator("summary")).to_have_text("biopsy")
    expect(body).to_be_hidden()
    check_page(page, lang, "procedure-closed")
    gloss.locator("summary").focus()
    page.keyboard.press("Enter")  # keyboard opens it
    expect(body).to_be_visible()
    expect(body).to_contain_text(BIOPSY[lang])
    check_page(page, lang, "procedure-open")
    gloss.locator("summary").click()  # a click closes it again
    expect(body).to_be_hidden()
    gloss.locator("summary").click()
    expect(body).to_be_visible()
    body.get_by_role("link").click()  # the link to the glossary entry
    expect(page.locator("#biopsy")).to_be_visible()
    context.close()
