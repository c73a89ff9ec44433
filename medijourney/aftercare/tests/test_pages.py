"""Pages through HTTP: the patient answers (errors beside the field, input kept), the urgent
message with the emergency number, someone else's link (404, audited), the case manager's schedule
and the escalation acknowledged; and the permission matrix over every route, every role."""

import pytest
from django.test import Client
from django.urls import reverse

from medijourney.accounts.roles import Role
from medijourney.aftercare.models import CheckIn, Escalation, FollowUp, Status
from medijourney.aftercare.services import check_in_submit, follow_ups_sweep, send_at
from medijourney.network.tests.factories import membership
from medijourney.privacy.models import AuditEvent
from medijourney.quotes.tests.factories import partner_hospital

from .factories import GOOD, check_in, returned_home

pytestmark = pytest.mark.django_db


def _form(**over):
    data = {k: ("True" if v is True else "False" if v is False else v) for k, v in {**GOOD, **over}.items()}
    return data


def _open(day: int = 7, **kwargs):
    follow_up, manager, partner = returned_home(**kwargs)
    item = check_in(follow_up, day)
    follow_ups_sweep(now=send_at(item))
    item.refresh_from_db()
    return follow_up, item, manager, partner


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_patient_answers_with_fever_and_sees_the_urgent_message_with_the_number():
    follow_up, item, _m, _p = _open()
    assert follow_up.case is not None
    patient = follow_up.case.patient
    page = _client(patient).get(reverse("aftercare:check_in", args=[item.public_id]))
    assert page.status_code == 200
    assert "not a validated score" in page.content.decode()
    response = _client(patient).post(reverse("aftercare:check_in", args=[item.public_id]), _form(temperature="38.9"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Please get medical help now" in body
    assert 'href="tel:199"' in body  # Nigeria's number (the patient's country) from safety.numbers
    assert "Temperature of 38.5 °C or more" in body
    assert Escalation.objects.filter(check_in=item).exists()
    assert AuditEvent.objects.filter(action="check_in.submit", object_id=str(item.public_id)).exists()


def test_bad_temperature_is_shown_beside_the_field_and_the_input_kept():
    follow_up, item, _m, _p = _open()
    assert follow_up.case is not None
    response = _client(follow_up.case.patient).post(
        reverse("aftercare:check_in", args=[item.public_id]), _form(temperature="400", free_text="kept text")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_temperature-error"' in body and "43" in body
    assert 'value="400' in body and "kept text" in body
    item.refresh_from_db()
    assert item.status == Status.SENT


def test_answered_twice_through_the_page_is_refused():
    follow_up, item, _m, _p = _open()
    assert follow_up.case is not None
    client = _client(follow_up.case.patient)
    url = reverse("aftercare:check_in", args=[item.public_id])
    assert client.post(url, _form()).status_code == 200
    again = client.post(url, _form(pain="9"))
    assert again.status_code == 400
    assert "already answered" in again.content.decode()
    assert CheckIn.objects.get(pk=item.pk).pain == 3


def test_someone_elses_check_in_link_is_404_and_audited():
    _follow_up, item, _m, _p = _open()
    other, _m2, _p2 = returned_home()
    assert other.case is not None
    response = _client(other.case.patient).get(reverse("aftercare:check_in", args=[item.public_id]))
    assert response.status_code == 404
    denial = AuditEvent.objects.filter(outcome="denied", action="check_in.view", object_id=str(item.public_id))
    assert denial.exists()


def test_case_manager_sees_schedule_moves_and_acknowledges():
    follow_up, item, manager, _p = _open()
    assert follow_up.case is not None
    outcome = check_in_submit(check_in=item, actor=follow_up.case.patient, data={**GOOD, "temperature": 38.9})
    client = _client(manager)
    page = client.get(reverse("aftercare:case", args=[follow_up.case.reference]))
    assert page.status_code == 200 and "Red flag" in page.content.decode()
    assert AuditEvent.objects.filter(action="check_in.view", patient_id=follow_up.case.patient.public_id).exists()
    target = check_in(follow_up, 14)
    bad = client.post(reverse("aftercare:move", args=[follow_up.case.reference, target.public_id]), {"day": "30"})
    assert bad.status_code == 400 and "already a check-in on day 30" in bad.content.decode()
    ok = client.post(reverse("aftercare:move", args=[follow_up.case.reference, target.public_id]), {"day": "16"})
    assert ok.status_code == 302 and CheckIn.objects.get(pk=target.pk).day == 16
    assert outcome.escalation is not None
    listing = client.get(reverse("aftercare:escalations"))
    assert "waiting for acknowledgement" in listing.content.decode()
    url = reverse("aftercare:escalation", args=[outcome.escalation.public_id])
    assert client.post(url).status_code == 302
    assert "Acknowledged" in client.get(url).content.decode()


# --- The matrix ---------------------------------------------------------------------------------------


def setup_follow_up(user, owner, *, flagged=False):
    role = getattr(user, "role", None)
    follow_up, _manager, _partner = returned_home(
        patient=user if owner and role == Role.PATIENT else None,
        manager=user if owner and role == Role.CASE_MANAGER else None,
    )
    if role == Role.PARTNER:
        membership(user, follow_up.hospital if owner else partner_hospital()[0])
    item = check_in(follow_up, 7)
    follow_ups_sweep(now=send_at(item))
    if flagged:
        item.refresh_from_db()
        assert follow_up.case is not None
        check_in_submit(check_in=item, actor=follow_up.case.patient, data={**GOOD, "chest_pain": True})
    return follow_up


def _flagged(user, owner):
    return setup_follow_up(user, owner, flagged=True)


BASE = {"anonymous": 302, "specialist": 403, "clinician": 403}
PATIENT_ONLY = {
    **BASE,
    "patient:owner": 200,
    "patient:other": 404,
    "case_manager": 403,
    "partner": 403,
    "quality_lead": 403,
    "admin": 403,
}
TEAM = {
    **BASE,
    "patient": 403,
    "case_manager:owner": 200,
    "case_manager:other": 404,
    "partner": 403,
    "quality_lead": 200,
    "admin": 200,
}
ESCALATION = {
    **BASE,
    "patient": 403,
    "case_manager:owner": 200,
    "case_manager:other": 404,
    "partner:owner": 200,
    "partner:other": 404,
    "quality_lead": 200,
    "admin": 200,
}


def _case_ref(f: FollowUp) -> str:
    assert f.case is not None
    return f.case.reference


def test_matrix_my_follow_up(matrix):
    matrix.check(
        method="GET",
        url=lambda f: reverse("aftercare:my_follow_up", args=[_case_ref(f)]),
        setup=setup_follow_up,
        expect=PATIENT_ONLY,
    )


def test_matrix_check_in(matrix):
    matrix.check(
        method="GET",
        url=lambda f: reverse("aftercare:check_in", args=[check_in(f, 7).public_id]),
        setup=setup_follow_up,
        expect=PATIENT_ONLY,
    )


def test_matrix_case_page(matrix):
    matrix.check(
        method="GET", url=lambda f: reverse("aftercare:case", args=[_case_ref(f)]), setup=setup_follow_up, expect=TEAM
    )


def test_matrix_escalation(matrix):
    matrix.check(
        method="GET",
        url=lambda f: reverse("aftercare:escalation", args=[Escalation.objects.get(check_in__follow_up=f).public_id]),
        setup=_flagged,
        expect=ESCALATION,
    )


def test_matrix_escalation_list(matrix):
    expect = {**BASE, "patient": 403, "case_manager": 200, "partner": 200, "quality_lead": 200, "admin": 200}
    matrix.check(method="GET", url=lambda f: reverse("aftercare:escalations"), expect=expect)
