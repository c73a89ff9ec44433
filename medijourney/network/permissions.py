"""Network permissions.

* Hospital pages, lists and the hospitals API are public: they show the network only
  (``selectors.hospitals_in_network``). ``network.view_hospitals`` drives the navigation entry.
* ``network.review_network``: the quality lead's queue, decisions, suspension, all hospitals.
* ``network.manage_own_hospital``: a partner user edits its own hospital; every edit goes to the
  quality lead as a pending change or an unverified submission.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.accounts.navigation import register, set_role_home
from medijourney.accounts.permissions import define, has_perm
from medijourney.accounts.roles import Role

from .models import Hospital, PartnerMembership

define(
    {
        "network.view_hospitals": list(Role),
        "network.review_network": [Role.QUALITY_LEAD, Role.ADMIN],
        "network.manage_own_hospital": [Role.PARTNER],
        # Who is emailed about accreditations and licences about to expire.
        "network.receive_expiry_warnings": [Role.QUALITY_LEAD],
    }
)

register(_("Hospitals"), "network:hospital_list", "network.view_hospitals", order=21, group="browse")
register(_("Countries"), "network:country_list", "network.view_hospitals", order=22, group="browse")
register(_("Verification queue"), "network:queue", "network.review_network", order=30, group="network")
register(_("All hospitals"), "network:staff_hospital_list", "network.review_network", order=31, group="network")
register(_("My hospital"), "network:my_hospital", "network.manage_own_hospital", order=30)
set_role_home(Role.QUALITY_LEAD, "network:queue")
set_role_home(Role.PARTNER, "network:my_hospital")


def can_view_evidence(user: Any, hospital: Hospital) -> bool:
    """Evidence files: the quality lead, the operator, and the hospital's own partner users."""
    if has_perm(user, "network.review_network"):
        return True
    return (
        has_perm(user, "network.manage_own_hospital")
        and PartnerMembership.objects.filter(user=user, hospital=hospital).exists()
    )
