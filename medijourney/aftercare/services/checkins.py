"""A patient answers a check-in: answers checked by field first (``CheckInAnswers``), stored as a
FHIR R4 QuestionnaireResponse, red-flag rules of the procedure's group applied at once (the
patient is told to seek urgent care locally, with the emergency number of their country; the
case team and the hospital's desk get an escalation), and the case closed after the last one."""

from dataclasses import dataclass
from typing import Any

import pydantic
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.cases.services import case_event_add
from medijourney.privacy.services import audit_record
from medijourney.safety.numbers import EmergencyNumber, number_for

from ..models import CheckIn, Escalation, Status
from ..questionnaire import CheckInAnswers, answer_errors, response_resource
from ..rules import red_flags_for
from .escalations import escalation_open
from .schedule import follow_up_close_if_done


@dataclass(frozen=True)
class SubmitOutcome:
    check_in: CheckIn
    flags: list[str]
    escalation: Escalation | None
    emergency: EmergencyNumber | None


def check_in_answers_clean(data: dict[str, Any]) -> CheckInAnswers:
    """Raise ValidationError by field (a temperature of 400 °C names ``temperature``)."""
    try:
        return CheckInAnswers.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValidationError(answer_errors(exc)) from None


def _open_for_answer(check_in: CheckIn) -> None:
    if check_in.status == Status.ANSWERED:
        raise ValidationError({"check_in": _("This check-in is already answered.")})
    if check_in.status == Status.SKIPPED:
        raise ValidationError({"check_in": _("This check-in was skipped by your case manager.")})
    if check_in.status != Status.SENT or check_in.follow_up.case is None:
        raise ValidationError({"check_in": _("This check-in is not open yet.")})


def check_in_submit(*, check_in: CheckIn, actor: Any, data: dict[str, Any]) -> SubmitOutcome:
    answers = check_in_answers_clean(data)
    with transaction.atomic():
        check_in = (
            CheckIn.objects.select_for_update(of=("self",))
            .select_related("follow_up", "follow_up__case", "follow_up__case__patient", "follow_up__hospital")
            .get(pk=check_in.pk)
        )
        _open_for_answer(check_in)
        follow_up = check_in.follow_up
        case = follow_up.case
        assert case is not None
        now = timezone.now()
        flags = red_flags_for(follow_up.group, answers.model_dump())
        check_in.response = response_resource(answers, authored=now)
        check_in.red_flags = flags
        check_in.flagged = bool(flags)
        check_in.pain = answers.pain
        check_in.readmitted = answers.readmitted
        check_in.status = Status.ANSWERED
        check_in.answered_at = now
        check_in.answered_by = actor
        check_in.save()
        case_event_add(case=case, kind="check_in_answered", actor=actor, day=check_in.day, flagged=bool(flags))
        audit_record(actor=actor, action="check_in.submit", obj=check_in, patient=case.patient)
        escalation = escalation_open(check_in=check_in, flags=flags) if flags else None
        follow_up_close_if_done(follow_up=follow_up, actor=actor)
    emergency = number_for(str(case.country_of_residence)) if flags else None
    return SubmitOutcome(check_in=check_in, flags=flags, escalation=escalation, emergency=emergency)
