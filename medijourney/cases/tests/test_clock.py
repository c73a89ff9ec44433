"""The 24-hour first-response clock: delayed warning and breach tasks, exactly once; the clock
stops at the first human reply; the share within 24 h is computed from the data."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django_tasks_db.models import DBTaskResult

from medijourney.accounts.roles import Role
from medijourney.cases.models import CaseEvent, EventKind, Stage
from medijourney.cases.selectors import first_response_stats
from medijourney.cases.services import case_clock_check, case_clocks_sweep, case_transition, message_send

from .factories import case_manager, make_case

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def subjects(to: str) -> list[str]:
    return [str(m.subject) for m in mail.outbox if m.to == [to]]


def test_warning_at_four_hours_left_and_breach_at_zero_each_once(make_user, run_tasks):
    lead = make_user(Role.QUALITY_LEAD)
    manager = case_manager()
    with time_machine.travel(START, tick=False) as clock:
        case = make_case()
        assert case.first_response_due_at == START + dt.timedelta(hours=24)
        clock_tasks = DBTaskResult.objects.filter(task_path="medijourney.cases.tasks.check_clock")
        assert sorted(t.run_after for t in clock_tasks) == [
            START + dt.timedelta(hours=20),
            START + dt.timedelta(hours=24),
        ]
        run_tasks()  # acknowledgement and assignment emails; the clock tasks are not due yet
        mail.outbox.clear()

        clock.shift(dt.timedelta(hours=20, minutes=1))
        run_tasks()
        assert subjects(manager.email) == [f"4 hours left to answer case {case.reference}"]
        assert subjects(lead.email) == []

        clock.shift(dt.timedelta(hours=4))
        run_tasks()
        assert subjects(lead.email) == [f"First response overdue on case {case.reference}"]
        assert f"First response overdue on case {case.reference}" in subjects(manager.email)

        # a late duplicate run, the sweep, and a re-run of the task body change nothing
        case_clock_check(case_id=case.pk)
        case_clocks_sweep()
        run_tasks()
        assert len(mail.outbox) == 3
        assert CaseEvent.objects.filter(case=case, kind=EventKind.CLOCK_WARNING).count() == 1
        assert CaseEvent.objects.filter(case=case, kind=EventKind.CLOCK_BREACHED).count() == 1
        case.refresh_from_db()
        assert case.clock_breached_at is not None and case.escalated_at is not None


def test_first_staff_reply_stops_the_clock_and_no_warning_follows(run_tasks):
    manager = case_manager()
    with time_machine.travel(START, tick=False) as clock:
        case = make_case()
        clock.shift(dt.timedelta(hours=2))
        message_send(case=case, author=case.patient, body="Any news?")  # the patient: clock still runs
        case.refresh_from_db()
        assert case.first_responded_at is None
        clock.shift(dt.timedelta(hours=1))
        message_send(case=case, author=manager, body="Hello, I am your case manager.")
        case.refresh_from_db()
        assert case.first_responded_at == START + dt.timedelta(hours=3) and case.first_responder == manager
        assert CaseEvent.objects.get(case=case, kind=EventKind.FIRST_RESPONSE).data["within"] is True
        message_send(case=case, author=manager, body="A second message.")
        case.refresh_from_db()
        assert case.first_responded_at == START + dt.timedelta(hours=3)
        clock.shift(dt.timedelta(hours=30))
        run_tasks()
        assert not any("4 hours left" in m.subject or "overdue" in m.subject for m in mail.outbox)
        assert case_clock_check(case_id=case.pk) == "stopped"


def test_a_worker_that_was_down_breaches_without_a_stale_warning(make_user, run_tasks):
    make_user(Role.ADMIN)
    case_manager()
    with time_machine.travel(START, tick=False) as clock:
        case = make_case()
        clock.shift(dt.timedelta(hours=26))
        run_tasks()
        assert CaseEvent.objects.filter(case=case, kind=EventKind.CLOCK_BREACHED).count() == 1
        assert not CaseEvent.objects.filter(case=case, kind=EventKind.CLOCK_WARNING).exists()


def test_cancelled_cases_stop_the_clock():
    case_manager()
    with time_machine.travel(START, tick=False) as clock:
        case = make_case()
        case_transition(case=case, to=Stage.CANCELLED, actor=case.assigned_to)
        clock.shift(dt.timedelta(hours=25))
        assert case_clock_check(case_id=case.pk) == "stopped"


def test_share_within_24_hours_is_computed_from_the_cases():
    manager = case_manager()
    with time_machine.travel(START, tick=False) as clock:
        on_time = make_case()
        late = make_case()
        never = make_case()
        running = make_case()
        cancelled = make_case()
        case_transition(case=cancelled, to=Stage.CANCELLED, actor=manager)
        clock.shift(dt.timedelta(hours=5))
        message_send(case=on_time, author=manager, body="Hello")
        clock.shift(dt.timedelta(hours=25))
        message_send(case=late, author=manager, body="Sorry for the wait")
        running.first_response_due_at = START + dt.timedelta(hours=48)
        running.save()
        stats = first_response_stats()
        assert (stats.within, stats.late, stats.measured, stats.running) == (1, 2, 3, 1)
        assert stats.percent == "33%"
        assert never.first_responded_at is None
        assert first_response_stats(since=START + dt.timedelta(days=5)).measured == 0
        assert first_response_stats(since=START + dt.timedelta(days=5)).percent == "—"
