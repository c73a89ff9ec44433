"""Reads of quote data that must be audited."""

from collections.abc import Iterable
from typing import Any

from medijourney.privacy.services import audit_record, audit_record_many
from medijourney.quotes.models import (
    QuoteRequest,
)


def request_read_audit(*, user: Any, request: QuoteRequest, action: str = "quote_request.view") -> None:
    audit_record(actor=user, action=action, obj=request, patient=request.patient)


def requests_list_audit(*, user: Any, requests: Iterable[QuoteRequest], action: str = "quote_request.list") -> None:
    audit_record_many(actor=user, action=action, rows=[(request, request.patient) for request in requests])
