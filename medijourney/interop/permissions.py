"""Who may do what with interop. Objects come through ``journeys_visible_to`` (journeys' one
filter); the checks here add the role permission and the object rule."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.accounts.navigation import register
from medijourney.accounts.permissions import define, has_perm
from medijourney.accounts.roles import LEAD_ROLES, Role
from medijourney.cases.models import Case
from medijourney.cases.permissions import can_work_case
from medijourney.journeys.models import Journey
from medijourney.network.models import PartnerMembership

define(
    {
        # The partner desk of the journey's own hospital writes (and corrects) the discharge summary.
        "interop.write_discharge_summaries": [Role.PARTNER],
        # The patient reads their own summary and downloads their patient summary (IPS).
        "interop.view_own_summary": [Role.PATIENT],
        # The case team reads the summary and the IPS of the cases it works.
        "interop.view_case_summaries": [Role.CASE_MANAGER, *LEAD_ROLES],
    }
)


def can_write_discharge_summary(user: Any, journey: Journey) -> bool:
    return (
        has_perm(user, "interop.write_discharge_summaries")
        and PartnerMembership.objects.filter(user=user, hospital_id=journey.hospital_id).exists()
    )


def can_read_discharge_summary(user: Any, journey: Journey) -> bool:
    return (
        can_write_discharge_summary(user, journey)
        or (has_perm(user, "interop.view_own_summary") and journey.case.patient_id == user.pk)
        or (has_perm(user, "interop.view_case_summaries") and can_work_case(user, journey.case))
    )


def can_export_ips(user: Any, case: Case) -> bool:
    """The patient's own summary, and the case team's cases (the hospital gets none: it wrote it)."""
    return (has_perm(user, "interop.view_own_summary") and case.patient_id == user.pk) or (
        has_perm(user, "interop.view_case_summaries") and can_work_case(user, case)
    )


register(_("Discharge summaries"), "interop:partner_list", "interop.write_discharge_summaries", order=31)


READERS = ("interop.write_discharge_summaries", "interop.view_own_summary", "interop.view_case_summaries")
IPS_READERS = ("interop.view_own_summary", "interop.view_case_summaries")


def may_read_summaries(user: Any) -> bool:
    """The role check before any object is looked up (a refusal here is a 403)."""
    return any(has_perm(user, p) for p in READERS)


def may_export_ips(user: Any) -> bool:
    return any(has_perm(user, p) for p in IPS_READERS)


def can_import_home_record(user: Any, case: Case) -> bool:
    """The patient adds their home system's IPS to their own case."""
    return has_perm(user, "interop.view_own_summary") and case.patient_id == user.pk


def can_read_home_records(user: Any, case: Case) -> bool:
    return can_import_home_record(user, case) or (
        has_perm(user, "interop.view_case_summaries") and can_work_case(user, case)
    )


def can_manage_doctor_links(user: Any, case: Case) -> bool:
    """Links for the home doctor: the patient only."""
    return can_import_home_record(user, case)


def can_read_doctor_replies(user: Any, case: Case) -> bool:
    return has_perm(user, "interop.view_case_summaries") and can_work_case(user, case)
