"""JSON shapes for the cases API: separate input and output schemas."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from medijourney.core.api import decimal_limits

from .consent import CURRENT_CONSENT_VERSION


class InquiryIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., min_length=3, max_length=254, description="Where the acknowledgement is sent.")
    phone: str = Field(
        ...,
        max_length=40,
        description="International number, e.g. +234 803 123 4567 (or national, read with the country of residence).",
    )
    country_of_residence: str = Field(..., min_length=2, max_length=2, description="ISO 3166 alpha-2.")
    passport_country: str = Field(..., min_length=2, max_length=2, description="ISO 3166 alpha-2.")
    preferred_language: str = Field(..., max_length=35, description="BCP 47 tag, e.g. en, ar, pt-BR.")
    need: str = Field(
        ..., min_length=1, max_length=5000, description="The need in the patient's own words; triaged on arrival."
    )
    procedure_requested: str = Field("", max_length=200, description="Procedure, if known.")
    destinations: list[str] = Field(default_factory=list, max_length=20, description="ISO 3166 alpha-2 codes.")
    budget_amount: Decimal | None = Field(
        None, ge=0, max_digits=12, decimal_places=2, json_schema_extra=decimal_limits(12, 2)
    )
    budget_currency: str = Field("", max_length=3, description="ISO 4217, required with budget_amount.")
    travel_earliest: date | None = None
    travel_latest: date | None = None
    companion: bool = False
    consent: bool = Field(
        ..., description="Must be true: consent to process health data, with the text of consent_version."
    )
    consent_version: str = Field(
        CURRENT_CONSENT_VERSION, max_length=40, description="Version id of the consent text shown."
    )


class UploadInfoOut(Schema):
    url: str
    token: str = Field(..., description="Send as the X-Upload-Token header.")
    expires_at: datetime
    max_files: int


class InquiryCreatedOut(Schema):
    reference: str
    status: str = "received"
    received_at: datetime
    first_response_due_at: datetime
    message: str
    emergency: dict[str, Any] = Field(
        default_factory=dict,
        description="`detected` true: the words named emergency warning signs; show `message` (call the local "
        "emergency number, from `number`) before anything else. The inquiry is accepted and flagged.",
    )
    documents_upload: UploadInfoOut


class CaseOut(Schema):
    reference: str
    stage: str
    stage_label: str
    created_at: datetime
    first_response_due_at: datetime
    first_responded_at: datetime | None
    clock: str = Field(..., description="running, overdue, answered, answered_late or stopped.")
    case_manager: str | None
    specialty_id: str
    procedure_slug: str
    preferred_language: str
    destinations: list[str]


class CaseTriageOut(Schema):  # not TriageOut: OpenAPI names components by class (discovery has one)
    specialties: list[dict[str, Any]] = []
    procedures: list[dict[str, Any]] = []
    notice: str = ""
    confident: bool = False


class CaseDetailOut(CaseOut):
    full_name: str
    email: str
    phone: str
    country_of_residence: str
    passport_country: str
    need: str
    procedure_requested: str
    budget_amount: Decimal | None
    budget_currency: str
    travel_earliest: date | None
    travel_latest: date | None
    companion: bool
    next_step: str
    triage: CaseTriageOut | None = Field(None, description="Case team only.")


class MessageIn(Schema):
    body: str = Field(..., min_length=1, max_length=10000, description="Plain text; shown escaped.")


class MessageOut(Schema):
    id: str
    author: str
    from_staff: bool
    body: str
    created_at: datetime
    flagged: bool | None = Field(None, description="Case team only: contact or bank details in a partner message.")
    flag_reasons: list[str] | None = None


class NoteOut(Schema):
    id: str
    author: str
    body: str
    created_at: datetime


class DocumentOut(Schema):
    id: str
    name: str
    kind: str
    size: int
    scan_status: str
    scanned: bool
    uploaded_at: datetime
    download_url: str | None


class TransitionIn(Schema):
    to: str
    reason: str = Field("", max_length=200)


class CaseListOut(Schema):
    items: list[CaseOut]
    count: int


class MessageListOut(Schema):
    items: list[MessageOut]
    count: int
