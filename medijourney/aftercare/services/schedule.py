"""The follow-up schedule: built when a case reaches "returned home" (``follow_up_schedule``,
called from cases' ``register_on_stage`` inside the transition), check-in days from the discharge
date by the procedure's group (or the procedure's own list), and the case manager's changes (add,
move, skip with a reason). Each check-in's sending is a durable delayed task."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.aftercare import tasks as aftercare_tasks
from medijourney.cases.models import Case, Stage
from medijourney.cases.services import case_event_add, case_transition
from medijourney.catalog.models import Procedure
from medijourney.journeys.models import Journey, StepKind
from medijourney.privacy.services import audit_record

from ..models import CheckIn, FollowUp, ScheduleOverride, Status
from ..rules import GROUP_DAYS, MAX_DAY, SEND_HOUR_LOCAL, group_of


def procedure_group(procedure: Procedure) -> str:
    return group_of(slug=procedure.slug, specialty=str(procedure.specialty_id))


def schedule_days(procedure: Procedure) -> list[int]:
    """The procedure's own list if it has one, else its group's."""
    override = ScheduleOverride.objects.filter(procedure=procedure).first()
    if override is not None and override.days:
        return sorted({int(d) for d in override.days})
    return list(GROUP_DAYS[procedure_group(procedure)])


def send_at(check_in: CheckIn) -> datetime.datetime:
    """09:00 on the check-in's day in the patient's time zone."""
    zone = ZoneInfo(check_in.follow_up.home_tz or "UTC")
    local = datetime.datetime.combine(check_in.due_on, datetime.time(SEND_HOUR_LOCAL), tzinfo=zone)
    return local.astimezone(datetime.UTC)


def _enqueue_send(check_in: CheckIn) -> None:
    aftercare_tasks.send_check_in.using(run_after=send_at(check_in)).enqueue(check_in_id=check_in.pk)


def _discharge_day(journey: Journey) -> datetime.date:
    step = journey.steps.filter(kind=StepKind.DISCHARGE).first()
    if step is None:
        return timezone.localdate()
    if step.happened_at is not None:
        return step.happened_at.astimezone(ZoneInfo(step.tz or "UTC")).date()
    return step.day


def follow_up_schedule(*, case: Case, actor: Any, is_demo: bool = False) -> FollowUp | None:
    """Schedule the check-ins of a case that reached "returned home" (once; a case without a
    journey has nothing to follow up on here)."""
    existing = FollowUp.objects.filter(case=case).first()
    if existing is not None:
        return existing
    journey = Journey.objects.filter(case=case).select_related("procedure", "hospital").first()
    if journey is None:
        return None
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            case=case,
            hospital=journey.hospital,
            procedure=journey.procedure,
            group=procedure_group(journey.procedure),
            discharged_on=_discharge_day(journey),
            home_tz=journey.home_tz or "UTC",
            is_demo=is_demo or journey.is_demo,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        days = schedule_days(journey.procedure)
        for day in days:
            _create(follow_up, day)
        case_event_add(case=case, kind="follow_up_scheduled", actor=actor, days=days)
    return follow_up


def _create(follow_up: FollowUp, day: int) -> CheckIn:
    check_in = CheckIn(follow_up=follow_up, day=day, due_on=follow_up.discharged_on + datetime.timedelta(days=day))
    check_in.full_clean(exclude=["follow_up"])
    check_in.save()
    _enqueue_send(check_in)
    return check_in


def _check_day(day: Any) -> int:
    try:
        value = int(day)
    except (TypeError, ValueError):
        raise ValidationError({"day": _("Give the day after discharge as a whole number.")}) from None
    if not 1 <= value <= MAX_DAY:
        raise ValidationError({"day": _("The day must be between 1 and %(max)s after discharge.") % {"max": MAX_DAY}})
    return value


def check_in_add(*, follow_up: FollowUp, actor: Any, day: Any) -> CheckIn:
    value = _check_day(day)
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related("case").get(pk=follow_up.pk)
        if follow_up.closed_at is not None or follow_up.case is None:
            raise ValidationError({"day": _("This follow-up is closed.")})
        if follow_up.check_ins.filter(day=value).exists():
            raise ValidationError({"day": _("There is already a check-in on day %(d)s.") % {"d": value}})
        try:
            with transaction.atomic():
                check_in = _create(follow_up, value)
        except IntegrityError:
            raise ValidationError({"day": _("There is already a check-in on day %(d)s.") % {"d": value}}) from None
        case_event_add(case=follow_up.case, kind="check_in_added", actor=actor, day=value)
        audit_record(actor=actor, action="check_in.add", obj=check_in, patient=follow_up.case.patient)
    return check_in


def check_in_move(*, check_in: CheckIn, actor: Any, day: Any) -> CheckIn:
    value = _check_day(day)
    with transaction.atomic():
        check_in = CheckIn.objects.select_for_update(of=("self",)).select_related("follow_up__case").get(pk=check_in.pk)
        case = check_in.follow_up.case
        if check_in.status != Status.SCHEDULED or case is None:
            raise ValidationError({"day": _("Only a check-in not sent yet can be moved.")})
        if check_in.follow_up.check_ins.filter(day=value).exclude(pk=check_in.pk).exists():
            raise ValidationError({"day": _("There is already a check-in on day %(d)s.") % {"d": value}})
        previous = check_in.day
        check_in.day = value
        check_in.due_on = check_in.follow_up.discharged_on + datetime.timedelta(days=value)
        check_in.save(update_fields=["day", "due_on", "updated_at"])
        _enqueue_send(check_in)  # the earlier task finds the new time and does nothing
        case_event_add(case=case, kind="check_in_moved", actor=actor, day=value, previous=previous)
        audit_record(actor=actor, action="check_in.move", obj=check_in, patient=case.patient)
    return check_in


def check_in_skip(*, check_in: CheckIn, actor: Any, reason: str) -> CheckIn:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this check-in is skipped.")})
    with transaction.atomic():
        check_in = CheckIn.objects.select_for_update(of=("self",)).select_related("follow_up__case").get(pk=check_in.pk)
        case = check_in.follow_up.case
        if not check_in.is_open or case is None:
            raise ValidationError({"reason": _("This check-in is already answered or skipped.")})
        check_in.status = Status.SKIPPED
        check_in.skip_reason = reason[:300]
        check_in.save(update_fields=["status", "skip_reason", "updated_at"])
        case_event_add(case=case, kind="check_in_skipped", actor=actor, day=check_in.day, reason=reason[:200])
        audit_record(actor=actor, action="check_in.skip", obj=check_in, patient=case.patient)
        follow_up_close_if_done(follow_up=check_in.follow_up, actor=actor)
    return check_in


def follow_up_close_if_done(*, follow_up: FollowUp, actor: Any) -> bool:
    """Close the follow-up and the case when no check-in is open any more."""
    if follow_up.check_ins.filter(status__in=[Status.SCHEDULED, Status.SENT]).exists():
        return False
    follow_up.closed_at = timezone.now()
    follow_up.save(update_fields=["closed_at", "updated_at"])
    case = follow_up.case
    if case is not None and case.stage in (Stage.RETURNED_HOME, Stage.FOLLOW_UP):
        case_transition(case=case, to=Stage.CLOSED, actor=actor, reason=str(_("Last check-in done")))
    return True
