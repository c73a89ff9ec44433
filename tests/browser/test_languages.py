"""Issue 17's browser test: the landing page, search results, the inquiry form with an error and
the patient's case page in Arabic (right to left) and in Spanish (left to right), each checked with
axe-core and at 390 px without sideways scrolling. Screenshots go to $SCREENSHOT_DIR when set."""

import pytest
from django.test import Client
from django.utils import translation
from playwright.sync_api import expect

from medijourney.cases.tests.factories import make_case
from medijourney.discovery.tests.world import standard_world
from tests.browser.axe import check_language_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def t(lang: str, message: str) -> str:
    with translation.override(lang):
        return translation.gettext(message)


def check_page(page, lang: str, name: str) -> None:
    check_language_page(page, lang, name, shot_prefix="lang")


@pytest.mark.parametrize("lang", ["ar", "es"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_patients_pages_in_arabic_and_spanish(live_server, browser, make_user, lang, viewport):
    standard_world()
    patient = make_user(preferred_language=lang, email=f"patient-{lang}@example.org")
    case = make_case(patient=patient, preferred_language=lang)
    context = browser.new_context(viewport=viewport, locale=lang, bypass_csp=True)  # bypass_csp: for axe
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("button", name=t(lang, "Change"))).to_be_visible()  # the switcher, translated
    check_page(page, lang, "landing")

    page.goto(f"{live_server.url}/search/?procedure=knee-replacement&origin=GB&currency=GBP")
    expect(page.locator("#search-results .result").first).to_be_visible()
    check_page(page, lang, "search")

    page.goto(f"{live_server.url}/inquiry/")
    page.locator("form.inquiry-form button[type=submit]").click()
    expect(page.locator(".form-errors[role=alert]")).to_be_visible()
    assert page.locator(".form-errors[role=alert]").inner_text().strip() != ""
    check_page(page, lang, "inquiry-error")

    client = Client()
    client.force_login(patient)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page.goto(f"{live_server.url}/my/cases/{case.reference}/")
    expect(page.get_by_text(case.reference).first).to_be_visible()
    check_page(page, lang, "case")
    context.close()
