"""Stages follow the journey (through case_transition), nudges when a date passed, the checklist's
overdue tasks and uploads."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from medijourney.cases.models import CaseEvent, CaseTask, Stage
from medijourney.core.uploads import validate_upload
from medijourney.journeys.models import ChecklistItem, ItemKind, ItemStatus, StepKind
from medijourney.journeys.services import (
    checklist_check,
    checklist_overdue_run,
    checklist_upload,
    journey_nudges_run,
    step_record_happened,
)
from medijourney.testing.files import pdf_bytes

from .factories import accepted_journey, step

pytestmark = pytest.mark.django_db


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def test_stages_follow_admission_discharge_and_home():
    journey, _manager, partner = accepted_journey()
    patient = journey.case.patient
    admission, discharge, back = (
        step(journey, k) for k in (StepKind.ADMISSION, StepKind.DISCHARGE, StepKind.RETURN_FLIGHT)
    )
    with pytest.raises(ValidationError) as exc:
        step_record_happened(step=admission, actor=partner)  # the day has not come
    assert "day" in exc.value.message_dict
    with time_machine.travel(_at(admission.day), tick=False):
        with pytest.raises(ValidationError):
            step_record_happened(step=discharge, actor=partner)  # not in treatment yet (and not the day)
        step_record_happened(step=admission, actor=partner)
    journey.case.refresh_from_db()
    assert journey.case.stage == Stage.IN_TREATMENT
    with time_machine.travel(_at(discharge.day), tick=False):
        step_record_happened(step=discharge, actor=partner)
    journey.case.refresh_from_db()
    assert journey.case.stage == Stage.RECOVERING
    with time_machine.travel(_at(back.day), tick=False), pytest.raises(ValidationError):
        step_record_happened(step=back, actor=patient)  # the flight's day has not passed
    with time_machine.travel(_at(back.day + datetime.timedelta(days=1)), tick=False):
        step_record_happened(step=back, actor=patient)
    journey.case.refresh_from_db()
    assert journey.case.stage == Stage.RETURNED_HOME
    moves = [e.data["to"] for e in CaseEvent.objects.filter(case=journey.case, kind="stage_changed").order_by("id")]
    assert moves[-4:] == [Stage.TRAVEL_PLANNING, Stage.IN_TREATMENT, Stage.RECOVERING, Stage.RETURNED_HOME]


def test_a_passed_date_without_confirmation_nudges_the_case_manager_once():
    journey, manager, _p = accepted_journey()
    admission = step(journey, StepKind.ADMISSION)
    with time_machine.travel(_at(admission.day), tick=False):
        assert journey_nudges_run() == 0  # the day itself is not late
    with time_machine.travel(_at(admission.day + datetime.timedelta(days=1)), tick=False):
        assert journey_nudges_run() == 1
        assert journey_nudges_run() == 0  # idempotent
    task = CaseTask.objects.get(case=journey.case, title__contains="Admission")
    assert task.assignee == manager


def test_overdue_checklist_items_make_one_task_each():
    journey, manager, _p = accepted_journey()
    visa = ChecklistItem.objects.get(journey=journey, kind=ItemKind.VISA)
    assert visa.due_on is not None
    with time_machine.travel(_at(visa.due_on + datetime.timedelta(days=1)), tick=False):
        first = checklist_overdue_run()
        assert first >= 1 and checklist_overdue_run() == 0
    visa.refresh_from_db()
    assert visa.overdue_task is not None and visa.overdue_task.assignee == manager
    assert "Visa" in visa.overdue_task.title


def test_upload_goes_to_the_vault_and_the_case_manager_checks_it():
    journey, manager, _p = accepted_journey()
    item = ChecklistItem.objects.get(journey=journey, kind=ItemKind.INSURANCE)
    with pytest.raises(ValidationError):
        checklist_check(item=item, actor=manager)
    upload = validate_upload(
        SimpleUploadedFile("insurance.pdf", pdf_bytes("Policy 123"), content_type="application/pdf")
    )
    item = checklist_upload(item=item, upload=upload, actor=journey.case.patient)
    assert item.status == ItemStatus.UPLOADED and item.document is not None
    assert item.document.case_id == journey.case_id and item.document.storage_key
    item = checklist_check(item=item, actor=manager)
    assert item.status == ItemStatus.CHECKED


def test_companion_item_only_with_a_companion():
    journey, _m, _p = accepted_journey()
    assert not ChecklistItem.objects.filter(journey=journey, kind=ItemKind.COMPANION).exists()
    journey2, _m2, _p2 = accepted_journey(case_kwargs={"companion": True})
    assert ChecklistItem.objects.filter(journey=journey2, kind=ItemKind.COMPANION).exists()
