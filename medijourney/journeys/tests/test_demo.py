import pytest
from django.test import override_settings
from django.urls import reverse

from medijourney.accounts.services import demo_accounts_ensure
from medijourney.cases.demo import cases_demo_setup
from medijourney.cases.models import Stage
from medijourney.catalog.tests.factories import ProcedureFactory, country, specialty
from medijourney.journeys.demo import journeys_demo_setup
from medijourney.journeys.models import ItemStatus, Journey
from medijourney.network.demo import DEMO_HOSPITALS, THEMES, network_demo_setup
from medijourney.network.tests.factories import body
from medijourney.quotes.demo import quotes_demo_setup

pytestmark = pytest.mark.django_db


@override_settings(DEMO_MODE=True)
def test_demo_has_one_accepted_case_with_itinerary_letter_and_half_filled_checklist(client):
    demo_accounts_ensure()
    body("JCI")
    for code in {h.country for h in DEMO_HOSPITALS}:
        country(code)
    for theme in THEMES.values():
        sp = specialty(theme.specialty)
        for slug in theme.procedures:
            ProcedureFactory(slug=slug, specialty=sp)
    network_demo_setup()
    cases_demo_setup()
    quotes_demo_setup()
    notes = journeys_demo_setup()
    assert "Demo journey:" in notes[0], notes
    journey = Journey.objects.get(is_demo=True)
    assert journey.hospital.is_demo and journey.hospital.name.startswith("Demo ")
    assert journey.case.stage == Stage.TRAVEL_PLANNING
    assert journey.steps.count() == 10 and journey.letters.filter(revoked_at__isnull=True).count() == 1
    statuses = [i.status for i in journey.checklist.all()]
    done = sum(s != ItemStatus.MISSING for s in statuses)
    assert 0 < done < len(statuses) and abs(done - len(statuses) / 2) <= 1
    assert journeys_demo_setup()[0].startswith("Demo journey present")  # idempotent
    assert Journey.objects.filter(is_demo=True).count() == 1
    client.force_login(journey.case.patient)
    page = client.get(reverse("journeys:detail", args=[journey.public_id]))
    assert page.status_code == 200 and "demo" in page.content.decode()
