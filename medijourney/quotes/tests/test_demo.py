import pytest
from django.test import override_settings

from medijourney.accounts.services import demo_accounts_ensure, demo_email
from medijourney.cases.demo import cases_demo_setup
from medijourney.cases.models import IntakeRequest, Stage
from medijourney.catalog.tests.factories import ProcedureFactory, country
from medijourney.network.demo import network_demo_setup
from medijourney.network.models import Hospital
from medijourney.network.tests.factories import HospitalFactory, body, in_network_hospital
from medijourney.quotes.demo import quotes_demo_setup
from medijourney.quotes.models import Quote, QuoteRequest, RequestStatus

pytestmark = pytest.mark.django_db


@override_settings(DEMO_MODE=True)
def test_demo_case_has_two_demo_quotes_and_a_waiting_request(client):
    demo_accounts_ensure()
    body("JCI")
    for slug in ("knee-replacement", "hip-replacement", "cabg", "dental-implant"):
        ProcedureFactory(slug=slug)
    in_network_hospital(name="Real NABH", source=Hospital.Source.NABH_REGISTER, latitude=19.0, longitude=72.8)
    HospitalFactory(
        name="Turkish Wikidata Hospital",
        country=country("TR"),
        source=Hospital.Source.WIKIDATA,
        website="https://t.example",
    )
    network_demo_setup()
    cases_demo_setup()
    notes = quotes_demo_setup()
    assert "answered the demo knee case" in notes[0], notes
    knee = IntakeRequest.objects.get(key="demo:1").case
    knee.refresh_from_db()
    assert knee.stage == Stage.QUOTES_READY
    quotes = Quote.objects.filter(request__case=knee)
    assert quotes.count() == 2 and all(q.is_demo for q in quotes)
    assert all(r.is_demo for r in QuoteRequest.objects.all())
    waiting = QuoteRequest.objects.get(status=RequestStatus.SENT)
    assert waiting.hospital.memberships.filter(user__email=demo_email("partner")).exists()
    assert "present" in quotes_demo_setup()[0]  # idempotent
    client.force_login(knee.patient)
    body_html = client.get(f"/my/cases/{knee.reference}/quotes/").content.decode()
    assert body_html.count("Accept the plan from") == 2 and "demo" in body_html
