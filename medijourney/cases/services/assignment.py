"""Automatic assignment by language and load, reassignment by leads, and availability."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.accounts.permissions import holders_of, role_has_perm
from medijourney.cases.models import (
    OPEN_STAGES,
    Case,
    CaseManagerAvailability,
    EventKind,
)
from medijourney.cases.permissions import is_case_lead, is_case_team
from medijourney.cases.values import (
    primary_subtag,
)
from medijourney.privacy.services import audit_record

from .outbox import case_event_add, leads_active, staff_notify


def _available(row: CaseManagerAvailability, today: date) -> bool:
    return not row.out_of_office or (row.back_on is not None and row.back_on <= today)


def _pick_case_manager(case: Case) -> tuple[User | None, bool]:
    """Lock every case manager's availability row (in id order, so concurrent assignments queue
    instead of deadlocking), then pick: speaks the patient's language, lowest open load, least
    recently assigned. Returns (person or None, language fallback?)."""
    managers = holders_of("cases.take_assignments")
    missing = managers.filter(case_availability__isnull=True).values_list("pk", flat=True)
    CaseManagerAvailability.objects.bulk_create(
        [CaseManagerAvailability(user_id=pk) for pk in missing], ignore_conflicts=True
    )
    rows = list(
        CaseManagerAvailability.objects.select_for_update(of=("self",))
        .filter(user__in=holders_of("cases.take_assignments"))
        .exclude(user_id=case.patient_id)
        .exclude(user__email__iexact=case.email)  # a staff address's own inquiry (kept off that account)
        .select_related("user")
        .order_by("pk")
    )
    today = timezone.localdate()
    available = [r for r in rows if _available(r, today)]
    if not available:
        return None, False
    language = primary_subtag(case.preferred_language)
    speakers = [r for r in available if language in {primary_subtag(t) for t in (r.user.spoken_languages or [])}]
    pool = speakers or available
    loads = dict(
        Case.objects.filter(assigned_to_id__in=[r.user_id for r in pool])
        .exclude(stage__in=["closed", "cancelled"])  # matches the partial index cases_case_open_load_idx
        .values("assigned_to_id")
        .annotate(n=Count("id"))
        .values_list("assigned_to_id", "n")
    )
    never = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    chosen = min(pool, key=lambda r: (loads.get(r.user_id, 0), r.last_assigned_at or never, r.pk))
    chosen.last_assigned_at = timezone.now()
    chosen.save(update_fields=["last_assigned_at", "updated_at"])
    return chosen.user, not speakers


def case_assign_auto(*, case: Case) -> User | None:
    """Assign an open, unassigned case automatically, or tell the leads no one is available
    (once). Call inside a transaction; safe under concurrency."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.assigned_to_id is not None or not case.is_open:
            return case.assigned_to
        person, fallback = _pick_case_manager(case)
        if person is None:
            if case.escalated_at is None:
                case.escalated_at = timezone.now()
                case.save(update_fields=["escalated_at", "updated_at"])
                case_event_add(case=case, kind=EventKind.UNASSIGNED_ESCALATED)
                staff_notify(case=case, kind="unassigned", key=f"unassigned:{case.public_id}", people=leads_active())
            return None
        now = timezone.now()
        case.assigned_to = person
        case.assigned_at = now
        case.language_fallback = fallback
        case.save(update_fields=["assigned_to", "assigned_at", "language_fallback", "updated_at"])
        case_event_add(
            case=case,
            kind=EventKind.ASSIGNED,
            to=str(person.public_id),
            automatic=True,
            language_fallback=fallback,
        )
        staff_notify(case=case, kind="assigned", key=f"assigned:{case.public_id}:{now.timestamp()}", people=[person])
        return person


def cases_assign_waiting(*, limit: int = 200) -> int:
    """Try again to assign open cases that nobody could take (recurring job)."""
    assigned = 0
    waiting = Case.objects.filter(assigned_to__isnull=True, stage__in=OPEN_STAGES).order_by("first_response_due_at")
    for case in waiting[:limit]:
        if case_assign_auto(case=case) is not None:
            assigned += 1
    return assigned


def case_reassign(*, case: Case, to: User, actor: User) -> Case:
    """A lead hands a case to another case manager (or lead)."""
    if not is_case_lead(actor):
        raise ValidationError({"assigned_to": _("Only leads can reassign cases.")})
    if not is_case_team(to):
        raise ValidationError({"assigned_to": _("Choose an active case manager.")})
    if to.pk == case.patient_id or to.email.lower() == case.email.lower():
        raise ValidationError({"assigned_to": _("A person cannot manage their own case.")})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case.is_open:
            raise ValidationError({"assigned_to": _("This case is closed.")})
        previous = case.assigned_to
        if previous is not None and previous.pk == to.pk:
            return case
        now = timezone.now()
        case.assigned_to = to
        case.assigned_at = now
        case.language_fallback = primary_subtag(case.preferred_language) not in {
            primary_subtag(t) for t in (to.spoken_languages or [])
        }
        case.save(update_fields=["assigned_to", "assigned_at", "language_fallback", "updated_at"])
        CaseManagerAvailability.objects.filter(user=to).update(last_assigned_at=now)
        case_event_add(
            case=case,
            kind=EventKind.REASSIGNED if previous else EventKind.ASSIGNED,
            actor=actor,
            to=str(to.public_id),
            previous=str(previous.public_id) if previous else "",
        )
        audit_record(actor=actor, action="case.reassign", obj=case, patient=case.patient)
        staff_notify(case=case, kind="assigned", key=f"assigned:{case.public_id}:{now.timestamp()}", people=[to])
    return case


def availability_update(
    *, user: User, out_of_office: bool, back_on: date | None = None, note: str = ""
) -> CaseManagerAvailability:
    if not role_has_perm(user.role, "cases.edit_availability"):
        raise ValidationError(_("Only case managers have an availability setting."))
    with transaction.atomic():
        row, _created = CaseManagerAvailability.objects.select_for_update().get_or_create(user=user)
        row.out_of_office = out_of_office
        row.back_on = back_on if out_of_office else None
        row.note = note.strip()
        row.full_clean()
        row.save()
        audit_record(actor=user, action="availability.update", obj=("cases.availability", str(user.public_id)))
    return row


# --- First-response clock --------------------------------------------------------------------------
