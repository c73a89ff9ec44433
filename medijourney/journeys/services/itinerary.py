"""The itinerary: built from the accepted plan when the patient accepts a quote, edited by the
case manager (a moved step moves the steps after it), dates confirmed by the hospital.

Moves are checked first (``step_move_check`` returns a plan or raises ValidationError by field)
and then done (``step_move_do``); ``step_move`` runs both in one transaction."""

import datetime
import itertools
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.cases.models import Case, Stage
from medijourney.cases.services import case_event_add, case_transition
from medijourney.core.dates import day_text
from medijourney.privacy.services import audit_record
from medijourney.quotes.models import Quote

from ..models import HOME_STEPS, STEP_ORDER, ChecklistItem, ItemKind, Journey, Step, StepKind
from ..rules import (
    DUE_BEFORE_DEPARTURE,
    PROVIDERS,
    destination_place,
    draft_departure,
    due_text,
    fit_rule,
    home_place,
)

DAY = datetime.timedelta(days=1)
PLAN_RANGE = datetime.timedelta(days=730)  # dates further than this from today are typing mistakes


def _draft_days(journey: Journey, departure: datetime.date) -> dict[str, datetime.date]:
    """Dates of the draft, from the plan: arrive the day after leaving, ``pre_op_days`` in the
    country before the procedure (admitted the day before when there are two or more), the nights
    in hospital, then the later of the fit-to-fly rule and the plan's days before flying."""
    pre = int(journey.pre_op_days)
    arrival = departure + DAY
    procedure = arrival + pre * DAY
    admission = procedure - DAY if pre >= 2 else procedure
    pre_op = arrival + DAY if pre >= 2 else arrival
    discharge = procedure + int(journey.inpatient_nights) * DAY
    back = procedure + max(int(journey.fit_days), int(journey.days_before_flying)) * DAY
    fit_check = max(discharge, back - DAY)
    return {
        StepKind.OUTBOUND_FLIGHT: departure,
        StepKind.ARRIVAL: arrival,
        StepKind.PRE_OP: pre_op,
        StepKind.ADMISSION: admission,
        StepKind.PROCEDURE: procedure,
        StepKind.DISCHARGE: discharge,
        StepKind.RECOVERY: discharge,
        StepKind.FIT_CHECK: fit_check,
        StepKind.RETURN_FLIGHT: back,
        StepKind.HOME_CHECKIN: back + 2 * DAY,
    }


def checklist_due(journey: Journey, kind: str, steps: dict[str, datetime.date]) -> datetime.date | None:
    """The item's due date from the itinerary; never before the journey was drafted (a short
    notice trip makes everything due at once rather than overdue from the start)."""
    if kind == ItemKind.FIT_CERTIFICATE:
        return steps[StepKind.RETURN_FLIGHT]
    days = DUE_BEFORE_DEPARTURE.get(kind)
    if days is None:
        return None
    drafted = timezone.localdate(journey.created_at) if journey.created_at else timezone.localdate()
    return max(steps[StepKind.OUTBOUND_FLIGHT] - datetime.timedelta(days=days), drafted)


def journey_build(*, quote: Quote, case: Case, actor: Any, is_demo: bool = False) -> Journey:
    """The draft journey of an accepted plan (registered with quotes.register_on_accept; runs in
    the accepting transaction). The case stays "plan accepted" until the trip is worked on. Idempotent."""
    existing = Journey.objects.filter(case=case).first()
    if existing is not None:
        return existing
    hospital = quote.request.hospital
    procedure = quote.procedure
    rule = fit_rule(procedure, int(quote.days_before_flying))
    dest_tz, dest_airport, basis = destination_place(hospital)
    home_tz, home_airport = home_place(user_tz=case.patient.time_zone, country=str(case.country_of_residence))
    journey = Journey(
        case=case,
        quote=quote,
        hospital=hospital,
        procedure=procedure,
        destination_country=hospital.country_id,
        destination_tz=dest_tz,
        destination_airport=dest_airport[:200],
        destination_airport_basis=str(basis)[:300],
        home_tz=home_tz,
        home_airport=home_airport[:200],
        pre_op_days=quote.pre_op_days,
        inpatient_nights=quote.inpatient_nights,
        days_before_flying=quote.days_before_flying,
        fit_days=rule.days,
        fit_published=rule.published,
        fit_rule=rule.text[:300],
        fit_authority=rule.authority[:200],
        fit_source_url=rule.source_url,
        fit_data_date=rule.data_date,
        travel_earliest=case.travel_earliest,
        travel_latest=case.travel_latest,
        companion=case.companion,
        is_demo=is_demo,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    journey.full_clean()
    journey.save()
    days = _draft_days(journey, draft_departure(case.travel_earliest, case.travel_latest))
    Step.objects.bulk_create(
        [
            Step(
                journey=journey,
                kind=kind,
                position=i,
                day=days[kind],
                tz=home_tz if kind in HOME_STEPS else dest_tz,
                created_by=journey.created_by,
            )
            for i, kind in enumerate(STEP_ORDER)
        ]
    )
    kinds = [k for k in ItemKind.values if k != ItemKind.COMPANION or case.companion]
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                journey=journey,
                kind=kind,
                position=i,
                provider=PROVIDERS[kind],
                due_on=checklist_due(journey, kind, days),
                due_rule=due_text(kind)[:200],
            )
            for i, kind in enumerate(kinds)
        ]
    )
    case_event_add(case=case, kind="journey_drafted", actor=actor, journey=journey.code)
    audit_record(actor=actor, action="journey.build", obj=journey, patient=case.patient)
    return journey


