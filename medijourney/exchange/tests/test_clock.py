"""The turnaround clock with a frozen clock: working days across a weekend, in the
specialist's own time zone, paused while a question waits, reminder / escalation / re-assignment
each sent once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from medijourney.cases.models import Notification
from medijourney.exchange import clock
from medijourney.exchange.models import OpinionStatus
from medijourney.exchange.services import clarification_answer, clarification_ask, opinion_clock_check

from .factories import assigned_request, make_specialist

UTC = datetime.UTC
TOKYO = ZoneInfo("Asia/Tokyo")


def test_five_working_days_from_a_thursday_skip_the_weekend():
    start = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # Thursday
    assert clock.due_after(start, 5, "UTC") == datetime.datetime(2026, 12, 10, 10, 0, tzinfo=UTC)  # next Thursday
    friday = datetime.datetime(2026, 12, 4, 16, 0, tzinfo=UTC)
    assert clock.due_after(friday, 1, "UTC") == datetime.datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday


def test_a_weekend_start_counts_from_monday_midnight_local():
    saturday = datetime.datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
    assert clock.due_after(saturday, 5, "UTC") == datetime.datetime(2026, 12, 14, 0, 0, tzinfo=UTC)


def test_the_weekend_is_the_specialists_own():
    # Friday 20:00 UTC is already Saturday 05:00 in Tokyo: the count starts Monday 00:00 Tokyo time.
    start = datetime.datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
    due = clock.due_after(start, 5, "Asia/Tokyo")
    assert due.astimezone(TOKYO) == datetime.datetime(2026, 12, 14, 0, 0, tzinfo=TOKYO)
    # The same moment in UTC is a Friday: five working days is the next Friday.
    assert clock.due_after(start, 5, "UTC") == datetime.datetime(2026, 12, 11, 20, 0, tzinfo=UTC)


def test_reminder_one_working_day_before_and_reassignment_two_after():
    due = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # Monday
    assert clock.reminder_at(due, "UTC") == datetime.datetime(2026, 12, 4, 12, 0, tzinfo=UTC)  # Friday
    assert clock.reassign_at(due, "UTC") == datetime.datetime(2026, 12, 9, 12, 0, tzinfo=UTC)  # Wednesday


@pytest.mark.django_db
def test_assignment_sets_the_due_date_in_the_specialists_zone():
    specialist = make_specialist(time_zone="Asia/Tokyo")
    with time_machine.travel(datetime.datetime(2026, 12, 4, 20, 0, tzinfo=UTC), tick=False):
        request, _ = assigned_request(specialist=specialist)
    assert request.due_at is not None
    assert request.due_at.astimezone(TOKYO) == datetime.datetime(2026, 12, 14, 0, 0, tzinfo=TOKYO)


@pytest.mark.django_db
def test_reminder_escalation_and_reassignment_each_once():
    with time_machine.travel(datetime.datetime(2026, 12, 3, 10, 0, tzinfo=UTC), tick=False):
        request, specialist = assigned_request()
    due = request.due_at
    assert due == datetime.datetime(2026, 12, 10, 10, 0, tzinfo=UTC)
    assert opinion_clock_check(request_id=request.pk, now=due - datetime.timedelta(days=2)) == []
    assert opinion_clock_check(request_id=request.pk, now=due - datetime.timedelta(hours=3)) == ["reminded"]
    assert opinion_clock_check(request_id=request.pk, now=due - datetime.timedelta(hours=2)) == []
    assert Notification.objects.filter(kind="opinion_reminder", to_email=specialist.email).count() == 1
    assert opinion_clock_check(request_id=request.pk, now=due + datetime.timedelta(minutes=1)) == ["escalated"]
    manager = request.case.assigned_to
    assert manager is not None
    assert Notification.objects.filter(kind="opinion_overdue", to_email=manager.email).count() == 1
    # Thursday + 2 working days = Monday (not Saturday).
    assert opinion_clock_check(request_id=request.pk, now=datetime.datetime(2026, 12, 12, 11, 0, tzinfo=UTC)) == []
    assert opinion_clock_check(request_id=request.pk, now=datetime.datetime(2026, 12, 14, 10, 0, tzinfo=UTC)) == [
        "reassign_offered"
    ]
    assert opinion_clock_check(request_id=request.pk, now=datetime.datetime(2026, 12, 15, 10, 0, tzinfo=UTC)) == []


@pytest.mark.django_db
def test_the_clock_pauses_while_a_question_waits():
    with time_machine.travel(datetime.datetime(2026, 12, 3, 10, 0, tzinfo=UTC), tick=False):
        request, specialist = assigned_request()
    due = request.due_at
    assert due is not None
    with time_machine.travel(datetime.datetime(2026, 12, 4, 10, 0, tzinfo=UTC), tick=False):
        clarification = clarification_ask(request=request, actor=specialist, question="Which knee, and since when?")
    request.refresh_from_db()
    assert request.status == OpinionStatus.CLARIFYING
    # Paused: the deadline passing does nothing.
    assert opinion_clock_check(request_id=request.pk, now=due + datetime.timedelta(hours=1)) == []
    with time_machine.travel(datetime.datetime(2026, 12, 6, 10, 0, tzinfo=UTC), tick=False):
        manager = request.case.assigned_to
        assert manager is not None
        clarification_answer(clarification=clarification, actor=manager, answer="Right knee, 2 years.")
    request.refresh_from_db()
    assert request.status == OpinionStatus.ASSIGNED
    assert request.due_at == due + datetime.timedelta(days=2)  # moved by the time spent waiting
