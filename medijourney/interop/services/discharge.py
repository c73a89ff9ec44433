"""The partner hospital's discharge summary: checked field by field (a list item's field is named
``medications[0].name``), written as a new version each time (a correction keeps the old one),
audited, on the case timeline, and fed to the journey: a return flight booked before the
surgeon's fit-to-fly date becomes a task for the case manager, and the discharge step is recorded
when the case is in treatment and the discharge day has come."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.cases.models import Stage
from medijourney.cases.services import case_event_add, task_add
from medijourney.core.dates import day_text
from medijourney.journeys.models import Journey, Step, StepKind
from medijourney.journeys.rules import today_in
from medijourney.journeys.services import step_record_happened
from medijourney.privacy.services import audit_record

from ..models import DischargeSummary

CODE_SYSTEMS = ("", "icd10", "snomed")
LIMITS = {"procedures": 10, "diagnoses": 10, "medications": 20, "devices": 10, "allergies": 10}
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "procedures": ("text", "system", "code", "date"),
    "diagnoses": ("text", "system", "code"),
    "medications": ("name", "dose", "frequency", "until"),
    "devices": ("type", "manufacturer", "model", "lot", "serial"),
    "allergies": ("substance", "reaction"),
}
# The field an item cannot be without, when anything else of it is filled in.
ITEM_NEEDS = {
    "procedures": "text",
    "diagnoses": "text",
    "medications": "name",
    "devices": "type",
    "allergies": "substance",
}
TEXT_MAX = 200


CODED = ("procedures", "diagnoses")
# The date field of a row kind, and what the form calls it.
DATED = {"procedures": "date", "medications": "until"}


@dataclass
class DischargeInput:
    procedure_date: datetime.date | None
    surgeon: str
    instructions: str
    follow_up: str
    fit_to_fly_date: datetime.date | None
    procedures: list[dict[str, Any]] = field(default_factory=list)
    complications: str = ""
    diagnoses: list[dict[str, Any]] = field(default_factory=list)
    medications: list[dict[str, Any]] = field(default_factory=list)
    devices: list[dict[str, Any]] = field(default_factory=list)
    allergies: list[dict[str, Any]] = field(default_factory=list)
    correction_reason: str = ""


def _clean_item(kind: str, index: int, raw: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, str] | None:
    item = {name: str(raw.get(name) or "").strip() for name in ITEM_FIELDS[kind]}
    if not any(item.values()):
        return None  # an empty row of the form
    needed = ITEM_NEEDS[kind]
    if not item[needed]:
        errors[f"{kind}[{index}].{needed}"] = [
            _("Enter the %(what)s: the other fields of this row are filled in.") % {"what": needed}
        ]
    for name, value in item.items():
        if len(value) > TEXT_MAX:
            errors[f"{kind}[{index}].{name}"] = [_("At most %(n)d characters.") % {"n": TEXT_MAX}]
    if kind in CODED and item["system"] not in CODE_SYSTEMS:
        errors[f"{kind}[{index}].system"] = [_("Choose ICD-10, SNOMED CT or no code system.")]
    elif kind in CODED and item["code"] and not item["system"]:
        errors[f"{kind}[{index}].system"] = [_("Say which code system the code is from.")]
    date_field = DATED.get(kind)
    if date_field and item[date_field]:
        try:
            item[date_field] = datetime.date.fromisoformat(item[date_field]).isoformat()
        except ValueError:
            errors[f"{kind}[{index}].{date_field}"] = [_("Enter a date (YYYY-MM-DD).")]
    return item


def _clean_lists(data: DischargeInput, errors: dict[str, list[str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for kind in ITEM_FIELDS:
        rows = getattr(data, kind) or []
        if len(rows) > LIMITS[kind]:
            errors[kind] = [_("At most %(n)d rows.") % {"n": LIMITS[kind]}]
            rows = rows[: LIMITS[kind]]
        cleaned = (_clean_item(kind, i, r if isinstance(r, dict) else {}, errors) for i, r in enumerate(rows))
        out[kind] = [c for c in cleaned if c is not None]
    return out


def _check_procedure_days(
    procedures: list[dict[str, str]], first: datetime.date, today: datetime.date, errors: dict[str, list[str]]
) -> datetime.date:
    """Each procedure's own date (when it has one): not in the future, not before the first
    procedure's date. Returns the last day anything was done."""
    last = first
    for i, item in enumerate(procedures):
        key = f"procedures[{i}].date"
        if not item.get("date") or key in errors:
            continue
        day = datetime.date.fromisoformat(item["date"])
        if day > today:
            errors[key] = [_("The procedure date cannot be in the future.")]
        elif day < first:
            errors[key] = [_("A later procedure cannot be before the date of the first procedure.")]
        last = max(last, day)
    return last


