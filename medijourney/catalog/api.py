"""Catalogue API: procedures and visa rules. Public (no sign-in needed): reference data only."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from medijourney.core.api import ErrorOut, Paged

from .models import Procedure, ReferencePrice
from .schemas import ProcedureListOut, ProcedureOut, SpecialtyDetailOut, VisaOut
from .selectors import (
    country_get,
    procedure_by_slug,
    procedures_list,
    reference_prices_for,
    specialties_all,
    visa_requirement,
)

router = Router(tags=["catalog"])


def procedure_summary(p: Procedure) -> dict[str, Any]:
    fit = p.fit_to_fly
    return {
        "slug": p.slug,
        "name": p.name,
        "specialty": {"id": p.specialty_id, "name": p.specialty.name},
        "synonyms": p.synonyms,
        "stay": {
            "inpatient_nights": p.inpatient_nights,
            "total_days": p.total_days,
            "source": p.stay_source,
            "as_of": p.data_date,
        },
        "fit_to_fly": {
            "min_days_before_flying": p.min_days_before_flying,
            "recommended_days_before_flying": fit.recommended_days_before_flying if fit else None,
            "condition": fit.condition if fit else None,
            "authority": fit.authority if fit else None,
            "source_url": fit.source_url if fit else None,
            "as_of": fit.data_date if fit else None,
        },
    }


def price_out(price: ReferencePrice) -> dict[str, Any]:
    return {
        "country": price.country_id,
        "country_name": price.country.name,
        "city": price.city,
        "currency": price.currency,
        "price": price.price,
        "price_low": price.price_low,
        "price_high": price.price_high,
        "price_type": price.price_type,
        "data_year": price.data_year,
        "source": price.source,
        "source_url": price.source_url,
        "sample_size": price.sample_size,
        "notes": price.notes,
        "source_procedure_name": price.source_label,
    }


class ProcedureFilters(Schema):
    specialty: str | None = Field(None, description="A specialty id, e.g. orthopedics.")
    q: str | None = Field(None, max_length=100, description="Words in the name or synonyms.")


@router.get("/specialties", response=list[SpecialtyDetailOut], summary="The 18 specialties")
def list_specialties(request: HttpRequest) -> QuerySet[Any]:
    return specialties_all()


@router.get("/procedures", response=list[ProcedureListOut], summary="Procedures")
@paginate(Paged)
def list_procedures(request: HttpRequest, filters: Query[ProcedureFilters]) -> list[dict[str, Any]]:
    return [procedure_summary(p) for p in procedures_list(specialty=filters.specialty, q=filters.q)]


@router.get(
    "/procedures/{slug}", response={200: ProcedureOut, 404: ErrorOut}, summary="One procedure with its reference prices"
)
def get_procedure(request: HttpRequest, slug: str) -> dict[str, Any]:
    procedure = procedure_by_slug(slug)
    if procedure is None:
        raise HttpError(404, "No procedure with this slug.")
    return {
        **procedure_summary(procedure),
        "description": procedure.description,
        "reference_prices": [price_out(p) for p in reference_prices_for(procedure)],
    }


class VisaQuery(Schema):
    passport: str = Field(..., min_length=2, max_length=2, pattern="^[A-Za-z]{2}$", description="ISO alpha-2")
    destination: str = Field(..., min_length=2, max_length=2, pattern="^[A-Za-z]{2}$", description="ISO alpha-2")


@router.get(
    "/visa",
    response={200: VisaOut, 404: ErrorOut, 422: ErrorOut},
    summary="The visa rule for a passport and a destination",
)
def get_visa(request: HttpRequest, query: Query[VisaQuery]) -> Any:
    errors = {}
    for field in ("passport", "destination"):
        if country_get(getattr(query, field)) is None:
            errors[field] = f"Unknown country code {getattr(query, field)!r}; use ISO 3166-1 alpha-2, e.g. IN."
    if errors:
        raise ValidationError(errors)
    rule = visa_requirement(query.passport, query.destination)
    if rule is None:
        raise HttpError(404, "The visa data has no rule for this passport and destination.")
    return rule.__dict__
