"""Answers: stored as a FHIR QuestionnaireResponse, bad input refused by field with nothing
written, answered twice refused, red flags escalate with a 1-hour clock that reaches the leads."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from medijourney.accounts.roles import Role
from medijourney.accounts.tests.factories import UserFactory
from medijourney.aftercare.models import Escalation, Status
from medijourney.aftercare.services import (
    check_in_submit,
    escalation_acknowledge,
    follow_ups_sweep,
    send_at,
)
from medijourney.cases.models import CaseEvent, Notification

from .factories import GOOD, at, check_in, returned_home

pytestmark = pytest.mark.django_db


def _sent(day: int = 7):
    follow_up, manager, partner = returned_home()
    item = check_in(follow_up, day)
    follow_ups_sweep(now=send_at(item))
    item.refresh_from_db()
    assert item.status == Status.SENT
    return follow_up, item, manager, partner


def test_answers_are_stored_as_a_fhir_questionnaire_response():
    follow_up, item, _m, _p = _sent()
    outcome = check_in_submit(check_in=item, actor=follow_up.case.patient, data=GOOD)
    assert outcome.flags == [] and outcome.escalation is None and outcome.emergency is None
    item.refresh_from_db()
    resource = QuestionnaireResponse.model_validate(item.response)
    assert resource.status == "completed"
    assert {i.linkId for i in resource.item or []} >= {"pain", "temperature", "wound", "satisfaction"}
    assert item.pain == 3 and item.readmitted is False and item.flagged is False


@pytest.mark.parametrize(
    ("field", "value"),
    [("temperature", 400), ("temperature", -5), ("pain", 11), ("satisfaction", 0), ("wound", "green")],
)
def test_impossible_answers_are_refused_by_field_and_nothing_is_written(field, value):
    follow_up, item, _m, _p = _sent()
    with pytest.raises(ValidationError) as exc:
        check_in_submit(check_in=item, actor=follow_up.case.patient, data={**GOOD, field: value})
    assert field in exc.value.message_dict
    item.refresh_from_db()
    assert item.status == Status.SENT and item.response is None
    assert not CaseEvent.objects.filter(case=follow_up.case, kind="check_in_answered").exists()


def test_answered_twice_is_refused():
    follow_up, item, _m, _p = _sent()
    check_in_submit(check_in=item, actor=follow_up.case.patient, data=GOOD)
    with pytest.raises(ValidationError) as exc:
        check_in_submit(check_in=item, actor=follow_up.case.patient, data={**GOOD, "pain": 9})
    assert "check_in" in exc.value.message_dict
    item.refresh_from_db()
    assert item.pain == 3


def test_a_check_in_not_sent_yet_cannot_be_answered():
    follow_up, _m, _p = returned_home()
    assert follow_up.case is not None
    with pytest.raises(ValidationError) as exc:
        check_in_submit(check_in=check_in(follow_up, 30), actor=follow_up.case.patient, data=GOOD)
    assert "check_in" in exc.value.message_dict


def test_fever_escalates_with_the_patients_emergency_number_and_the_leads_after_an_hour():
    follow_up, item, manager, partner = _sent(7)
    lead = UserFactory(role=Role.QUALITY_LEAD)
    moment = send_at(item) + datetime.timedelta(hours=2)
    with time_machine.travel(moment, tick=False):
        outcome = check_in_submit(check_in=item, actor=follow_up.case.patient, data={**GOOD, "temperature": 38.9})
    assert outcome.flags == ["fever"]
    assert outcome.emergency is not None and outcome.emergency.country == "NG"  # the patient's home
    escalation = outcome.escalation
    assert escalation is not None
    assert escalation.due_at == moment + datetime.timedelta(hours=1)
    assert Notification.objects.filter(
        key__startswith=f"red_flag:{escalation.public_id}", to_email=manager.email
    ).exists()
    assert Notification.objects.filter(kind="red_flag_hospital", to_email=partner.email).exists()
    kinds = set(CaseEvent.objects.filter(case=follow_up.case).values_list("kind", flat=True))
    assert {"check_in_answered", "red_flag_escalated"} <= kinds
    # Frozen clock: 59 minutes later nothing; at the hour the leads are told, once.
    assert follow_ups_sweep(now=moment + datetime.timedelta(minutes=59)) == 0
    assert follow_ups_sweep(now=moment + datetime.timedelta(hours=1)) == 1
    assert follow_ups_sweep(now=moment + datetime.timedelta(hours=2)) == 0
    escalation.refresh_from_db()
    assert escalation.leads_told_at is not None
    assert Notification.objects.filter(kind="red_flag_unacknowledged", to_email=lead.email).count() == 1


def test_an_acknowledged_escalation_never_reaches_the_leads():
    follow_up, item, manager, _p = _sent(7)
    lead = UserFactory(role=Role.QUALITY_LEAD)
    with time_machine.travel(at(item.due_on, 10), tick=False):
        outcome = check_in_submit(check_in=item, actor=follow_up.case.patient, data={**GOOD, "chest_pain": True})
    assert outcome.escalation is not None
    escalation_acknowledge(escalation=outcome.escalation, actor=manager)
    assert follow_ups_sweep(now=outcome.escalation.due_at + datetime.timedelta(hours=3)) == 0
    assert not Notification.objects.filter(kind="red_flag_unacknowledged", to_email=lead.email).exists()
    assert Escalation.objects.get(pk=outcome.escalation.pk).acknowledged_by == manager


@pytest.mark.parametrize(
    ("answers", "flag"),
    [
        ({"calf_pain": True}, "calf"),
        ({"breathing": "breathless_at_rest"}, "breathless_at_rest"),
        ({"wound": "discharge"}, "wound_discharge"),
        ({"bleeding": "heavy"}, "heavy_bleeding"),
        ({"temperature": 38.4}, None),
    ],
)
def test_red_flag_rules_of_joint_replacement(answers, flag):
    follow_up, item, _m, _p = _sent()
    outcome = check_in_submit(check_in=item, actor=follow_up.case.patient, data={**GOOD, **answers})
    assert outcome.flags == ([flag] if flag else [])
