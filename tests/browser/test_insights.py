"""Browser test of the figures dashboard (issue 19): the quality lead opens it, changes the range
and a filter (plain GET), toggles a chart to its table (a <details>, no JavaScript needed),
downloads a CSV; the page at 1280 px and 390 px (screenshots in /tmp/insights-*.png, no sideways
scrolling on the phone), and the public figures page linked from About (screenshots in
/tmp/insights-public-*.png)."""

import datetime
import re
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD, demo_accounts_ensure, demo_email
from medijourney.insights.tests.data import build_world, more_cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, base, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(demo_email(Role.QUALITY_LEAD))
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("body > header form button", has_text="Sign out")).to_be_attached()
    return context, page


def chart_loaded(page, key):
    img = page.locator(f"#figure-{key} img.chart")
    expect(img).to_be_visible()
    page.wait_for_function(f"() => document.querySelector('#figure-{key} img.chart').complete")
    return img.evaluate("i => i.naturalWidth > 0")


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_lead_filters_reads_a_table_and_downloads_a_csv(live_server, browser):
    demo_accounts_ensure()
    world = build_world()
    base = live_server.url
    context, page = sign_in(browser, base, 1280)
    failed = []
    page.on("response", lambda r: failed.append((r.url, r.status)) if r.status >= 400 else None)
    page.goto(f"{base}/insights/")
    expect(page.get_by_role("heading", name="The network's figures")).to_be_visible()
    assert chart_loaded(page, "destinations"), failed

    # Change the range and a filter: a plain GET form.
    page.get_by_label("From").fill(world.start.isoformat())
    page.get_by_label("Until").fill(world.today.isoformat())
    page.get_by_label("Case manager's team").select_option(label="North")
    page.get_by_role("button", name="Show figures").click()
    expect(page).to_have_url(re.compile(r"team=north"))
    expect(page.locator("#figure-funnel h2")).to_contain_text("n = 3")
    assert chart_loaded(page, "funnel"), failed

    # The chart as a table, without JavaScript: a <details>.
    destinations = page.locator("#figure-destinations")
    table = destinations.locator("details.show-table table").first
    expect(table).to_be_hidden()
    destinations.get_by_text("Show as table").first.click()
    expect(table).to_be_visible()
    expect(table.get_by_role("rowheader", name="India")).to_be_visible()
    page.screenshot(path="/tmp/insights-1280.png", full_page=True)
    assert failed == []

    # A CSV of the same filters.
    with page.expect_download() as info:
        destinations.get_by_role("link", name="Download CSV").first.click()
    body = Path(info.value.path()).read_text()
    assert body.splitlines()[0] == "Destination,Cases,Share,Country code"
    assert "India,<5,<5,<5" in body
    assert "suppressed" in body

    # A bad range is refused beside the field, the input kept.
    page.goto(
        f"{base}/insights/?start={world.today.isoformat()}&end={(world.today - datetime.timedelta(days=3)).isoformat()}"
    )
    expect(page.locator("#id_end_error")).to_contain_text("before its start")
    expect(page.get_by_label("From")).to_have_value(world.today.isoformat())
    context.close()

    # The phone: no sideways scrolling.
    context, page = sign_in(browser, base, 390)
    page.on("response", lambda r: failed.append((r.url, r.status)) if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append((r.url, r.failure)))
    page.goto(f"{base}/insights/?{'&'.join(f'{k}={v}' for k, v in world.params().items())}")
    expect(page.locator("#figure-response")).to_be_visible()
    assert chart_loaded(page, "response")
    wide = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path="/tmp/insights-390.png", full_page=True)
    for key in ("destinations", "funnel", "response", "turnaround", "workload"):
        assert chart_loaded(page, key), (key, failed)
    assert wide <= 0, f"{wide} px wider than the phone"
    context.close()


@override_settings(DEMO_MODE=True)
def test_public_figures_from_about(live_server, page):
    world = build_world()
    page.goto(f"{live_server.url}/about/")
    page.get_by_role("link", name="Our figures").click()
    expect(page.get_by_role("heading", name="Our figures", exact=True)).to_be_visible()
    expect(page.get_by_text("Demo data")).to_be_visible()
    expect(page.get_by_text("Not enough data yet").first).to_be_visible()
    more_cases(world, 20)  # enough for the destination and response figures
    page.reload()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        expect(page.get_by_role("rowheader", name="India")).to_be_visible()
        wide = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.screenshot(path=f"/tmp/insights-public-{width}.png", full_page=True)
        assert wide <= 0, f"{wide} px wider than {width} px"
