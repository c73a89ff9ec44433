"""The itinerary from the accepted plan, moves with their dependent steps, and the rules that
refuse a move (travel window, order, fit to fly) — with frozen clocks across a daylight-saving
change and at a destination east of the date line."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from medijourney.cases.models import CaseEvent, Stage
from medijourney.journeys.models import STEP_ORDER, Step, StepKind
from medijourney.journeys.services import step_move
from medijourney.privacy.models import AuditEvent

from .factories import abdominal, accepted_journey, step

pytestmark = pytest.mark.django_db
D = datetime.date


@time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_draft_follows_the_plan_and_the_caa_rule():
    journey, _manager, _partner = accepted_journey(
        procedure=abdominal(),
        days_before_flying=7,
        case_kwargs={"travel_earliest": D(2026, 4, 1), "travel_latest": D(2026, 5, 1)},
    )
    days = {s.kind: s.day for s in journey.steps.all()}
    assert [s.kind for s in journey.steps.all()] == list(STEP_ORDER)
    assert days[StepKind.OUTBOUND_FLIGHT] == D(2026, 4, 1)  # first day of the travel window
    assert days[StepKind.ARRIVAL] == D(2026, 4, 2)
    assert days[StepKind.PROCEDURE] == D(2026, 4, 4)  # two days in the country before (plan)
    assert days[StepKind.ADMISSION] == D(2026, 4, 3)
    assert days[StepKind.DISCHARGE] == D(2026, 4, 8)  # four nights in hospital
    # CAA: 10 days after abdominal surgery beats the plan's 7.
    assert journey.fit_published and journey.fit_days == 10
    assert "Civil Aviation Authority" in journey.fit_rule and journey.fit_source_url.startswith("https://caa.co.uk")
    assert days[StepKind.RETURN_FLIGHT] == D(2026, 4, 14)
    assert journey.destination_tz == "Asia/Kolkata"
    assert step(journey, StepKind.ARRIVAL).tz == "Asia/Kolkata"
    journey.case.refresh_from_db()
    assert journey.case.stage == Stage.PLAN_ACCEPTED  # nothing worked on yet
    assert CaseEvent.objects.filter(case=journey.case, kind="journey_drafted").exists()


def test_without_published_interval_the_surgeon_decides():
    journey, _m, _p = accepted_journey(days_before_flying=12)
    assert not journey.fit_published
    assert journey.fit_days == 12
    assert "No published interval: the surgeon decides" in journey.fit_rule


def test_moving_the_procedure_moves_the_steps_after_it_only():
    journey, manager, _p = accepted_journey()
    before = {s.kind: s.day for s in journey.steps.all()}
    plan = step_move(
        step=step(journey, StepKind.PROCEDURE),
        day=before[StepKind.PROCEDURE] + datetime.timedelta(days=3),
        actor=manager,
    )
    after = {s.kind: s.day for s in journey.steps.all()}
    moved = {s.kind for s in plan.moved}
    assert moved == {"discharge", "recovery", "fit_check", "return_flight", "home_checkin"}
    for kind in STEP_ORDER:
        shift = 3 if kind in moved or kind == "procedure" else 0
        assert after[kind] == before[kind] + datetime.timedelta(days=shift), kind
    event = CaseEvent.objects.get(case=journey.case, kind="journey_step_moved")
    assert sorted(event.data["moved"]) == sorted(moved)
    assert step(journey, StepKind.RETURN_FLIGHT).revision == 1
    journey.case.refresh_from_db()
    assert journey.case.stage == Stage.TRAVEL_PLANNING  # the first move starts the planning
    assert AuditEvent.objects.filter(action="journey.step_move").exists()


def test_a_moved_date_must_be_confirmed_again():
    journey, manager, partner = accepted_journey()
    from medijourney.journeys.services import step_confirm_dates

    admission = step(journey, StepKind.ADMISSION)
    step_confirm_dates(step=admission, actor=partner)
    step_move(
        step=step(journey, StepKind.ARRIVAL),
        day=step(journey, StepKind.ARRIVAL).day + datetime.timedelta(days=1),
        actor=manager,
    )
    assert step(journey, StepKind.ADMISSION).dates_confirmed_at is None


@pytest.mark.parametrize(
    ("kind", "shift", "field", "words"),
    [
        (StepKind.DISCHARGE, -5, "day", "Discharge"),
        (StepKind.OUTBOUND_FLIGHT, -60, "day", "travel window"),
        (StepKind.OUTBOUND_FLIGHT, 90, "day", "travel window"),
        (StepKind.RETURN_FLIGHT, -3, "day", "fit-to-fly"),
    ],
)
def test_bad_moves_name_the_field_and_the_rule_and_change_nothing(kind, shift, field, words):
    journey, manager, _p = accepted_journey(
        case_kwargs={
            "travel_earliest": datetime.date.today() + datetime.timedelta(days=20),
            "travel_latest": datetime.date.today() + datetime.timedelta(days=60),
        }
    )
    before = list(Step.objects.filter(journey=journey).values_list("kind", "day", "revision"))
    target = step(journey, kind)
    with pytest.raises(ValidationError) as exc:
        step_move(step=target, day=target.day + datetime.timedelta(days=shift), actor=manager)
    assert field in exc.value.message_dict
    assert words in " ".join(exc.value.message_dict[field])
    assert list(Step.objects.filter(journey=journey).values_list("kind", "day", "revision")) == before


def test_fit_to_fly_message_names_the_rule_and_its_source():
    journey, manager, _p = accepted_journey(procedure=abdominal())
    ret = step(journey, StepKind.RETURN_FLIGHT)
    with pytest.raises(ValidationError) as exc:
        step_move(step=ret, day=ret.day - datetime.timedelta(days=2), actor=manager)
    text = " ".join(exc.value.message_dict["day"])
    assert "Civil Aviation Authority" in text and "caa.co.uk" in text and "override" in text


def test_override_needs_a_written_reason_goes_on_the_timeline_and_is_kept():
    journey, manager, _p = accepted_journey()
    ret = step(journey, StepKind.RETURN_FLIGHT)
    with pytest.raises(ValidationError) as exc:
        step_move(step=ret, day=ret.day - datetime.timedelta(days=2), actor=manager, override_reason="ok")
    assert "override_reason" in exc.value.message_dict
    reason = "Surgeon reviewed on day 8 and signed the airline's MEDIF form."
    step_move(step=ret, day=ret.day - datetime.timedelta(days=2), actor=manager, override_reason=reason)
    journey.refresh_from_db()
    assert journey.fit_override_reason == reason and journey.fit_override_by == manager
    assert CaseEvent.objects.get(case=journey.case, kind="fit_to_fly_override").data["reason"] == reason


@time_machine.travel(datetime.datetime(2026, 10, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_fit_to_fly_counts_local_days_across_a_daylight_saving_change():
    """Europe/London leaves summer time on 25 Oct 2026: the rule counts calendar days at the
    destination, and a step keeps its local time while its UTC moment shifts by an hour."""
    journey, manager, _p = accepted_journey(
        tz="Europe/London", procedure=abdominal(), case_kwargs={"travel_earliest": D(2026, 10, 15)}
    )
    proc = step(journey, StepKind.PROCEDURE)
    step_move(step=proc, day=D(2026, 10, 20), time=datetime.time(9, 0), actor=manager)
    ret = step(journey, StepKind.RETURN_FLIGHT)
    assert ret.day == D(2026, 10, 30)  # 20 Oct + 10 days, over the change
    # 08:00 on the fit-to-fly day is allowed although fewer than 240 hours have passed since 09:00 on the 20th.
    step_move(step=ret, day=D(2026, 10, 30), time=datetime.time(8, 0), actor=manager)
    ret.refresh_from_db()
    proc.refresh_from_db()
    assert (ret.starts() - proc.starts()) < datetime.timedelta(days=10)
    assert proc.starts().utcoffset() == datetime.timedelta(hours=1)  # BST
    assert ret.starts().utcoffset() == datetime.timedelta(0)  # GMT
    assert ret.starts().astimezone(datetime.UTC).hour == 8
    with pytest.raises(ValidationError):
        step_move(step=ret, day=D(2026, 10, 29), time=datetime.time(23, 30), actor=manager)


@time_machine.travel(datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_fit_to_fly_at_a_destination_east_of_the_date_line():
    """Pacific/Kiritimati is UTC+14: 08:00 local on the fit-to-fly day is 18:00 UTC the day
    before. The rule compares local dates, so it allows it (a UTC-date rule would refuse it)."""
    journey, manager, _p = accepted_journey(
        tz="Pacific/Kiritimati", procedure=abdominal(), case_kwargs={"travel_earliest": D(2026, 7, 1)}
    )
    proc = step(journey, StepKind.PROCEDURE)
    fit_day = proc.day + datetime.timedelta(days=10)
    ret = step(journey, StepKind.RETURN_FLIGHT)
    step_move(step=ret, day=fit_day, time=datetime.time(8, 0), actor=manager)
    ret.refresh_from_db()
    assert ret.starts().astimezone(datetime.UTC).date() == fit_day - datetime.timedelta(days=1)
    assert ret.starts().utcoffset() == datetime.timedelta(hours=14)
    with pytest.raises(ValidationError):
        step_move(step=ret, day=fit_day - datetime.timedelta(days=1), time=datetime.time(23, 0), actor=manager)
    # The home steps stay in the patient's zone; the arrival is shown in both.
    assert step(journey, StepKind.OUTBOUND_FLIGHT).tz == journey.home_tz
    assert ZoneInfo(journey.destination_tz).utcoffset(datetime.datetime(2026, 7, 1)) == datetime.timedelta(hours=14)


def test_arrival_the_day_before_departure_is_allowed_across_the_date_line():
    journey, manager, _p = accepted_journey(tz="Pacific/Honolulu")
    out = step(journey, StepKind.OUTBOUND_FLIGHT)
    Step.objects.filter(pk=out.pk).update(tz="Pacific/Auckland")
    arrival = step(journey, StepKind.ARRIVAL)
    step_move(step=arrival, day=out.day - datetime.timedelta(days=1), actor=manager)  # no times: the date line's day
    with pytest.raises(ValidationError):
        step_move(step=step(journey, StepKind.ARRIVAL), day=out.day - datetime.timedelta(days=3), actor=manager)
