"""Reads of case data that must be audited."""

from collections.abc import Iterable
from typing import Any

from medijourney.cases.models import (
    Case,
)
from medijourney.privacy.services import audit_record, audit_record_many


def case_read_audit(*, user: Any, case: Case, action: str = "case.view", **detail: Any) -> None:
    audit_record(actor=user, action=action, obj=case, patient=case.patient, detail=detail or None)


def cases_list_audit(*, user: Any, cases: Iterable[Case], action: str = "case.list") -> None:
    audit_record_many(actor=user, action=action, rows=[(case, case.patient) for case in cases])
