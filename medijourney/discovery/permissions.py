"""Discovery permissions. Triage, search, ranking and compare are public: anyone may use them,
signed in or not, and they show only the network (``network.selectors.hospitals_in_network``).
``discovery.search_offers`` drives the navigation entry (every role holds it). A signed-in
patient may also save searches (``discovery.save_searches``), and sees and deletes only their own."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.accounts.navigation import register
from medijourney.accounts.permissions import define, has_perm
from medijourney.accounts.roles import Role

define({"discovery.search_offers": list(Role), "discovery.save_searches": [Role.PATIENT]})

register(_("Find a hospital"), "discovery:search", "discovery.search_offers", order=19)
register(_("Saved searches"), "discovery:saved_searches", "discovery.save_searches", order=21)


def can_delete_saved_search(user: Any, saved: Any) -> bool:
    return has_perm(user, "discovery.save_searches") and saved.owner_id == user.pk
