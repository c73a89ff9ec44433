from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.accounts.navigation import register
from medijourney.accounts.permissions import define, has_perm
from medijourney.accounts.roles import Role

from .models import ErasureRequest

define(
    {
        "privacy.manage_own_data": [Role.PATIENT],
        "privacy.decide_erasure": [Role.QUALITY_LEAD, Role.ADMIN],
    }
)

register(_("My data"), "privacy:my_data", "privacy.manage_own_data", order=90)
register(_("Erasure requests"), "privacy:erasure_queue", "privacy.decide_erasure", order=90)


def can_decide_erasure(user: Any, request: ErasureRequest) -> bool:
    return has_perm(user, "privacy.decide_erasure") and request.status == ErasureRequest.Status.REQUESTED
