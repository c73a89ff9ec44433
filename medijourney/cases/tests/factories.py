"""Factories and small helpers for cases tests."""

import itertools
from typing import Any

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.tests.factories import UserFactory
from medijourney.cases.models import Case
from medijourney.cases.services import InquiryData, inquiry_owner_confirm, inquiry_submit

_keys = itertools.count()


def inquiry_data(**overrides: Any) -> InquiryData:
    values: dict[str, Any] = {
        "full_name": "Amina Okafor",
        "email": f"amina{next(_keys)}@example.test",
        "phone": "+234 803 123 4567",
        "country_of_residence": "NG",
        "passport_country": "NG",
        "preferred_language": "en",
        "need": "My right knee hurts when I walk; my doctor says I need a knee replacement.",
        "consent": True,
        "procedure_requested": "knee replacement",
        "destinations": ["IN", "TR"],
    }
    values.update(overrides)
    return InquiryData(**values)


def case_manager(**kwargs: Any) -> User:
    kwargs.setdefault("spoken_languages", ["en"])
    return UserFactory(role=Role.CASE_MANAGER, **kwargs)


def make_case(
    *, patient: User | None = None, assigned_to: User | None = None, uploads: Any = (), **overrides: Any
) -> Case:
    """A case made through the real intake service (then pinned to ``assigned_to`` if given).
    With ``patient``, the case goes to that existing account the way the real flow does: sent
    with its address, then confirmed by its owner."""
    if patient is not None:
        overrides.setdefault("email", patient.email)
    case = inquiry_submit(data=inquiry_data(**overrides), uploads=uploads, key=f"test:{next(_keys)}").case
    if patient is not None and case.patient_id != patient.pk:
        case = inquiry_owner_confirm(case=case, owner=patient)
    if assigned_to is not None and case.assigned_to_id != assigned_to.pk:
        Case.objects.filter(pk=case.pk).update(assigned_to=assigned_to)
        case.refresh_from_db()
    return case
