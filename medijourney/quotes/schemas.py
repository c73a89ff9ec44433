"""JSON shapes for the partner API: separate input and output schemas. No shape carries the
patient's name, contacts or case reference."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from medijourney.core.api import decimal_limits

LineStatusLiteral = Literal["included", "not_included", "not_applicable"]


class StandardItemOut(Schema):
    id: str
    label: str


class SharedDocumentOut(Schema):
    id: UUID
    name: str
    kind: str
    size: int
    download_url: str = Field(..., description="GET with the same bearer token; served while consent lasts.")


class QuoteLineOut(Schema):
    item: str
    status: LineStatusLiteral
    amount: Decimal | None
    note: str


class QuoteOut(Schema):
    id: UUID
    clinical_summary: str
    procedure: str = Field(..., description="Catalogue procedure slug.")
    doctor: UUID
    pre_op_days: int
    inpatient_nights: int
    days_before_flying: int
    currency: str
    total: Decimal
    valid_until: date
    submitted_at: datetime
    lines: list[QuoteLineOut]


class RequestListItemOut(Schema):
    id: UUID
    code: str
    status: str
    scope: str
    procedure: str | None = Field(None, description="Catalogue procedure slug asked about, if known.")
    sent_at: datetime
    respond_by: datetime
    answered_at: datetime | None


class RequestOut(RequestListItemOut):
    summary: str
    documents: list[SharedDocumentOut]
    decline_reason: str
    quote: QuoteOut | None
    standard_items: list[StandardItemOut] = Field(..., description="Every item a quote must state.")


class QuoteLineIn(Schema):
    status: LineStatusLiteral
    amount: Decimal | None = Field(
        None,
        ge=0,
        max_digits=12,
        decimal_places=2,
        description="For included items.",
        json_schema_extra=decimal_limits(12, 2),
    )
    note: str = Field("", max_length=200)


class QuoteIn(Schema):
    clinical_summary: str = Field(..., min_length=1, max_length=5000)
    procedure: str = Field(..., max_length=80, description="Catalogue procedure slug, e.g. knee-replacement.")
    doctor: UUID = Field(..., description="Public id of one of your doctors with a verified, current licence.")
    pre_op_days: int = Field(..., ge=0, le=365, description="Days in the country before the procedure.")
    inpatient_nights: int = Field(..., ge=0, le=365)
    days_before_flying: int = Field(..., ge=0, le=365, description="Days after the procedure before flying home.")
    currency: str = Field(..., min_length=3, max_length=3, description="ISO 4217.")
    valid_until: date
    lines: dict[str, QuoteLineIn] = Field(..., description="One entry per standard item id (see standard_items).")


class DeclineIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)
