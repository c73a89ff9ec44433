"""The schedule: built when the case is home, sent on its day, reminded after 24 h, a task
after 72 h, moved and added by the case manager, closed after the last; stages follow."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from medijourney.aftercare.models import CheckIn, ScheduleOverride, Status
from medijourney.aftercare.rules import DEFAULT_DAYS, Group
from medijourney.aftercare.services import (
    check_in_add,
    check_in_move,
    check_in_send,
    check_in_skip,
    check_in_submit,
    follow_ups_sweep,
    send_at,
)
from medijourney.cases.models import CaseEvent, CaseTask, Notification, Stage
from medijourney.catalog.tests.factories import ProcedureFactory

from .factories import GOOD, at, check_in, returned_home

pytestmark = pytest.mark.django_db


def test_home_schedules_the_default_days_from_discharge():
    follow_up, _m, _p = returned_home()
    assert follow_up.group == Group.JOINT
    days = list(follow_up.check_ins.order_by("day").values_list("day", flat=True))
    assert days == list(DEFAULT_DAYS)
    first = check_in(follow_up, 2)
    assert first.due_on == follow_up.discharged_on + datetime.timedelta(days=2)
    assert first.status == Status.SCHEDULED
    assert follow_up.case is not None
    follow_up.case.refresh_from_db()
    assert follow_up.case.stage == Stage.RETURNED_HOME  # follow-up starts with the first check-in
    assert CaseEvent.objects.filter(case=follow_up.case, kind="follow_up_scheduled").count() == 1


def test_a_procedure_can_set_its_own_days():
    procedure = ProcedureFactory(slug="cataract-surgery", name="Cataract surgery")
    ScheduleOverride.objects.create(procedure=procedure, days=[1, 7, 30])
    follow_up, _m, _p = returned_home(procedure=procedure)
    assert sorted(follow_up.check_ins.values_list("day", flat=True)) == [1, 7, 30]
    assert follow_up.group == Group.JOINT or follow_up.group == Group.GENERAL


def test_missed_check_in_reminder_after_24h_then_task_after_72h_each_once():
    follow_up, manager, _p = returned_home()
    item = check_in(follow_up, 2)
    sent = send_at(item)
    assert follow_ups_sweep(now=sent - datetime.timedelta(minutes=1)) == 0  # not yet its time
    assert follow_ups_sweep(now=sent) == 1
    item.refresh_from_db()
    assert item.status == Status.SENT and item.sent_at == sent
    assert Notification.objects.filter(key=f"check_in:{item.public_id}").count() == 1
    assert follow_up.case is not None
    follow_up.case.refresh_from_db()
    assert follow_up.case.stage == Stage.FOLLOW_UP
    assert check_in_send(check_in_id=item.pk, now=sent) is False  # twice: nothing
    assert follow_ups_sweep(now=sent + datetime.timedelta(hours=23)) == 0
    assert follow_ups_sweep(now=sent + datetime.timedelta(hours=24)) == 1
    assert follow_ups_sweep(now=sent + datetime.timedelta(hours=30)) == 0
    assert Notification.objects.filter(key=f"check_in_reminder:{item.public_id}").count() == 1
    assert not CaseTask.objects.filter(case=follow_up.case, title__contains="check-in").exists()
    with time_machine.travel(sent + datetime.timedelta(hours=72), tick=False):
        assert follow_ups_sweep(now=sent + datetime.timedelta(hours=72)) == 1
        assert follow_ups_sweep(now=sent + datetime.timedelta(hours=80)) == 0
    task = CaseTask.objects.get(case=follow_up.case, title__contains="check-in")
    assert task.assignee == manager


def test_an_answered_check_in_gets_no_reminder():
    follow_up, _m, _p = returned_home()
    item = check_in(follow_up, 2)
    sent = send_at(item)
    follow_ups_sweep(now=sent)
    item.refresh_from_db()
    check_in_submit(check_in=item, actor=follow_up.case.patient, data=GOOD)  # type: ignore[union-attr]
    assert follow_ups_sweep(now=sent + datetime.timedelta(hours=80)) == 0
    assert not Notification.objects.filter(key=f"check_in_reminder:{item.public_id}").exists()


def test_case_manager_adds_and_moves_and_bad_days_are_refused():
    follow_up, manager, _p = returned_home()
    added = check_in_add(follow_up=follow_up, actor=manager, day=21)
    assert added.due_on == follow_up.discharged_on + datetime.timedelta(days=21)
    for bad in (7, 0, 1000, "x"):
        with pytest.raises(ValidationError) as exc:
            check_in_add(follow_up=follow_up, actor=manager, day=bad)
        assert "day" in exc.value.message_dict
    moved = check_in_move(check_in=check_in(follow_up, 14), actor=manager, day=15)
    assert moved.day == 15 and moved.due_on == follow_up.discharged_on + datetime.timedelta(days=15)
    with pytest.raises(ValidationError) as exc:
        check_in_move(check_in=moved, actor=manager, day=30)
    assert "day" in exc.value.message_dict
    assert CheckIn.objects.filter(follow_up=follow_up).count() == len(DEFAULT_DAYS) + 1


def test_last_check_in_answered_or_skipped_closes_the_case():
    follow_up, manager, _p = returned_home()
    days = sorted(follow_up.check_ins.values_list("day", flat=True))
    with pytest.raises(ValidationError) as exc:
        check_in_skip(check_in=check_in(follow_up, days[0]), actor=manager, reason=" ")
    assert "reason" in exc.value.message_dict
    for day in days[:-1]:
        check_in_skip(check_in=check_in(follow_up, day), actor=manager, reason="Patient asked for fewer")
    last = check_in(follow_up, days[-1])
    follow_ups_sweep(now=send_at(last))
    last.refresh_from_db()
    assert follow_up.case is not None
    with time_machine.travel(at(last.due_on, 15), tick=False):
        check_in_submit(check_in=last, actor=follow_up.case.patient, data=GOOD)
    follow_up.refresh_from_db()
    follow_up.case.refresh_from_db()
    assert follow_up.closed_at is not None
    assert follow_up.case.stage == Stage.CLOSED
