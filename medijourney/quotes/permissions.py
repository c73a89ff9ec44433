"""Who may do what with quotes. Object visibility lives in ``selectors.quote_requests_visible_to``
(and, for a partner, the patient's current consent); the checks here combine a role permission
with that visibility and the case team's own rule (cases.permissions.can_work_case)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.accounts.navigation import register
from medijourney.accounts.permissions import define, has_perm
from medijourney.accounts.roles import LEAD_ROLES, Role
from medijourney.cases.models import Case
from medijourney.cases.permissions import can_work_case
from medijourney.network.models import Hospital, PartnerMembership

from .models import QuoteRequest, RequestStatus

define(
    {
        # The patient: consent per hospital and scope, the comparison, acceptance.
        "quotes.grant_consent": [Role.PATIENT],
        "quotes.compare_quotes": [Role.PATIENT],
        # The case team: the quotes panel of a case, requests, consent prompts, final bills.
        "quotes.request_quotes": [Role.CASE_MANAGER, *LEAD_ROLES],
        # A partner hospital's desk: the requests sent to its hospital, answers.
        "quotes.answer_requests": [Role.PARTNER],
        # Scorecards: a partner its own hospital's, the quality lead and the operator all.
        "quotes.view_scorecards": [Role.PARTNER, *LEAD_ROLES],
        # Commission agreements with hospitals.
        "quotes.manage_commissions": list(LEAD_ROLES),
        # Oversight: every request and every hospital's scorecard.
        "quotes.oversee_requests": list(LEAD_ROLES),
    }
)

register(_("Quote requests"), "quotes:partner_requests", "quotes.answer_requests", order=29)
register(_("Scorecards"), "quotes:scorecards", "quotes.view_scorecards", order=34, group="network")
register(_("Commissions"), "quotes:commissions", "quotes.manage_commissions", order=35, group="network")


def can_request_quotes(user: Any, case: Case) -> bool:
    return has_perm(user, "quotes.request_quotes") and can_work_case(user, case)


def can_manage_consent(user: Any, case: Case) -> bool:
    return has_perm(user, "quotes.grant_consent") and case.patient_id == user.pk


def can_answer_for_hospital(user: Any, hospital: Hospital) -> bool:
    """A partner desk answers only for the hospital it is a member of."""
    return (
        has_perm(user, "quotes.answer_requests")
        and PartnerMembership.objects.filter(user=user, hospital=hospital).exists()
    )


def can_answer_request(user: Any, request: QuoteRequest) -> bool:
    """The request must already come from ``quote_requests_visible_to`` (consent checked there)."""
    return has_perm(user, "quotes.answer_requests") and request.status == RequestStatus.SENT
