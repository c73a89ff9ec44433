"""Issue 17 item 5 in a browser: the glossary page with a search, and a term explained inline on a
procedure page, opened by keyboard and by click, in English and Arabic (right to left), at 1280 and
390 px, each checked with axe-core and without sideways scrolling. Screenshots go to
$SCREENSHOT_DIR when set."""

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from medijourney.aftercare.services import follow_ups_sweep, send_at
from medijourney.aftercare.tests.factories import check_in, returned_home
from medijourney.catalog.tests.factories import ProcedureFactory
from medijourney.interop.tests.factories import with_summary
from medijourney.journeys.tests.factories import accepted_journey
from tests.browser.axe import check_language_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
BIOPSY = {"en": "The removal of cells or tissues for examination by a pathologist.", "ar": "أخذ خلايا أو أنسجة"}


def check_page(page, lang: str, name: str) -> None:
    check_language_page(page, lang, name, shot_prefix="glossary")


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


def _signed_in(context, live_server, user, lang: str) -> None:
    user.preferred_language = lang  # the account's language wins over the browser's
    user.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_patients_plan_summary_and_check_in_explain_terms(live_server, browser, lang, viewport):
    journey, _manager, partner = accepted_journey()  # the plan: "... under spinal anaesthesia."
    with_summary(journey, partner, complications="Small haematoma at the wound.")
    follow_up, _m, _p = returned_home()
    item = check_in(follow_up, 7)
    follow_ups_sweep(now=send_at(item))
    context = browser.new_context(viewport=viewport, locale=lang, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _signed_in(context, live_server, journey.case.patient, lang)
    pages = [
        ("compare", reverse("quotes:compare", args=[journey.case.reference])),
        ("discharge-summary", reverse("interop:summary", args=[journey.public_id])),
    ]
    for name, path in pages:
        page.goto(live_server.url + path)
        gloss = page.locator("details.gloss").first
        gloss.locator("summary").click()
        expect(gloss.locator(".gloss-body")).to_be_visible()
        check_page(page, lang, name)
    _signed_in(context, live_server, follow_up.case.patient, lang)
    page.goto(live_server.url + reverse("aftercare:check_in", args=[item.public_id]))
    gloss = page.locator(".gloss-notes details.gloss").first
    gloss.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(gloss.locator(".gloss-body")).to_be_visible()
    check_page(page, lang, "check-in")
    context.close()
