import pytest
from django.test import Client, override_settings
from django.urls import reverse

from medijourney.accounts.services import demo_accounts_ensure
from medijourney.aftercare.demo import DEMO_PATIENT, aftercare_demo_setup
from medijourney.aftercare.models import FollowUp, Review, Status
from medijourney.cases.demo import cases_demo_setup
from medijourney.cases.models import Stage
from medijourney.catalog.tests.factories import ProcedureFactory, country, specialty
from medijourney.network.demo import DEMO_HOSPITALS, THEMES, network_demo_setup
from medijourney.network.tests.factories import body

pytestmark = pytest.mark.django_db


def demo_world() -> None:
    demo_accounts_ensure()
    body("JCI")
    for code in {h.country for h in DEMO_HOSPITALS}:
        country(code)
    country("NG")
    for theme in THEMES.values():
        sp = specialty(theme.specialty)
        for slug in theme.procedures:
            ProcedureFactory(slug=slug, specialty=sp)
    network_demo_setup()
    cases_demo_setup()


@override_settings(DEMO_MODE=True)
def test_demo_patient_is_home_with_answered_and_pending_check_ins_and_demo_figures():
    demo_world()
    notes = aftercare_demo_setup()
    assert "Demo follow-up:" in notes[0], notes
    follow_up = FollowUp.objects.get(is_demo=True, case__isnull=False)
    assert follow_up.case is not None
    assert follow_up.case.patient.email == DEMO_PATIENT
    assert follow_up.hospital.is_demo and follow_up.hospital.name.startswith("Demo ")
    assert follow_up.case.stage == Stage.FOLLOW_UP
    statuses = dict(follow_up.check_ins.values_list("day", "status"))
    assert statuses[2] == Status.ANSWERED and statuses[7] == Status.SENT and statuses[14] == Status.SCHEDULED
    assert Review.objects.filter(hospital=follow_up.hospital, is_demo=True).count() >= 10
    page = Client().get(reverse("network:hospital_detail", args=[follow_up.hospital.public_id])).content.decode()
    assert "demo figures" in page and "95 % interval" in page and "n = 12" in page
    assert aftercare_demo_setup()[0].startswith("Demo follow-up present")  # idempotent
    assert FollowUp.objects.filter(is_demo=True, case__isnull=False).count() == 1
