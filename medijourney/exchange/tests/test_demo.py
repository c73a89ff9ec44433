"""The exchange demo: one answered and one pending second opinion by a demo specialist at a
fictional hospital that did not quote, one demo programme with two past sessions and one
upcoming; idempotent."""

import pytest
from django.test import override_settings
from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import demo_accounts_ensure, demo_email
from medijourney.cases.demo import cases_demo_setup
from medijourney.catalog.tests.factories import ProcedureFactory, country, specialty
from medijourney.exchange.demo import exchange_demo_setup
from medijourney.exchange.models import OpinionRequest, OpinionStatus, Programme
from medijourney.exchange.selectors import participation, quoting_hospital_ids
from medijourney.network.demo import DEMO_HOSPITALS, THEMES, network_demo_setup
from medijourney.network.tests.factories import body
from medijourney.quotes.demo import quotes_demo_setup

pytestmark = pytest.mark.django_db


@override_settings(DEMO_MODE=True)
def test_exchange_demo(client):
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
    notes = exchange_demo_setup()
    assert any("answered, pending" in n for n in notes), notes
    requests = OpinionRequest.objects.all()
    assert sorted(r.status for r in requests) == [OpinionStatus.ANSWERED, OpinionStatus.ASSIGNED]
    specialist = User.objects.get(email=demo_email(Role.SPECIALIST))
    doctor = specialist.specialist_profile.doctor
    assert doctor.is_demo and doctor.hospital.name.startswith("Demo ") and "demo" in doctor.full_name
    assert all(doctor.hospital_id not in quoting_hospital_ids(r.case) for r in requests)
    programme = Programme.objects.get()
    assert programme.is_demo and "demo" in programme.title
    now = timezone.now()
    assert programme.sessions.filter(starts_at__lt=now).count() == 2
    assert programme.sessions.filter(starts_at__gt=now).count() == 1
    clinician = User.objects.get(email=demo_email(Role.CLINICIAN))
    assert participation(programme, clinician).eligible
    assert exchange_demo_setup() == []  # idempotent: nothing added twice
    assert OpinionRequest.objects.count() == 2 and Programme.objects.count() == 1
    client.force_login(requests.get(status=OpinionStatus.ANSWERED).patient)
    page = client.get(f"/my/cases/{requests.get(status=OpinionStatus.ANSWERED).case.reference}/second-opinion/")
    assert "Demo opinion (invented)" in page.content.decode()