def _check_dates(
    journey: Journey, data: DischargeInput, procedures: list[dict[str, str]], errors: dict[str, list[str]]
) -> None:
    today = today_in(journey.destination_tz)
    last = None
    if data.procedure_date is None:
        errors["procedure_date"] = [_("Enter the date of the procedure.")]
    elif data.procedure_date > today:
        errors["procedure_date"] = [_("The procedure date cannot be in the future.")]
    else:
        last = _check_procedure_days(procedures, data.procedure_date, today, errors)
    if data.fit_to_fly_date is None:
        errors["fit_to_fly_date"] = [_("Enter the date from which the surgeon confirms the patient may fly.")]
    elif last and data.fit_to_fly_date < last:
        errors["fit_to_fly_date"] = [_("The fit-to-fly date cannot be before the procedure.")]


def discharge_summary_check(*, journey: Journey, data: DischargeInput) -> dict[str, Any]:
    """The summary's fields as they will be stored, or a ValidationError naming each field."""
    errors: dict[str, list[str]] = {}
    lists = _clean_lists(data, errors)
    for name, label in (
        ("surgeon", _("the surgeon")),
        ("instructions", _("the instructions for the patient")),
        ("follow_up", _("the follow-up plan")),
    ):
        if not str(getattr(data, name) or "").strip():
            errors[name] = [_("Enter %(what)s.") % {"what": label}]
    if not lists["procedures"] and "procedures" not in errors:
        errors["procedures[0].text"] = [_("Enter the procedure performed.")]
    if not lists["diagnoses"] and "diagnoses" not in errors:
        errors["diagnoses[0].text"] = [_("Enter at least one diagnosis.")]
    _check_dates(journey, data, lists["procedures"], errors)
    if errors:
        raise ValidationError(errors)
    return {
        "procedure_date": data.procedure_date,
        "surgeon": data.surgeon.strip(),
        "complications": data.complications.strip(),
        "instructions": data.instructions.strip(),
        "follow_up": data.follow_up.strip(),
        "fit_to_fly_date": data.fit_to_fly_date,
        **lists,
    }


def _feed_journey(*, journey: Journey, summary: DischargeSummary, actor: User) -> None:
    """The surgeon's fit-to-fly date against the booked return flight, and the discharge step."""
    steps = {s.kind: s for s in Step.objects.filter(journey=journey)}
    back = steps.get(StepKind.RETURN_FLIGHT)
    if back is not None and back.day < summary.fit_to_fly_date:
        task_add(
            case=journey.case,
            actor=actor,
            assignee=journey.case.assigned_to,
            title=_("Return flight (%(back)s) is before the surgeon's fit-to-fly date (%(fit)s): move it")
            % {"back": day_text(back.day), "fit": day_text(summary.fit_to_fly_date)},
            due_on=back.day,
        )
    discharge = steps.get(StepKind.DISCHARGE)
    if (
        discharge is not None
        and discharge.happened_at is None
        and journey.case.stage == Stage.IN_TREATMENT
        and today_in(discharge.tz) >= discharge.day
    ):
        step_record_happened(step=discharge, actor=actor)


def discharge_summary_save(*, journey: Journey, data: DischargeInput, actor: User) -> DischargeSummary:
    """Write the next version. A version after the first needs a reason for the correction."""
    with transaction.atomic():
        journey = Journey.objects.select_for_update().select_related("case__patient").get(pk=journey.pk)
        latest = DischargeSummary.objects.filter(journey=journey).aggregate(v=Max("version"))["v"] or 0
        reason = (data.correction_reason or "").strip()
        fields = {}
        try:
            fields = discharge_summary_check(journey=journey, data=data)
        except ValidationError as exc:
            if latest and not reason:
                exc.error_dict.setdefault("correction_reason", []).append(
                    ValidationError(_("Say what this correction changes."))
                )
            raise
        if latest and not reason:
            raise ValidationError({"correction_reason": _("Say what this correction changes.")})
        summary = DischargeSummary(
            journey=journey,
            version=latest + 1,
            correction_reason=reason[:500],
            author=actor,
            created_by=actor,
            is_demo=journey.is_demo,
            **fields,
        )
        summary.full_clean()
        summary.save()
        case_event_add(case=journey.case, kind="discharge_summary", actor=actor, version=summary.version)
        audit_record(
            actor=actor,
            action="discharge_summary.write",
            obj=summary,
            patient=journey.case.patient,
            detail={"version": summary.version},
        )
        _feed_journey(journey=journey, summary=summary, actor=actor)
    return summary
