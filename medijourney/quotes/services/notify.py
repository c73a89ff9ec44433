"""Emails about requests and quotes: to the hospital's partner users (by request code, never the
patient), to the case team and to the patient."""

from typing import Any

from django.urls import reverse

from medijourney.accounts.models import User
from medijourney.accounts.permissions import holders_of
from medijourney.cases.models import Case
from medijourney.cases.notifications import absolute
from medijourney.cases.services import notification_queue
from medijourney.quotes.models import (
    QuoteRequest,
)
from medijourney.quotes.selectors import (
    hospital_partners,
)


def case_team(case: Case) -> list[User]:
    if case.assigned_to is not None and case.assigned_to.is_active:
        return [case.assigned_to]
    return list(holders_of("cases.lead_cases").order_by("pk"))


def hospital_notify(request: QuoteRequest, kind: str, key: str, **context: Any) -> int:
    """Email the hospital's partner users about a request. The email names the request code,
    never the patient or the case reference."""
    url = absolute(reverse("quotes:partner_request", args=[request.public_id]))
    sent = 0
    for person in hospital_partners(request.hospital):
        queued = notification_queue(
            key=f"{key}:{person.public_id}",
            kind=kind,
            to_email=person.email,
            case=None,
            context={
                "audience": "partner",
                "code": request.code,
                "hospital": request.hospital.name,
                "request_url": url,
                "due": request.respond_by.isoformat(),
                **context,
            },
        )
        sent += queued is not None
    return sent


def case_team_notify(case: Case, kind: str, key: str, **context: Any) -> None:
    panel = absolute(reverse("quotes:case_quotes", args=[case.reference]))
    for person in case_team(case):
        notification_queue(
            key=f"{key}:{person.public_id}",
            kind=kind,
            to_email=person.email,
            case=case,
            context={"audience": "staff", "panel_url": panel, **context},
        )


def patient_notify(case: Case, kind: str, key: str, **context: Any) -> None:
    compare = absolute(reverse("quotes:compare", args=[case.reference]))
    notification_queue(
        key=f"{key}:{case.patient.public_id}",
        kind=kind,
        to_email=case.patient.email,
        case=case,
        context={"audience": "patient", "compare_url": compare, **context},
    )


# --- Consent -----------------------------------------------------------------------------------------


def erasure_notify_hospitals(*, patient: User) -> int:
    """Tell every hospital that received a request about this patient (by request code only)
    that the patient asked for erasure. Returns the number of emails queued."""
    queued = 0
    for request in QuoteRequest.objects.filter(patient=patient).select_related("hospital"):
        queued += hospital_notify(request, "quote_erasure", f"quote-erasure:{request.public_id}")
    return queued


# --- Reads that must be audited ------------------------------------------------------------------------
