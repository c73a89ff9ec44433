"""The clock jumps: a frozen clock moved forward 3 days at once (a host suspended, a worker pool
down over a weekend). Every due clock task fires once, in deadline order, and the recurring jobs
run once each, not once per missed interval."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django_tasks_db.models import DBTaskResult

from medijourney.accounts.roles import Role
from medijourney.cases.models import Case, CaseEvent, EventKind, Notification
from medijourney.cases.tests.factories import case_manager, make_case
from medijourney.core.models import ScheduledJob
from medijourney.core.scheduling import registered_jobs
from medijourney.core.tasks import scheduler_tick

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def test_three_day_jump_fires_each_due_clock_once_in_order(make_user, run_tasks):
    make_user(Role.QUALITY_LEAD)
    case_manager()
    with time_machine.travel(START, tick=False) as clock:
        scheduler_tick.enqueue()
        cases = []
        for hours in (0, 5, 1, 9):  # made out of deadline order
            clock.move_to(START + dt.timedelta(hours=hours))
            cases.append(make_case())
        clock.move_to(START + dt.timedelta(hours=10))
        run_tasks()  # acknowledgements, assignments, the first tick; no clock is due yet
        assert not CaseEvent.objects.filter(kind__in=[EventKind.CLOCK_WARNING, EventKind.CLOCK_BREACHED]).exists()
        runs_before = dict(ScheduledJob.objects.values_list("name", "last_run_at"))
        mail.outbox.clear()

        clock.shift(dt.timedelta(days=3))  # the jump: every deadline is now 2+ days past
        run_tasks()

        breaches = list(CaseEvent.objects.filter(kind=EventKind.CLOCK_BREACHED).order_by("id"))
        # once per case ...
        assert sorted(e.case_id for e in breaches) == sorted(c.pk for c in cases)
        # ... in the order the deadlines fell, not the order the cases were made
        by_deadline = [c.pk for c in sorted(cases, key=lambda c: c.first_response_due_at)]
        assert [e.case_id for e in breaches] == by_deadline
        # the warning is moot after the deadline: the breach supersedes it, and nothing fires twice
        assert not CaseEvent.objects.filter(kind=EventKind.CLOCK_WARNING).exists()
        for case in Case.objects.filter(pk__in=[c.pk for c in cases]):
            assert case.clock_breached_at == START + dt.timedelta(hours=10, days=3)
        breach_mails = Notification.objects.filter(kind="clock_breach")
        assert breach_mails.count() == len(cases) * 2  # the lead and the assigned manager, once each
        assert len([m for m in mail.outbox if "overdue" in m.subject]) == len(cases) * 2
        assert (
            not DBTaskResult.objects.filter(
                status__in=["READY", "RUNNING"], run_after__lte=START + dt.timedelta(days=4)
            )
            .exclude(task_path="medijourney.core.tasks.scheduler_tick")
            .exists()
        )

        # Recurring jobs: each ran once after the jump (not 3 days of missed five-minute runs).
        after = dict(ScheduledJob.objects.values_list("name", "last_run_at"))
        for name in registered_jobs():
            assert after[name] == START + dt.timedelta(hours=10, days=3), name
            assert after[name] != runs_before.get(name)
        swept = DBTaskResult.objects.filter(task_path="medijourney.cases.tasks.sweep_clocks")
        assert swept.count() == 2  # the first tick's run and one after the jump

        # A second pass changes nothing.
        run_tasks()
        assert CaseEvent.objects.filter(kind=EventKind.CLOCK_BREACHED).count() == len(cases)
