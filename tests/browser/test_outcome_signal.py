"""Browser test: search results show a hospital's outcome signal (n >= 10, completion beside,
demo labelled) with the line saying it does not change the ranking, and the hospital page shows
the median pain at day 30 with its n. Pages at 1280 and 390 px (screenshots in /tmp)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from medijourney.aftercare.tests.test_outcome_signal import add_follow_ups, add_reviews
from medijourney.discovery import reference
from medijourney.discovery.selectors import clear_caches
from medijourney.discovery.tests.world import add_hospital, standard_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp")


@pytest.fixture(autouse=True)
def _fresh_caches():
    reference.clear()
    clear_caches()
    yield
    reference.clear()
    clear_caches()


def _world():
    world = standard_world()
    demo = add_hospital(
        world,
        "demo",
        name="Demo Multispeciality Hospital",
        country_code="IN",
        city="New Delhi",
        airport_code="DEL",
        price=("3500", "4500"),
        is_demo=True,
    ).hospital
    add_reviews(demo, world.procedure, 14, recommend=12)
    add_follow_ups(demo, world.procedure, [3, 2, 4, 3, 1, 2, 5, 3, 2, 4, 3, None])
    add_reviews(world.hospitals["bangkok"], world.procedure, 6, recommend=6)  # n = 6: no signal
    return demo


def _no_overflow(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_search_shows_the_outcome_signal_and_the_hospital_page_the_median(live_server, browser):
    demo = _world()
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/search/?procedure=knee-replacement&origin=GB")
        note = page.locator(".result", has_text=demo.name).locator(".quality-note")
        expect(note).to_be_visible()
        expect(note).to_contain_text("would recommend: 86 % (95 % CI 60 %–96 %, n = 14)")
        expect(note).to_contain_text("follow-up completion")
        expect(note.locator(".badge-demo")).to_be_visible()
        expect(page.locator(".quality-not-ranked")).to_be_visible()
        expect(page.locator(".result", has_text="Bangkok Hospital").locator(".quality-note")).to_have_count(0)
        _no_overflow(page)
        note.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"aftercare-search-signal-{width}.png"), full_page=True)

        page.goto(f"{live_server.url}/hospitals/{demo.public_id}/")
        median = page.locator(".outcome-figure", has_text="Pain at the day-30 check-in")
        expect(median).to_be_visible()
        expect(median).to_contain_text("3 of 10")
        expect(median).to_contain_text("median, n = 11")
        _no_overflow(page)
        page.screenshot(path=str(SHOTS / f"aftercare-hospital-median-{width}.png"), full_page=True)
        context.close()
