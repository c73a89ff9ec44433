"""Discovery permissions. Triage, search, ranking and compare are public: anyone may use them,
signed in or not, and they show only the network (``network.selectors.hospitals_in_network``).
``discovery.search_offers`` drives the navigation entry (every role holds it)."""

from django.utils.translation import gettext_lazy as _

from medijourney.accounts.navigation import register
from medijourney.accounts.permissions import define
from medijourney.accounts.roles import Role

define({"discovery.search_offers": list(Role)})

register(_("Find a hospital"), "discovery:search", "discovery.search_offers", order=19)
