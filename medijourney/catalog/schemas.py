"""JSON shapes of the catalogue API. Every duration, price and visa rule carries its source and date."""

import datetime
from decimal import Decimal

from ninja import Field, Schema


class SpecialtyOut(Schema):
    id: str
    name: str


class SpecialtyDetailOut(SpecialtyOut):
    definition: str


class StayOut(Schema):
    inpatient_nights: int | None = Field(description="Typical nights in hospital; 0 = day case; null = unknown.")
    total_days: int | None = Field(description="Typical days in the destination in all; null = unknown.")
    source: str = Field(description="Always 'editorial estimate' for now: not a measured figure.")
    as_of: datetime.date | None


class FitToFlyOut(Schema):
    min_days_before_flying: int | None = Field(description="Minimum days after the procedure; null = unknown.")
    recommended_days_before_flying: int | None
    condition: str | None = Field(description="The guidance row that applies; null when none does.")
    authority: str | None
    source_url: str | None
    as_of: datetime.date | None


class ReferencePriceOut(Schema):
    country: str
    country_name: str
    city: str
    currency: str
    price: Decimal | None
    price_low: Decimal | None
    price_high: Decimal | None
    price_type: str
    data_year: str = Field(description="The year of the figure as its source states it.")
    source: str
    source_url: str
    sample_size: int | None
    notes: str
    source_procedure_name: str


class ProcedureListOut(Schema):
    slug: str
    name: str
    specialty: SpecialtyOut
    synonyms: list[str]
    stay: StayOut
    fit_to_fly: FitToFlyOut


class ProcedureOut(ProcedureListOut):
    description: str
    reference_prices: list[ReferencePriceOut]


class VisaOut(Schema):
    passport: str
    destination: str
    requirement: str = Field(
        description="visa_free, visa_on_arrival, e_visa, eta, visa_required, no_admission or same_country."
    )
    label: str
    days_allowed: int | None = Field(description="Days allowed visa-free, where the data states it.")
    data_date: datetime.date
    source: str
    source_url: str
