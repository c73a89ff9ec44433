"""Who may do what in knowledge exchange. Object visibility lives in
``selectors.opinion_requests_visible_to`` and ``selectors.programmes_visible_to``; the checks
here combine a role permission with that visibility."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.accounts.navigation import register, set_role_home
from medijourney.accounts.permissions import define, has_perm
from medijourney.accounts.roles import LEAD_ROLES, Role
from medijourney.cases.models import Case
from medijourney.cases.permissions import can_work_case

from .models import OpinionRequest, OpinionStatus, Programme, Session

define(
    {
        # The patient asks for a second opinion on their own case and reads it.
        "exchange.request_opinion": [Role.PATIENT],
        # The case team: requests on the patient's behalf (with consent), assigns, answers questions.
        "exchange.manage_opinions": [Role.CASE_MANAGER, *LEAD_ROLES],
        # A specialist: the workspace, the shared material, the opinion form, the API.
        "exchange.give_opinions": [Role.SPECIALIST],
        # The quality lead and operator: programmes, invitations, figures of every programme.
        "exchange.manage_programmes": list(LEAD_ROLES),
        # A hub specialist runs the sessions of the programmes whose hub they are in.
        "exchange.run_sessions": [Role.SPECIALIST],
        # A spoke clinician joins programmes, presents cases, keeps hours and certificates.
        "exchange.join_programmes": [Role.CLINICIAN],
    }
)

register(_("Second opinions"), "exchange:workspace", "exchange.give_opinions", order=26)
register(_("Tele-mentoring"), "exchange:programmes", "exchange.manage_programmes", order=36)
register(_("Tele-mentoring"), "exchange:programmes", "exchange.run_sessions", order=36)
register(_("My programmes"), "exchange:programmes", "exchange.join_programmes", order=20)
register(_("My clinician profile"), "exchange:clinician_profile", "exchange.join_programmes", order=21)
set_role_home(Role.SPECIALIST, "exchange:workspace")
set_role_home(Role.CLINICIAN, "exchange:programmes")


def can_request_opinion(user: Any, case: Case) -> bool:
    """The patient, on their own open case."""
    return has_perm(user, "exchange.request_opinion") and case.patient_id == user.pk and case.is_open


def can_manage_opinions(user: Any, case: Case) -> bool:
    """The case team working the case."""
    return has_perm(user, "exchange.manage_opinions") and can_work_case(user, case)


def can_give_opinion(user: Any, request: OpinionRequest) -> bool:
    """The assigned specialist, while the request is open."""
    return (
        has_perm(user, "exchange.give_opinions")
        and request.specialist_id == user.pk
        and request.status in (OpinionStatus.ASSIGNED, OpinionStatus.CLARIFYING)
    )


def can_be_specialist(user: Any) -> bool:
    """May be proposed for and assigned second opinions (the licence and COI rules are the
    service's checks)."""
    return has_perm(user, "exchange.give_opinions")


def can_create_programme(user: Any) -> bool:
    return has_perm(user, "exchange.manage_programmes")


def can_run_programme(user: Any, programme: Programme) -> bool:
    """Schedule sessions, take attendance, record recommendations: the lead, or a hub member."""
    if has_perm(user, "exchange.manage_programmes"):
        return True
    return has_perm(user, "exchange.run_sessions") and programme.hub.filter(pk=user.pk).exists()


def can_join_programme(user: Any) -> bool:
    return has_perm(user, "exchange.join_programmes")


def can_present_at(user: Any, session: Session) -> bool:
    """A member of the programme presents at one of its sessions."""
    return has_perm(user, "exchange.join_programmes") and session.programme.memberships.filter(user=user).exists()
