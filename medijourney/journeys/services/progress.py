"""Stages follow the journey: admission recorded by the hospital → in treatment; discharge
recorded → recovering; the return flight's date passed and the patient says they are home →
returned home. Each through ``case_transition`` (so each is on the timeline). A job tells the case
manager, once per step, when a step's date passed without confirmation."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.cases.models import Stage
from medijourney.cases.services import case_event_add, case_transition, task_add
from medijourney.core.dates import day_text
from medijourney.privacy.services import audit_record

from ..models import Step, StepKind
from ..rules import today_in
from .itinerary import planning_start

# The step recorded as done → (the stage the case must be in, the stage it moves to).
STAGE_STEPS: dict[str, tuple[str, str]] = {
    StepKind.ADMISSION: (Stage.TRAVEL_PLANNING, Stage.IN_TREATMENT),
    StepKind.DISCHARGE: (Stage.IN_TREATMENT, Stage.RECOVERING),
    StepKind.RETURN_FLIGHT: (Stage.RECOVERING, Stage.RETURNED_HOME),
}
HOSPITAL_RECORDS = frozenset({StepKind.ADMISSION, StepKind.DISCHARGE})


def step_record_happened(*, step: Step, actor: User) -> Step:
    """Record that a step happened (the hospital: admission, discharge; the patient: home after
    the return flight) and move the case to the matching stage."""
    with transaction.atomic():
        step = Step.objects.select_for_update().select_related("journey__case__patient").get(pk=step.pk)
        if step.kind not in STAGE_STEPS:
            raise ValidationError({"step": _("This step is not recorded as done.")})
        journey = step.journey
        case = journey.case
        if step.happened_at is not None:
            return step
        today = today_in(step.tz)
        if today < step.day:
            raise ValidationError(
                {
                    "day": _("“%(step)s” is planned for %(d)s: it can be recorded on or after that day.")
                    % {"step": StepKind(step.kind).label, "d": day_text(step.day)}
                }
            )
        if step.kind == StepKind.RETURN_FLIGHT and today <= step.day:
            raise ValidationError({"day": _("You can tell us you are home once the return flight's day has passed.")})
        required, to = STAGE_STEPS[step.kind]
        if step.kind == StepKind.ADMISSION:
            planning_start(case=case, actor=actor)
            case.refresh_from_db(fields=["stage"])
        if case.stage != required:
            raise ValidationError(
                {
                    "stage": _("The case is “%(s)s”; this step is recorded when it is “%(r)s”.")
                    % {"s": Stage(case.stage).label, "r": Stage(required).label}
                }
            )
        step.happened_at = timezone.now()
        step.happened_by = actor
        step.save(update_fields=["happened_at", "happened_by", "updated_at"])
        case_event_add(case=case, kind="journey_step_done", actor=actor, step=step.kind)
        audit_record(actor=actor, action="journey.step_done", obj=journey, patient=case.patient)
        case_transition(case=case, to=to, actor=actor)
    return step


def journey_nudges_run(*, now: Any = None) -> int:
    """Tell the case manager (a task on the case) when an admission, discharge or return flight
    date has passed without being recorded; once per step (``nudged_at``). Idempotent."""
    count = 0
    open_stages = [Stage.PLAN_ACCEPTED, *(required for required, _to in STAGE_STEPS.values())]
    candidates = (
        Step.objects.filter(kind__in=list(STAGE_STEPS), happened_at__isnull=True, nudged_at__isnull=True)
        .filter(journey__case__stage__in=open_stages)
        .select_related("journey__case")
    )
    for candidate in candidates:
        if today_in(candidate.tz) <= candidate.day:
            continue
        with transaction.atomic():
            step = Step.objects.select_for_update().select_related("journey__case").get(pk=candidate.pk)
            if step.nudged_at is not None or step.happened_at is not None:
                continue
            case = step.journey.case
            step.nudged_at = timezone.now()
            step.save(update_fields=["nudged_at", "updated_at"])
            title = _("Confirm with the hospital or the patient: “%(step)s” was planned for %(d)s") % {
                "step": StepKind(step.kind).label,
                "d": day_text(step.day),
            }
            task_add(case=case, actor=None, title=title[:200], assignee=case.assigned_to, due_on=timezone.localdate())  # type: ignore[arg-type]
            case_event_add(case=case, kind="journey_nudge", step=step.kind)
            count += 1
    return count
