"""The result types of search and compare: a page of ``ResultRow`` s in a ``SearchResult`` (or a
``CompareResult``), with what each filter excluded. ``ResultRow.as_dict`` is the JSON shape checked
against ``schemas.ResultOut`` by the tests.

``ResultRow.quality`` holds the further quality signals shown beside a result (``quality.QualityNote``
s, for instance aftercare's outcome figures when n >= 10), filled by the engine for the rows of a
page. They never change the order (the ranking does not read them) and are left out of the JSON."""

import datetime
from dataclasses import dataclass
from typing import Any

from medijourney.core.i18n import gettext as _

from ..estimate import Candidate, ReferenceFigure, Savings, TripContext, TripEstimate, stay_text
from ..params import SearchQuery
from ..ranking import Score
from .details import HospitalDetails


@dataclass(frozen=True)
class WindowFit:
    wait_days: int | None
    earliest_start: datetime.date
    return_by: datetime.date | None
    fits: bool | None
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "wait_days": self.wait_days,
            "earliest_start": self.earliest_start,
            "return_by": self.return_by,
            "fits_travel_window": self.fits,
            "explanation": self.explanation,
        }


@dataclass
class ResultRow:
    rank: int
    cand: Candidate
    estimate: TripEstimate
    score: Score
    savings: Savings
    window: WindowFit
    details: HospitalDetails
    quality: Any = None  # list of quality.QualityNote shown beside the result, never ranked (see the module)

    def visa_dict(self, ctx: TripContext) -> dict[str, Any]:
        rule = ctx.visas.get(self.cand.country)
        line = self.estimate.line("visa")
        base: dict[str, Any] = {
            "passport": ctx.passport,
            "passport_assumed": ctx.passport_assumed,
            "destination": self.cand.country,
            "explanation": line.method,
        }
        if ctx.passport and ctx.passport == self.cand.country:
            return base | {"requirement": "same_country", "label": _("same country (no visa needed)")}
        if rule is None:
            return base | {"requirement": "unknown", "label": _("unknown")}
        return base | {
            "requirement": rule.requirement,
            "label": rule.label,
            "days_allowed": rule.days_allowed,
            "data_date": rule.data_date,
            "source": rule.source,
            "source_url": rule.source_url,
        }

    @property
    def languages(self) -> list[str]:
        return sorted(set(self.cand.languages) | set(self.details.languages))

    @property
    def visa_line(self) -> Any:
        return self.estimate.line("visa")

    def as_dict(self, ctx: TripContext) -> dict[str, Any]:
        c, est = self.cand, self.estimate
        return {
            "rank": self.rank,
            "is_demo": c.is_demo,
            "hospital": {
                "id": c.hospital_id,
                "name": c.name,
                "kind": c.kind,
                "city": c.city,
                "region": c.region,
                "country": c.country,
                "country_name": c.country_name,
                "is_demo": c.hospital_is_demo,
                "accreditations": [
                    {
                        "body": a.body,
                        "body_name": a.body_name,
                        "number": a.number,
                        "level": a.level,
                        "valid_from": a.valid_from,
                        "valid_to": a.valid_to,
                        "status": a.validity_on(ctx.today),
                        "verification_status": a.verification_status,
                        "is_demo": a.is_demo,
                    }
                    for a in self.details.accreditations
                ],
                "verified_doctors": c.verified_doctors,
                "nearest_airport": {"code": c.airport_code, "name": c.airport_name, "distance_km": c.airport_km}
                if c.airport_code
                else None,
            },
            "offer": {
                "id": c.offer_id,
                "procedure": ctx.procedure.slug,
                "currency": c.currency,
                "price_min": c.price_min,
                "price_max": c.price_max,
                "price_point": est.line("procedure").amount,
                "price_point_method": "midpoint",
                "inclusions": c.inclusions,
                "wait_days": c.wait_days,
                "source_kind": c.source_kind,
                "source": c.source_note,
                "as_of": c.as_of,
                "is_demo": c.offer_is_demo,
            },
            "trip_estimate": est.as_dict(),
            "savings": self.savings.as_dict(),
            "visa": self.visa_dict(ctx),
            "travel": {
                "origin_airport": est.travel.origin.code if est.travel.origin else None,
                "destination_airport": est.travel.destination_code,
                "distance_km": est.travel.distance_km,
                "flight_hours": est.travel.flight_hours,
                "method": est.travel.method,
            },
            "stay": {
                "inpatient_nights": est.stay.inpatient_nights,
                "lodging_nights": est.stay.lodging_nights,
                "days_away": est.stay.days_away,
                "method": stay_text(ctx, est.stay),
                "source": ctx.procedure.stay_source,
            },
            "wait": self.window.as_dict(),
            "wait_days": c.wait_days,
            "languages": self.languages,
            "score": self.score.as_dict(),
        }


@dataclass(frozen=True)
class Exclusion:
    filter: str
    label: str
    excluded: int
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"filter": self.filter, "label": self.label, "excluded": self.excluded, "note": self.note}


@dataclass
class SearchResult:
    query: SearchQuery
    ctx: TripContext | None
    rows: list[ResultRow]
    count: int  # results after the filters
    candidates: int  # offers for the procedure in the network, before the filters
    exclusions: list[Exclusion]
    excluded_total: int
    without_price: int | None  # accredited hospitals with no price for the procedure (empty results)
    reference: ReferenceFigure | None
    message: str = ""
    cache_key: Any = None  # identifies the page and the data it was computed from

    def exclusions_text(self) -> str:
        parts = [f"{e.label} excluded {e.excluded}" for e in self.exclusions if e.excluded]
        return ", ".join(parts)


@dataclass
class CompareResult:
    query: SearchQuery
    ctx: TripContext
    rows: list[ResultRow]
    reference: ReferenceFigure | None
    line_keys: tuple[str, ...]
