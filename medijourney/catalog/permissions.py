"""Catalogue permissions. The catalogue (procedures, visa rules, prices) is public: anyone may
read it, signed in or not; this permission only drives the navigation entry."""

from django.utils.translation import gettext_lazy as _

from medijourney.accounts.navigation import register
from medijourney.accounts.permissions import define
from medijourney.accounts.roles import Role

define({"catalog.view_catalogue": list(Role)})

register(_("Procedures"), "catalog:procedure_list", "catalog.view_catalogue", order=20, group="browse")
