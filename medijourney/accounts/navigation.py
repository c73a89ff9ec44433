"""Navigation per role. Apps register their entries (label, URL name, permission); the base
template shows a person the entries their role holds."""

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from .permissions import has_perm
from .roles import Role
from .twofactor import second_factor_done, second_factor_required


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    permission: str
    order: int = 100


_ENTRIES: list[NavEntry] = []
_ROLE_HOME: dict[str, str] = {}


def register(label: str | Promise, url_name: str, permission: str, order: int = 100) -> None:
    entry = NavEntry(label, url_name, permission, order)
    if entry not in _ENTRIES:
        _ENTRIES.append(entry)
        _ENTRIES.sort(key=lambda e: e.order)


def set_role_home(role: Role | str, url_name: str) -> None:
    """The page a role lands on after signing in."""
    _ROLE_HOME[str(role)] = url_name


def role_home_url(user: Any) -> str:
    try:
        return reverse(_ROLE_HOME.get(str(user.role), "accounts:dashboard"))
    except NoReverseMatch:
        return reverse("accounts:dashboard")


def navigation_for(user: Any, current_path: str = "") -> list[dict[str, object]]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if second_factor_required(user) and not second_factor_done(user):
        return []  # nothing to offer until the second step is done
    items: list[dict[str, object]] = []
    for entry in _ENTRIES:
        if not has_perm(user, entry.permission):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        active = current_path == url or (url != "/" and current_path.startswith(url))
        items.append({"label": entry.label, "url": url, "active": active})
    return items
