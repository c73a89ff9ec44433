"""A reusable permission matrix: route × role × owner/not owner → expected status, and an
audited denial for every signed-in person who is refused.

Usage (see medijourney/accounts/tests/test_permissions_matrix.py)::

    matrix.check(
        method="GET",
        url=lambda obj: reverse("cases:detail", args=[obj.reference]),
        setup=lambda user, owner: CaseFactory(patient=user if owner else None),
        expect={"anonymous": 302, "patient:owner": 200, "patient:other": 404, ...},
    )

Keys are ``anonymous``, a role (``patient``) or a role with ``:owner`` / ``:other``. ``setup``
receives the acting user (None for anonymous) and whether they should own the object, and
returns the object the URL is built from. Every role must appear in ``expect``, so a new role
cannot slip through untested.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.test import Client

from medijourney.accounts.roles import Role
from medijourney.privacy.models import AuditEvent

DENIAL_STATUSES = {403, 404}


@dataclass(frozen=True)
class Row:
    key: str
    role: str | None
    owner: bool


def _rows(expect: dict[str, int]) -> list[tuple[Row, int]]:
    rows = []
    covered = set()
    for key, status in expect.items():
        if key == "anonymous":
            rows.append((Row(key, None, False), status))
            continue
        role, _, ownership = key.partition(":")
        if role not in Role.values:
            raise ValueError(f"Unknown role in matrix key {key!r}")
        if ownership not in ("", "owner", "other"):
            raise ValueError(f"Matrix key {key!r}: use '<role>', '<role>:owner' or '<role>:other'")
        covered.add(role)
        rows.append((Row(key, role, ownership != "other"), status))
    missing = set(Role.values) - covered
    if "anonymous" not in expect:
        missing.add("anonymous")
    if missing:
        raise AssertionError(f"Permission matrix does not cover: {sorted(missing)}")
    return rows


class PermissionMatrix:
    def __init__(self, make_user: Callable[..., Any]) -> None:
        self.make_user = make_user

    def check(
        self,
        *,
        method: str,
        url: Callable[[Any], str],
        expect: dict[str, int],
        setup: Callable[[Any, bool], Any] | None = None,
        data: Callable[[Any], Any] | dict[str, Any] | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        audit_denials: bool = True,
    ) -> None:
        failures = []
        for row, expected in _rows(expect):
            user = self.make_user(role=row.role) if row.role else None
            obj = setup(user, row.owner) if setup else None
            client = Client()
            if user is not None:
                client.force_login(user)
            payload = data(obj) if callable(data) else data
            kwargs: dict[str, Any] = {"headers": headers or {}}
            if payload is not None:
                kwargs["data"] = payload
            if content_type:
                kwargs["content_type"] = content_type
            before = AuditEvent.objects.count()
            response = getattr(client, method.lower())(url(obj), **kwargs)
            if response.status_code != expected:
                failures.append(f"{row.key}: expected {expected}, got {response.status_code}")
                continue
            if audit_denials and user is not None and expected in DENIAL_STATUSES:
                denied = AuditEvent.objects.order_by("-id")[: max(AuditEvent.objects.count() - before, 0)]
                if not any(e.outcome == "denied" and e.actor_id == user.public_id for e in denied):
                    failures.append(f"{row.key}: {expected} without an audited denial")
        assert not failures, "Permission matrix failures:\n  " + "\n  ".join(failures)
