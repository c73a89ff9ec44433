"""The case's milestone columns (what the network's funnel counts): set by the stage change the
first time a step is reached, kept on later moves, refused for an unknown name."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from medijourney.cases.models import Case, Stage
from medijourney.cases.services import case_milestone_mark, case_transition
from medijourney.cases.tests.factories import case_manager, make_case

pytestmark = pytest.mark.django_db


def _walk(case: Case, *stages: str) -> Case:
    for stage in stages:
        case = case_transition(case=case, to=stage, actor=case.assigned_to)
    return case


def test_stage_changes_set_travelled_home_and_follow_up_done_once() -> None:
    case = make_case(assigned_to=case_manager())
    Case.objects.filter(pk=case.pk).update(stage=Stage.QUOTES_READY)
    case.refresh_from_db()
    case = _walk(case, Stage.PLAN_ACCEPTED, Stage.TRAVEL_PLANNING)
    assert case.travelled_at is None and case.returned_home_at is None
    case = _walk(case, Stage.IN_TREATMENT)
    travelled = case.travelled_at
    assert travelled is not None and case.returned_home_at is None
    with time_machine.travel(timezone.now() + datetime.timedelta(days=5)):
        case = _walk(case, Stage.RECOVERING, Stage.RETURNED_HOME, Stage.FOLLOW_UP)
    case.refresh_from_db()
    assert case.travelled_at == travelled  # the first time is kept
    assert case.returned_home_at is not None and case.returned_home_at > travelled
    assert case.follow_up_done_at is None
    case = _walk(case, Stage.CLOSED)
    case.refresh_from_db()
    assert case.follow_up_done_at is not None


def test_closing_straight_from_home_is_not_a_completed_follow_up() -> None:
    case = make_case(assigned_to=case_manager())
    Case.objects.filter(pk=case.pk).update(stage=Stage.RECOVERING)
    case.refresh_from_db()
    case = _walk(case, Stage.RETURNED_HOME, Stage.CLOSED)
    case.refresh_from_db()
    assert case.returned_home_at is not None and case.follow_up_done_at is None
    assert case.travelled_at == case.returned_home_at  # home counts as travelled, as the funnel always did


def test_cancelling_reaches_no_milestone() -> None:
    case = _walk(make_case(assigned_to=case_manager()), Stage.CANCELLED)
    case.refresh_from_db()
    assert case.stage == Stage.CANCELLED
    assert not any(
        getattr(case, f) for f in ("travelled_at", "returned_home_at", "follow_up_done_at", "quotes_requested_at")
    )


def test_mark_keeps_the_first_time_and_refuses_unknown_names() -> None:
    case = make_case()
    first = timezone.now() - datetime.timedelta(days=2)
    case_milestone_mark(case=case, milestone="quotes_requested_at", at=first)
    case_milestone_mark(case=case, milestone="quotes_requested_at", at=timezone.now())
    case.refresh_from_db()
    assert case.quotes_requested_at == first
    with pytest.raises(ValueError, match="unknown case milestone"):
        case_milestone_mark(case=case, milestone="stage", at=first)
