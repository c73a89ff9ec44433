"""Who may see the network's figures. The dashboard, its charts, CSVs and JSON are for the
quality lead and the operator; the public figures page is open to everyone."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.accounts.navigation import register
from medijourney.accounts.permissions import define
from medijourney.accounts.roles import LEAD_ROLES
from medijourney.cases.permissions import is_case_team

define({"insights.view_figures": list(LEAD_ROLES)})

register(_("Figures"), "insights:dashboard", "insights.view_figures", order=35, group="network")


def can_join_team(user: Any) -> bool:
    """A case manager's team holds people who work cases (case managers, and leads who do)."""
    return is_case_team(user)
