"""Who may do what with cases. Object visibility lives in ``selectors.cases_visible_to``; the
checks here combine a role permission with that visibility."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.accounts.navigation import register, set_role_home
from medijourney.accounts.permissions import define, has_perm, role_has_perm
from medijourney.accounts.roles import LEAD_ROLES, Role

from .models import Case, Document

CASE_TEAM = [Role.CASE_MANAGER, *LEAD_ROLES]

define(
    {
        # Case workspace: queue, board, case page, notes, tasks, stage changes.
        "cases.work_cases": CASE_TEAM,
        # Leads: every case, reassignment, the first-response report, everyone's availability.
        "cases.lead_cases": list(LEAD_ROLES),
        # A case manager's own out-of-office setting.
        "cases.edit_availability": [Role.CASE_MANAGER],
        # Who automatic assignment hands new cases to.
        "cases.take_assignments": [Role.CASE_MANAGER],
        "cases.view_availability": [Role.CASE_MANAGER, *LEAD_ROLES],
        # Patient portal.
        "cases.view_own_cases": [Role.PATIENT],
        # Messages and documents on a visible case (patient and case team).
        "cases.message_case": [Role.PATIENT, *CASE_TEAM],
        "cases.upload_document": [Role.PATIENT, *CASE_TEAM],
        "cases.read_case": [Role.PATIENT, *CASE_TEAM],
        # A partner hospital's desk: sees and writes the partner thread only, and what it writes
        # (or receives) is screened for contact and bank details.
        "cases.use_partner_thread": [Role.PARTNER],
    }
)

register(_("Case queue"), "cases:queue", "cases.work_cases", order=20, group="cases")
register(_("Board"), "cases:board", "cases.work_cases", order=21, group="cases")
register(_("Availability"), "cases:availability", "cases.view_availability", order=25, group="cases")
register(_("My cases"), "cases:my_cases", "cases.view_own_cases", order=20)
register(_("Ask for help"), "cases:inquiry", "cases.view_own_cases", order=22)
set_role_home(Role.CASE_MANAGER, "cases:queue")
set_role_home(Role.PATIENT, "cases:my_cases")


def is_case_team(user: Any) -> bool:
    """On the case team (case managers and leads): may hold a case or a task."""
    return has_perm(user, "cases.work_cases")


def is_case_lead(user: Any) -> bool:
    """Leads: every case, the unassigned queue, reassignment, everyone's availability."""
    return has_perm(user, "cases.lead_cases")


def is_patient_side(user: Any) -> bool:
    """A message by a patient is the patient side of a thread; anyone else writes as staff."""
    return user is not None and role_has_perm(getattr(user, "role", ""), "cases.view_own_cases")


def is_partner_desk(user: Any) -> bool:
    """A partner hospital's desk (see ``cases.use_partner_thread``); ``None`` is nobody."""
    return user is not None and role_has_perm(getattr(user, "role", ""), "cases.use_partner_thread")


def can_work_case(user: Any, case: Case) -> bool:
    """Staff work on a case: notes, tasks, stage. Leads on any case; a case manager on theirs."""
    if not is_case_team(user):
        return False
    return bool(is_case_lead(user) or case.assigned_to_id == user.pk)


def can_view_notes(user: Any, case: Case) -> bool:
    """Internal notes: the case team only, never the patient (whatever else they can see)."""
    return can_work_case(user, case) and case.patient_id != user.pk


def can_claim_case(user: Any, case: Case) -> bool:
    """The account holding an inquiry's address may take that inquiry into it (through the
    emailed link): an active patient account with that very address. Staff accounts never hold
    patient cases. Whether the case is still waiting is the service's check."""
    return has_perm(user, "cases.view_own_cases") and user.email.lower() == (case.email or "").lower()


def can_reassign_case(user: Any, case: Case) -> bool:
    return has_perm(user, "cases.lead_cases") and case.is_open


def can_message_case(user: Any, case: Case) -> bool:
    if not has_perm(user, "cases.message_case") or not case.is_open:
        return False
    return case.patient_id == user.pk or can_work_case(user, case)


def can_upload_document(user: Any, case: Case) -> bool:
    if not has_perm(user, "cases.upload_document") or not case.is_open:
        return False
    return case.patient_id == user.pk or can_work_case(user, case)


def can_download_document(user: Any, document: Document) -> bool:
    case = document.case
    if not document.servable:
        return False
    return case.patient_id == user.pk or can_work_case(user, case)
