"""The permissions pattern every app extends.

* Named permissions (``"<app>.<verb>_<noun>"``) map to roles. Each app declares its own in its
  ``permissions.py`` with :func:`define`; they are loaded at start-up.
* Object checks are functions named ``can_<verb>_<noun>(user, obj)`` in the app's
  ``permissions.py``.
* Each app has one query filter ``<noun>s_visible_to(user)`` that every list, page and endpoint
  uses, so no route can reach an object another route would hide.

Denials are audited by :mod:`medijourney.accounts.access`, which views and endpoints call.
"""

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .roles import STAFF_ROLES, Role

if TYPE_CHECKING:
    from .models import User

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


def role_has_perm(role: Role | str, name: str) -> bool:
    """True when ``role`` holds ``name`` (for a person not saved yet, e.g. at account creation)."""
    return str(role) in roles_with(name)


def holders_of(name: str) -> "QuerySet[User]":
    """Every active person whose role holds ``name``: the one query for "who may do this"
    (leads to escalate to, case managers to assign, a hospital's partner desk)."""
    return get_user_model().objects.filter(is_active=True, role__in=sorted(roles_with(name)))


def can_issue_api_token(user: Any) -> bool:
    """A new API token needs the role's permission and a session that passed the second factor
    (django-otp's ``is_verified``), for every role and in demo mode too: a token is a permanent
    credential, so it must never be obtainable with the password alone."""
    verified = bool(getattr(user, "is_verified", lambda: False)())
    return has_perm(user, "accounts.manage_api_tokens") and verified


def all_permissions() -> dict[str, frozenset[str]]:
    return dict(_ROLE_PERMISSIONS)


define(
    {
        "accounts.view_dashboard": list(Role),
        "accounts.manage_api_tokens": [Role.PARTNER, Role.SPECIALIST, Role.ADMIN],
        "accounts.use_admin_site": [Role.ADMIN],
        # Every API token, not only one's own.
        "accounts.manage_all_api_tokens": [Role.ADMIN],
        # Staff pass a second factor (TOTP) after the password.
        "accounts.pass_second_factor": list(STAFF_ROLES),
    }
)
