"""JSON shapes of the network API. Demo rows carry ``is_demo``; every offer its source and date."""

import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema


class AccreditationOut(Schema):
    body: str
    body_name: str
    number: str
    level: str
    valid_from: datetime.date
    valid_to: datetime.date
    status: str = Field(description="current, expired or not_yet_valid, from the dates and today.")
    withdrawn_by_body: bool
    verification_status: str
    verification_source: str = Field(description="How it was verified, e.g. against the public NABH register.")
    verified_at: datetime.datetime | None
    register_remark: str
    is_demo: bool


class AirportOut(Schema):
    code: str
    name: str
    city: str
    distance_km: Decimal | None = Field(description="Great-circle distance; null when the location is unknown.")
    basis: str
    source: str


class DoctorOut(Schema):
    id: UUID
    full_name: str
    specialties: list[str]
    qualifications: str
    languages: list[str]
    licence_verified: bool
    is_demo: bool


class OfferOut(Schema):
    id: UUID
    procedure: str
    procedure_name: str
    currency: str
    price_min: Decimal
    price_max: Decimal
    inclusions: dict[str, bool]
    wait_days: int | None
    source_kind: str
    source: str = Field(description="Who stated the price, or 'estimate from <source>, <year>'.")
    as_of: datetime.date
    is_demo: bool


class HospitalListOut(Schema):
    id: UUID
    name: str
    kind: str
    city: str
    region: str
    country: str
    country_name: str
    latitude: float | None
    longitude: float | None
    location_source: str
    website: str
    accreditations: list[AccreditationOut] = Field(description="Current, verified accreditations that qualify it.")
    nearest_airport: AirportOut | None
    is_demo: bool


class HospitalOut(HospitalListOut):
    about: str
    languages: list[str]
    specialties: list[str]
    international_desk: dict[str, str]
    all_accreditations: list[AccreditationOut]
    doctors: list[DoctorOut]
    offers: list[OfferOut]
    source: str
