"""Who may do what with journeys. Visibility is ``selectors.journeys_visible_to`` (a partner: only
its own hospital's journeys while the patient's consent for that hospital is current, checked on
every call); the checks here add the role permission and the object rule."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.accounts.navigation import register
from medijourney.accounts.permissions import define, has_perm
from medijourney.accounts.roles import LEAD_ROLES, Role
from medijourney.cases.permissions import can_work_case
from medijourney.network.models import PartnerMembership

from .models import HOSPITAL_CONFIRMS, ChecklistItem, Journey, Step, StepKind

define(
    {
        # The patient: their own journey, passports, calendar feed, companion links, "I am home".
        "journeys.view_own_journey": [Role.PATIENT],
        # The case team: plan and edit the itinerary, override the fit-to-fly rule, check documents.
        "journeys.plan_journeys": [Role.CASE_MANAGER, *LEAD_ROLES],
        # Leads: every journey.
        "journeys.oversee_journeys": list(LEAD_ROLES),
        # A partner hospital's desk: its patients' journeys (with a current consent), dates, letters.
        "journeys.host_journeys": [Role.PARTNER],
    }
)

register(_("Journeys"), "journeys:partner_list", "journeys.host_journeys", order=30)


def _is_patient(user: Any, journey: Journey) -> bool:
    return has_perm(user, "journeys.view_own_journey") and journey.case.patient_id == user.pk


def _is_host(user: Any, journey: Journey) -> bool:
    return (
        has_perm(user, "journeys.host_journeys")
        and PartnerMembership.objects.filter(user=user, hospital_id=journey.hospital_id).exists()
    )


def can_edit_journey(user: Any, journey: Journey) -> bool:
    """Move dates and override the fit-to-fly rule: the case team working the case."""
    return has_perm(user, "journeys.plan_journeys") and can_work_case(user, journey.case)


def can_confirm_step(user: Any, step: Step) -> bool:
    """The hospital confirms admission and procedure dates (visibility checked by the caller)."""
    return step.kind in HOSPITAL_CONFIRMS and _is_host(user, step.journey)


def can_record_step(user: Any, step: Step) -> bool:
    """Admission and discharge are recorded by the hospital; being home by the patient."""
    if step.kind in (StepKind.ADMISSION, StepKind.DISCHARGE):
        return _is_host(user, step.journey)
    if step.kind == StepKind.RETURN_FLIGHT:
        return _is_patient(user, step.journey)
    return False


def can_issue_letter(user: Any, journey: Journey) -> bool:
    return _is_host(user, journey)


def can_enter_passports(user: Any, journey: Journey) -> bool:
    return _is_patient(user, journey)


def can_manage_sharing(user: Any, journey: Journey) -> bool:
    """The calendar subscription and the companion's links: the patient only."""
    return _is_patient(user, journey)


def can_upload_checklist(user: Any, item: ChecklistItem) -> bool:
    return _is_patient(user, item.journey) or can_edit_journey(user, item.journey)


def can_check_checklist(user: Any, item: ChecklistItem) -> bool:
    return can_edit_journey(user, item.journey)


def can_read_checklist_documents(user: Any, journey: Journey) -> bool:
    """Links to the checklist's documents: the patient and the case team (downloads go through
    cases' document route, which checks again and audits)."""
    return _is_patient(user, journey) or can_edit_journey(user, journey)
