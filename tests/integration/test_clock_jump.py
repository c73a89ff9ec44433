"""The clock jumps: a frozen clock moved forward 3 days at once (a host suspended, a worker pool
down over a weekend). Every due clock task fires once, in deadline order: the cases' first-response
escalations and the quote requests' reminders, escalations and 72-hour alternatives; the recurring
jobs run once each, not once per missed interval."""

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
from medijourney.quotes.models import QuoteRequest
from medijourney.quotes.services import quote_requests_send
from medijourney.quotes.tests.factories import SUMMARY, consent, partner_hospital

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
        requests = quote_requests_sent(cases)
        run_tasks()  # the requests' emails to the hospitals; their clocks are all in the future
        assert not CaseEvent.objects.filter(kind__in=[EventKind.CLOCK_WARNING, EventKind.CLOCK_BREACHED]).exists()
        assert not QuoteRequest.objects.exclude(reminder_sent_at=None, escalated_at=None).exists()
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
        assert len([m for m in mail.outbox if "First response overdue" in m.subject]) == len(cases) * 2
        quote_clocks_fired_once_in_order(requests, START + dt.timedelta(hours=10, days=3))
        # Nothing due is left; what waits is not due yet (C's deadline, 8 hours after the jump).
        assert (
            not DBTaskResult.objects.filter(
                status__in=["READY", "RUNNING"], run_after__lte=START + dt.timedelta(hours=10, days=3)
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
        fired = list(Notification.objects.order_by("id").values_list("key", flat=True))
        run_tasks()
        assert CaseEvent.objects.filter(kind=EventKind.CLOCK_BREACHED).count() == len(cases)
        assert list(Notification.objects.order_by("id").values_list("key", flat=True)) == fired


def quote_requests_sent(cases: list[Case]) -> dict[str, QuoteRequest]:
    """Three quote requests sent at the same moment (10:00 on day one), out of deadline order:
    "A" due in 40 hours, "B" in 24, "C" in 80. The 3-day jump lands past A's and B's deadlines and
    inside C's reminder window (the last 12 hours), and 72 hours after all three were sent."""
    requests = {}
    for name, case, hours in (("A", cases[0], 40), ("B", cases[1], 24), ("C", cases[2], 80)):
        case.refresh_from_db()  # assigned by the intake's task
        assert case.assigned_to is not None
        hospital, _partner = partner_hospital()
        consent(case, hospital)
        (requests[name],) = quote_requests_send(
            case=case, hospitals=[hospital], summary=SUMMARY, actor=case.assigned_to, respond_within_hours=hours
        )
    return requests


def quote_clocks_fired_once_in_order(requests: dict[str, QuoteRequest], now: dt.datetime) -> None:
    a, b, c = (QuoteRequest.objects.get(pk=requests[n].pk) for n in "ABC")
    # Past their deadlines: escalated, and the reminder is moot (as a case's warning is).
    assert (a.escalated_at, b.escalated_at) == (now, now)
    assert (a.reminder_sent_at, b.reminder_sent_at) == (None, None)
    # Inside its reminder window: reminded, not escalated.
    assert (c.reminder_sent_at, c.escalated_at) == (now, None)
    # 72 hours after sending: alternatives offered on every request, once each.
    assert (a.alternatives_offered_at, b.alternatives_offered_at, c.alternatives_offered_at) == (now, now, now)
    events = CaseEvent.objects.filter(kind__in=["quote_overdue", "quote_alternatives"])
    assert sorted((e.kind, e.data["request"]) for e in events) == sorted(
        [("quote_overdue", a.code), ("quote_overdue", b.code)] + [("quote_alternatives", r.code) for r in (a, b, c)]
    )
    # In the order the deadlines fell (B at 34 h, A at 50 h, C's reminder at 78 h), not the order sent.
    fired = Notification.objects.filter(kind__in=["quote_overdue", "quote_reminder"]).order_by("id")
    assert [(n.kind, n.key.split(":")[1]) for n in fired] == [
        ("quote_overdue", str(b.public_id)),
        ("quote_overdue", str(a.public_id)),
        ("quote_reminder", str(c.public_id)),
    ]
    assert len([m for m in mail.outbox if m.subject.startswith("Quote overdue on case")]) == 2
    assert len([m for m in mail.outbox if m.subject == "Reminder: a quote request is due soon"]) == 1
