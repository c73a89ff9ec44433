"""A case home from its treatment, made the real way: journeys' accepted journey, then the
hospital records admission and discharge and the patient says they are home (which schedules the
follow-up through cases' register_on_stage)."""

import datetime
from typing import Any

import time_machine

from medijourney.accounts.models import User
from medijourney.aftercare.models import CheckIn, FollowUp
from medijourney.catalog.models import Procedure
from medijourney.catalog.tests.factories import ProcedureFactory
from medijourney.journeys.models import Journey, StepKind
from medijourney.journeys.services import step_record_happened
from medijourney.journeys.tests.factories import accepted_journey, step


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def knee() -> Procedure:
    return ProcedureFactory(slug="knee-replacement", name="Total knee replacement")


def returned_home(**kwargs: Any) -> tuple[FollowUp, User, User]:
    """(follow-up, case manager, partner); the clock is left after the return flight's day."""
    kwargs.setdefault("procedure", knee())
    kwargs.setdefault("tz", "UTC")
    journey, manager, partner = accepted_journey(**kwargs)
    patient = journey.case.patient
    admission, discharge, back = (
        step(journey, k) for k in (StepKind.ADMISSION, StepKind.DISCHARGE, StepKind.RETURN_FLIGHT)
    )
    with time_machine.travel(at(admission.day), tick=False):
        step_record_happened(step=admission, actor=partner)
    with time_machine.travel(at(discharge.day), tick=False):
        step_record_happened(step=discharge, actor=partner)
    with time_machine.travel(at(back.day + datetime.timedelta(days=1)), tick=False):
        step_record_happened(step=back, actor=patient)
    return FollowUp.objects.get(case=journey.case), manager, partner


def journey_of(follow_up: FollowUp) -> Journey:
    assert follow_up.case is not None
    return Journey.objects.get(case=follow_up.case)


def check_in(follow_up: FollowUp, day: int) -> CheckIn:
    return follow_up.check_ins.get(day=day)


GOOD = {
    "pain": 3,
    "temperature": 36.8,
    "wound": "dry",
    "breathing": "normal",
    "chest_pain": False,
    "calf_pain": False,
    "bleeding": "none",
    "confusion": False,
    "readmitted": False,
    "activities": "same",
    "satisfaction": 4,
    "free_text": "Walking with a frame.",
}
