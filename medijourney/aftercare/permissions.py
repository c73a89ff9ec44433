"""Who may do what in aftercare. Visibility is ``selectors.follow_ups_visible_to`` and friends;
the checks here add the role permission and the object rule."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.accounts.navigation import register
from medijourney.accounts.permissions import define, has_perm
from medijourney.accounts.roles import LEAD_ROLES, Role
from medijourney.cases.permissions import can_work_case
from medijourney.network.models import PartnerMembership

from .models import CheckIn, Escalation, FollowUp, Review

define(
    {
        # The patient: their own check-ins and their review.
        "aftercare.answer_check_ins": [Role.PATIENT],
        # The case team: schedule (add, move, skip) and acknowledge escalations of their cases.
        "aftercare.manage_follow_ups": [Role.CASE_MANAGER, *LEAD_ROLES],
        # Leads: every follow-up; they receive unacknowledged escalations.
        "aftercare.oversee_follow_ups": list(LEAD_ROLES),
        # A partner hospital's desk: escalations of its patients; one public reply per review.
        "aftercare.answer_escalations": [Role.PARTNER],
        # The quality lead: redact personal data from a review, with a reason (never hide it).
        "aftercare.redact_reviews": [Role.QUALITY_LEAD],
    }
)

register(_("Escalations"), "aftercare:escalations", "aftercare.answer_escalations", order=35)
register(_("Escalations"), "aftercare:escalations", "aftercare.manage_follow_ups", order=35)


def _patient_of(user: Any, follow_up: FollowUp) -> bool:
    return (
        has_perm(user, "aftercare.answer_check_ins")
        and follow_up.case is not None
        and follow_up.case.patient_id == user.pk
    )


def _desk_of(user: Any, hospital_id: int) -> bool:
    return (
        has_perm(user, "aftercare.answer_escalations")
        and PartnerMembership.objects.filter(user=user, hospital_id=hospital_id).exists()
    )


def can_answer_check_in(user: Any, check_in: CheckIn) -> bool:
    return _patient_of(user, check_in.follow_up)


def can_manage_follow_up(user: Any, follow_up: FollowUp) -> bool:
    return (
        has_perm(user, "aftercare.manage_follow_ups")
        and follow_up.case is not None
        and can_work_case(user, follow_up.case)
    )


def can_acknowledge_escalation(user: Any, escalation: Escalation) -> bool:
    return (has_perm(user, "aftercare.manage_follow_ups") and can_work_case(user, escalation.case)) or _desk_of(
        user, escalation.hospital_id
    )


def can_reply_review(user: Any, review: Review) -> bool:
    return _desk_of(user, review.hospital_id)


def can_redact_review(user: Any, review: Review) -> bool:
    return has_perm(user, "aftercare.redact_reviews")
