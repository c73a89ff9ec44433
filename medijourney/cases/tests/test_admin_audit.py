import pytest
from django.test import Client
from django.urls import reverse

from medijourney.privacy.models import AuditEvent

from .factories import make_case

pytestmark = pytest.mark.django_db


def test_opening_a_case_in_the_admin_is_audited(make_user):
    case = make_case()
    operator = make_user("admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(operator)
    response = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="admin.case.view")
    assert event.actor_id == operator.public_id and event.patient_id == case.patient.public_id