def planning_start(*, case: Case, actor: Any) -> None:
    """The case moves from "plan accepted" to "travel planning" when the trip is first worked on
    (a date moved by the case team or confirmed by the hospital, or the admission recorded)."""
    if Case.objects.filter(pk=case.pk, stage=Stage.PLAN_ACCEPTED).exists():
        case_transition(case=case, to=Stage.TRAVEL_PLANNING, actor=actor)


# --- Moving a step --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MovePlan:
    journey: Journey
    step: Step
    day: datetime.date
    time: datetime.time | None
    delta: datetime.timedelta
    moved: tuple[Step, ...]  # the later steps that move with it (not the step itself)
    days: dict[str, datetime.date]
    times: dict[str, datetime.time | None]
    fit_date: datetime.date
    needs_override: bool
    override_reason: str


def fit_date(journey: Journey, procedure_day: datetime.date) -> datetime.date:
    """The first local day on which the return flight may leave: the procedure's local date plus
    the rule's days (calendar days at the destination, whatever the clocks do in between)."""
    return procedure_day + datetime.timedelta(days=int(journey.fit_days))


def _starts(day: datetime.date, time: datetime.time | None, tz: str) -> datetime.datetime | None:
    return datetime.datetime.combine(day, time, tzinfo=ZoneInfo(tz)) if time is not None else None


