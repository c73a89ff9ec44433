import pytest
from django.test import override_settings

from medijourney.accounts.services import demo_accounts_ensure, demo_email
from medijourney.cases.demo import cases_demo_setup
from medijourney.cases.models import IntakeRequest, Stage
from medijourney.catalog.tests.factories import ProcedureFactory, country, specialty
from medijourney.network.demo import DEMO_HOSPITALS, THEMES, network_demo_setup
from medijourney.network.models import Hospital
from medijourney.network.tests.factories import body, in_network_hospital
from medijourney.quotes.demo import quotes_demo_setup
from medijourney.quotes.models import Quote, QuoteRequest, RequestStatus

pytestmark = pytest.mark.django_db


@override_settings(DEMO_MODE=True)
def test_demo_case_has_two_demo_quotes_and_a_waiting_request(client):
    demo_accounts_ensure()
    body("JCI")
    for code in {h.country for h in DEMO_HOSPITALS}:
        country(code)
    for theme in THEMES.values():
        sp = specialty(theme.specialty)
        for slug in theme.procedures:
            ProcedureFactory(slug=slug, specialty=sp)
    real = in_network_hospital(name="Real NABH", source=Hospital.Source.NABH_REGISTER, latitude=19.0, longitude=72.8)
    network_demo_setup()
    cases_demo_setup()
    notes = quotes_demo_setup()
    assert "answered the demo knee case" in notes[0], notes
    knee = IntakeRequest.objects.get(key="demo:1").case
    assert knee is not None
    knee.refresh_from_db()
    assert knee.stage == Stage.QUOTES_READY
    quotes = Quote.objects.filter(request__case=knee).select_related("doctor", "request__hospital")
    assert quotes.count() == 2 and all(q.is_demo for q in quotes)
    # Fictional hospitals only, and each plan names a doctor of the procedure's specialty.
    assert not QuoteRequest.objects.filter(hospital=real).exists()
    assert all(q.request.hospital.name.startswith("Demo ") for q in quotes)
    assert all(q.doctor.specialties.filter(pk=q.procedure.specialty_id).exists() for q in quotes)
    assert all("(Orthopaedics)" in q.doctor.qualifications or "orthopaedics" in q.doctor.qualifications for q in quotes)
    assert all(r.is_demo for r in QuoteRequest.objects.all())
    waiting = QuoteRequest.objects.get(status=RequestStatus.SENT)
    assert waiting.hospital.memberships.filter(user__email=demo_email("partner")).exists()
    assert "present" in quotes_demo_setup()[0]  # idempotent
    client.force_login(knee.patient)
    body_html = client.get(f"/my/cases/{knee.reference}/quotes/").content.decode()
    assert body_html.count("Accept the plan from") == 2 and "demo" in body_html
    assert "Excludes the implant (knee prosthesis) and physiotherapy — ask the hospital." in body_html
