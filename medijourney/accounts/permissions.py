"""The permissions pattern every app extends.

* Named permissions (``"<app>.<verb>_<noun>"``) map to roles. Each app declares its own in its
  ``permissions.py`` with :func:`define`; they are loaded at start-up.
* Object checks are functions named ``can_<verb>_<noun>(user, obj)`` in the app's
  ``permissions.py``.
* Each app has one query filter ``<noun>s_visible_to(user)`` that every list, page and endpoint
  uses, so no route can reach an object another route would hide.

Denials are audited by :mod:`medijourney.privacy.access`, which views and endpoints call.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from .roles import Role

_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {}


def define(permissions: Mapping[str, Iterable[Role | str]]) -> None:
    """Declare named permissions and the roles that hold them."""
    for name, roles in permissions.items():
        if "." not in name:
            raise ValueError(f"Permission names are '<app>.<verb>_<noun>', got {name!r}")
        _ROLE_PERMISSIONS[name] = frozenset(str(r) for r in roles)


def roles_with(name: str) -> frozenset[str]:
    try:
        return _ROLE_PERMISSIONS[name]
    except KeyError:
        raise KeyError(f"Unknown permission {name!r}: declare it with accounts.permissions.define") from None


def has_perm(user: Any, name: str) -> bool:
    """True when ``user`` is an active, signed-in person whose role holds ``name``."""
    roles = roles_with(name)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return str(user.role) in roles


def all_permissions() -> dict[str, frozenset[str]]:
    return dict(_ROLE_PERMISSIONS)


define(
    {
        "accounts.view_dashboard": list(Role),
        "accounts.manage_api_tokens": [Role.PARTNER, Role.ADMIN],
        "accounts.use_admin_site": [Role.ADMIN],
    }
)