def _order_errors(steps: list[Step], days: dict[str, datetime.date], times: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    by_kind = {s.kind: s for s in steps}
    for before, after in itertools.pairwise(STEP_ORDER):
        a, b = by_kind[before], by_kind[after]
        start_a, start_b = _starts(days[before], times[before], a.tz), _starts(days[after], times[after], b.tz)
        if start_a is not None and start_b is not None:
            wrong = start_b < start_a
        elif a.tz == b.tz:
            wrong = days[after] < days[before]
        else:  # different time zones without times: allow the date line's day
            wrong = days[after] < days[before] - DAY
        if wrong:
            if after == StepKind.DISCHARGE:
                message = _("Discharge (%(d)s) cannot be before admission and the procedure (%(a)s).")
            else:
                message = _("“%(step)s” (%(d)s) cannot be before “%(prev)s” (%(a)s).")
            errors.setdefault("day", []).append(
                message
                % {
                    "step": StepKind(after).label,
                    "prev": StepKind(before).label,
                    "d": day_text(days[after]),
                    "a": day_text(days[before]),
                }
            )
    if days[StepKind.DISCHARGE] < days[StepKind.ADMISSION] and not errors:
        errors["day"] = [_("Discharge cannot be before admission.")]
    return errors


def step_move_check(
    *,
    step: Step,
    day: datetime.date | None,
    time: datetime.time | None,
    actor: User,
    override_reason: str = "",
) -> MovePlan:
    """Check a new date (and time) for a step: the later steps move by the same number of days.
    Refuses a date outside the patient's travel window, steps out of order (discharge before
    admission...) and a return flight before the fit-to-fly date unless a written reason is given."""
    journey = Journey.objects.select_for_update().get(pk=step.journey_id)
    steps = list(Step.objects.select_for_update().filter(journey=journey).order_by("position"))
    step = next(s for s in steps if s.pk == step.pk)
    if day is None:
        raise ValidationError({"day": _("Enter a date.")})
    today = timezone.localdate()
    if not (today - PLAN_RANGE <= day <= today + PLAN_RANGE):
        raise ValidationError({"day": _("Enter a date within two years of today.")})
    if time is not None:
        time = time.replace(tzinfo=None, microsecond=0)  # a local wall-clock time in the step's zone
    delta = day - step.day
    moved = tuple(s for s in steps if s.position > step.position) if delta else ()
    days = {s.kind: s.day + (delta if s in moved else datetime.timedelta(0)) for s in steps}
    days[step.kind] = day
    times = {s.kind: s.time for s in steps}
    times[step.kind] = time
    if step.kind == StepKind.RETURN_FLIGHT and days[StepKind.FIT_CHECK] > day:
        # The surgeon's check comes before the flight: an earlier return pulls it along.
        days[StepKind.FIT_CHECK] = max(days[StepKind.DISCHARGE], day)
        moved = (*moved, next(s for s in steps if s.kind == StepKind.FIT_CHECK))
    errors: dict[str, list[str]] = {}
    departure = days[StepKind.OUTBOUND_FLIGHT]
    if journey.travel_earliest and departure < journey.travel_earliest:
        errors["day"] = [
            _("Outside the patient's travel window: the outbound flight (%(d)s) is before %(from)s.")
            % {"d": day_text(departure), "from": day_text(journey.travel_earliest)}
        ]
    elif journey.travel_latest and departure > journey.travel_latest:
        errors["day"] = [
            _("Outside the patient's travel window: the outbound flight (%(d)s) is after %(to)s.")
            % {"d": day_text(departure), "to": day_text(journey.travel_latest)}
        ]
    for field, messages in _order_errors(steps, days, times).items():
        errors.setdefault(field, []).extend(messages)
    earliest_back = fit_date(journey, days[StepKind.PROCEDURE])
    early = days[StepKind.RETURN_FLIGHT] < earliest_back
    reason = (override_reason or "").strip()
    if early and not reason:
        source = f" ({journey.fit_source_url})" if journey.fit_source_url else ""
        errors.setdefault("day", []).append(
            _(
                "The return flight (%(d)s) would be before the fit-to-fly date, %(fit)s. Rule: %(rule)s%(src)s. "
                "A case manager may override with a written reason."
            )
            % {
                "d": day_text(days[StepKind.RETURN_FLIGHT]),
                "fit": day_text(earliest_back),
                "rule": journey.fit_rule,
                "src": source,
            }
        )
    elif early and len(reason) < 10:
        errors["override_reason"] = [_("Write the reason for the override (at least 10 characters).")]
    if errors:
        raise ValidationError(errors)
    return MovePlan(
        journey=journey,
        step=step,
        day=day,
        time=time,
        delta=delta,
        moved=moved,
        days=days,
        times=times,
        fit_date=earliest_back,
        needs_override=early,
        override_reason=reason[:1000],
    )


def step_move_do(*, plan: MovePlan, actor: User) -> MovePlan:
    journey, step = plan.journey, plan.step
    changed = [step, *plan.moved]
    for s in changed:
        s.day = plan.days[s.kind]
        s.time = plan.times[s.kind]
        s.revision += 1
        if s.kind in (StepKind.ADMISSION, StepKind.PROCEDURE) and s.dates_confirmed_at is not None:
            s.dates_confirmed_at = None  # a moved date must be confirmed again by the hospital
            s.dates_confirmed_by = None
    Step.objects.bulk_update(changed, ["day", "time", "revision", "dates_confirmed_at", "dates_confirmed_by"])
    for s in changed:
        s.full_clean()
    due = dict(plan.days)
    for item in ChecklistItem.objects.filter(journey=journey):
        new_due = checklist_due(journey, item.kind, due)
        if new_due != item.due_on:
            item.due_on = new_due
            item.save(update_fields=["due_on", "updated_at"])
    case = journey.case
    case_event_add(
        case=case,
        kind="journey_step_moved",
        actor=actor,
        step=step.kind,
        day=plan.day.isoformat(),
        moved=[s.kind for s in plan.moved],
    )
    if plan.needs_override:
        journey.fit_override_reason = plan.override_reason
        journey.fit_override_by = actor
        journey.fit_override_at = timezone.now()
        journey.save(update_fields=["fit_override_reason", "fit_override_by", "fit_override_at", "updated_at"])
        case_event_add(
            case=case,
            kind="fit_to_fly_override",
            actor=actor,
            reason=plan.override_reason[:200],
            fit_date=plan.fit_date.isoformat(),
        )
    audit_record(actor=actor, action="journey.step_move", obj=journey, patient=case.patient, detail={"step": step.kind})
    planning_start(case=case, actor=actor)
    return plan


def step_move(
    *,
    step: Step,
    day: datetime.date | None,
    time: datetime.time | None = None,
    actor: User,
    override_reason: str = "",
) -> MovePlan:
    with transaction.atomic():
        plan = step_move_check(step=step, day=day, time=time, actor=actor, override_reason=override_reason)
        return step_move_do(plan=plan, actor=actor)


def step_confirm_dates(*, step: Step, actor: User) -> Step:
    """The hospital confirms the admission or procedure date from its portal."""
    with transaction.atomic():
        step = Step.objects.select_for_update().select_related("journey__case__patient").get(pk=step.pk)
        if step.kind not in (StepKind.ADMISSION, StepKind.PROCEDURE):
            raise ValidationError({"step": _("The hospital confirms the admission and procedure dates only.")})
        if step.dates_confirmed_at is None:
            step.dates_confirmed_at = timezone.now()
            step.dates_confirmed_by = actor
            step.revision += 1
            step.save(update_fields=["dates_confirmed_at", "dates_confirmed_by", "revision", "updated_at"])
            case = step.journey.case
            case_event_add(
                case=case, kind="journey_dates_confirmed", actor=actor, step=step.kind, day=step.day.isoformat()
            )
            audit_record(actor=actor, action="journey.confirm_dates", obj=step.journey, patient=case.patient)
            planning_start(case=case, actor=actor)
    return step
