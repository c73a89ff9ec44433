"""Navigation per role. Apps register their entries (label, URL name, permission, group); the base
template shows a person the entries their role holds. Entries of one group that a role holds two
or more of are shown under the group's name (a drop-down on a wide screen, a section of the menu
on a phone), so the header stays one line for the roles with the most entries."""

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .permissions import has_perm
from .roles import Role
from .twofactor import second_factor_done, second_factor_required

# The groups an entry may name; an entry without a group stands on its own in the header.
GROUPS: dict[str, str | Promise] = {
    "browse": _("Browse"),
    "cases": _("Cases"),
    "network": _("Network"),
}


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    permission: str
    order: int = 100
    group: str = ""


_ENTRIES: list[NavEntry] = []
_ROLE_HOME: dict[str, str] = {}


def register(label: str | Promise, url_name: str, permission: str, order: int = 100, group: str = "") -> None:
    if group and group not in GROUPS:
        raise ValueError(f"Unknown navigation group {group!r}: one of {sorted(GROUPS)}")
    entry = NavEntry(label, url_name, permission, order, group)
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
        items.append({"label": entry.label, "url": url, "active": active, "group": entry.group})
    return items


def navigation_grouped(items: list[dict[str, object]]) -> list[dict[str, object]]:
    """The header's entries: each group a person holds two or more entries of becomes one entry
    with ``children`` (at the place of its first entry); a group with one entry stays a plain link."""
    counts: dict[object, int] = {}
    for item in items:
        if item["group"]:
            counts[item["group"]] = counts.get(item["group"], 0) + 1
    out: list[dict[str, object]] = []
    groups: dict[object, dict[str, object]] = {}
    for item in items:
        key = item["group"]
        if not key or counts[key] < 2:
            out.append(item)
            continue
        if key not in groups:
            groups[key] = {"label": GROUPS[str(key)], "key": key, "children": [], "active": False}
            out.append(groups[key])
        children = groups[key]["children"]
        assert isinstance(children, list)
        children.append(item)
        groups[key]["active"] = bool(groups[key]["active"] or item["active"])
    return out
