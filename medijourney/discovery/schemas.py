"""Input and output schemas of the discovery API. The output documents are built from the engine's
typed results by their own ``of`` class methods (``SearchOut.of(result, query, emergency)``), so the
JSON shape is written once, here, and every document is validated as it is built."""

import datetime
from dataclasses import asdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import AliasChoices, field_validator

from medijourney.catalog.selectors import FX_SOURCE
from medijourney.core.api import PAGE_DEFAULT_LIMIT, PAGE_MAX_LIMIT, PAGE_MAX_OFFSET, Document, decimal_limits
from medijourney.core.i18n import gettext as _

from .estimate import NOT_INCLUDED, stay_text
from .params import MAX_FLIGHT_HOURS, MIN_FLIGHT_HOURS
from .ranking import RANKING_SUMMARY

if TYPE_CHECKING:
    from medijourney.catalog.needed import NeededItem

    from .estimate import Savings, TripContext, TripEstimate, TripLine
    from .params import SearchQuery
    from .ranking import Score, Term
    from .search.details import AccreditationInfo, DoctorInfo
    from .search.page import CompareResult, Exclusion, ResultRow, SearchResult, WindowFit

# A GET query string must stay well under the web server's request-line limit (gunicorn: 4094
# bytes) once URL-encoded; longer texts go through medijourney.discovery.triage.triage() directly.
TRIAGE_TEXT_MAX = 1000


class TriageIn(Schema):
    text: str = Field(
        ...,
        min_length=1,
        max_length=TRIAGE_TEXT_MAX,
        description="The problem in the person's own words (or a clinician's), at most 1000 characters.",
    )
    lang: str = Field(
        "",
        pattern=r"^([A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*)?$",
        description="BCP 47 language of the text: en, ar, es, fr, ru or bn. Empty or another language: detected "
        "from the text (answer.language says how); text in a language triage does not read answers 'could not tell'.",
    )
    country: str = Field(
        "",
        pattern=r"^([A-Za-z]{2})?$",
        description="Where the person is now (ISO 3166-1 alpha-2), for the emergency number; else the "
        "Accept-Language region is used, else the answer asks for the country.",
    )

    @field_validator("text")
    @classmethod
    def text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Describe the problem in a few words.")
        return value


class TriageSpecialtyOut(Schema):
    id: str = Field(..., description="Specialty id from the taxonomy.")
    name: str
    score: float = Field(..., ge=0, le=1, description="How strongly the text points here (0–1).")
    evidence: list[str] = Field(..., description="The words or phrases of the text that matched.")


class TriageProcedureOut(Schema):
    slug: str = Field(..., description="Procedure slug from the procedure dataset.")
    name: str
    score: float = Field(..., ge=0, le=1)
    named: bool = Field(False, description="The text names this procedure (not only a condition it treats).")


class EmergencyNumberOut(Document):
    country: str
    country_name: str
    call: str = Field(..., description="The number to call for a medical emergency.")
    also: list[str] = Field(..., description="Other numbers that reach emergency services there.")
    unsure: bool = Field(..., description="True when the data cannot tell which number is for an ambulance.")


class EmergencyLocalOut(Document):
    lang: str = Field(..., description="The language the patient wrote in (ar, es, fr, ru or bn).")
    language_name: str = Field(..., description="That language's name, in itself.")
    message: str = Field(..., description="The emergency message in that language; show it beside `message`.")
    self_harm: str = Field("", description="The self-harm sentence in that language, when a self-harm sign was found.")
    reviewed: bool = Field(..., description="False: not yet reviewed by a medical translator.")


class EmergencyOut(Document):
    detected: bool = Field(..., description="The text may describe an emergency: show `message` first.")
    message: str = ""
    local: EmergencyLocalOut | None = Field(
        None, description="The message in the language the patient wrote in, when that is not the interface's."
    )
    signs: list[dict[str, str]] = Field(default_factory=list, description="{id, label, evidence} per warning sign.")
    number: EmergencyNumberOut | None = None
    country_from: str = Field("", description="form, browser (Accept-Language region) or unknown.")
    choose_country: bool = Field(False, description="No country known: ask the person where they are.")
    source: str = ""
    as_of: str = ""


class TriageChoiceOut(Document):
    slug: str
    name: str
    pointed: bool = Field(..., description="The words point to it; otherwise it is one of the specialty's procedures.")


class TriageAnswerOut(Document):
    kind: str = Field(..., description="emergency, unclear (no evidence), procedure (named) or specialty.")
    certainty: str = Field(..., description="none, low, likely or clear: how sure, in words not numbers.")
    headline: str = Field(..., description="What to tell the person, first.")
    could_not_tell: bool
    specialties: list[dict[str, Any]]
    procedure: dict[str, str] | None = Field(None, description="The procedure the words name, to search for.")
    choices: list[TriageChoiceOut] = Field(..., description="Procedures to choose from when none is named.")
    emergency: EmergencyOut
    language: dict[str, Any] = Field(
        ...,
        description="{code, from (given, detected or fallback), supported, note}: how the text's language was chosen.",
    )


class TriageOut(Schema):
    specialties: list[TriageSpecialtyOut] = Field(
        ..., description="Specialties the words point to (score > 0), best first; empty when there is no evidence."
    )
    procedures: list[TriageProcedureOut] = Field(..., description="Candidate procedures, best first; may be empty.")
    notice: str = Field(..., description="Says that this routes to a specialty and is not a diagnosis.")
    confident: bool = Field(..., description="False when the text names no condition or the scores are low.")
    emergency: EmergencyOut = Field(..., description="Emergency warning signs: when detected, show its message first.")
    answer: TriageAnswerOut = Field(..., description="What to tell the person and the next step.")


# --- search and compare -------------------------------------------------------------------------
# There is deliberately no paid, sponsored, promoted or featured field anywhere in these shapes:
# the order is the patient's weighted score and nothing else (tested).


class SearchIn(Schema):
    procedure: str = Field("", max_length=80, description="Procedure slug, e.g. knee-replacement.")
    q: str = Field(
        "",
        max_length=TRIAGE_TEXT_MAX,
        description="Free text routed through triage when no procedure is given (or shown beside it).",
    )
    origin: str = Field("", pattern=r"^([A-Za-z]{2})?$", description="Your country, ISO 3166-1 alpha-2.")
    origin_city: str = Field("", max_length=100, description="Your city (its main airport is used).")
    origin_airport: str = Field("", pattern=r"^([A-Za-z0-9]{3,4})?$", description="Your airport, IATA code.")
    passport: str = Field("", pattern=r"^([A-Za-z]{2})?$", description="Passport country; default: origin.")
    destination: str = Field("", pattern=r"^([A-Za-z]{2})?$", description="Only hospitals in this country.")
    currency: str = Field("USD", pattern=r"^[A-Za-z]{3}$", description="Your currency (ISO 4217) for totals.")
    budget: Decimal | None = Field(
        None,
        gt=0,
        max_digits=14,
        decimal_places=2,
        description="In `currency`.",
        json_schema_extra=decimal_limits(14, 2),
    )
    travel_from: datetime.date | None = Field(None, description="Travel window start (YYYY-MM-DD).")
    travel_to: datetime.date | None = Field(None, description="Travel window end (YYYY-MM-DD).")
    language: str = Field("", pattern=r"^([A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*)?$", description="BCP 47 tag.")
    accreditation: list[str] = Field(
        default_factory=list, description="Accreditation body codes (JCI, NABH, NABH_DENTAL); any of them."
    )
    max_flight_hours: Decimal | None = Field(
        None, ge=MIN_FLIGHT_HOURS, le=MAX_FLIGHT_HOURS, description="Longest one-way flight, hours."
    )
    companion: bool = Field(False, description="A companion travels with you (their flights are added).")
    w_cost: int = Field(4, ge=0, le=10, description="Weight of the trip total (0–10).")
    w_wait: int = Field(2, ge=0, le=10, description="Weight of the waiting time (0–10).")
    w_travel: int = Field(2, ge=0, le=10, description="Weight of the flight time (0–10).")
    w_quality: int = Field(2, ge=0, le=10, description="Weight of the quality signals (0–10).")
    limit: int = Field(PAGE_DEFAULT_LIMIT, ge=1, le=PAGE_MAX_LIMIT, description="Results per page.")
    offset: int = Field(0, ge=0, le=PAGE_MAX_OFFSET, description="Results to skip.")


class CompareIn(SearchIn):
    offers: list[UUID] = Field(..., description="1 to 4 offer ids (from search results), in the order to show.")


class AccreditationBrief(Document):
    body: str
    body_name: str
    number: str
    level: str
    valid_from: datetime.date
    valid_to: datetime.date
    status: str = Field(description="current, expired or not_yet_valid (only current ones qualify).")
    verification_status: str
    is_demo: bool

    @classmethod
    def of(cls, a: "AccreditationInfo", today: datetime.date) -> "AccreditationBrief":
        return cls(
            body=a.body,
            body_name=a.body_name,
            number=a.number,
            level=a.level,
            valid_from=a.valid_from,
            valid_to=a.valid_to,
            status=a.validity_on(today),
            verification_status=a.verification_status,
            is_demo=a.is_demo,
        )


class AirportBrief(Document):
    code: str
    name: str | None
    distance_km: Decimal | None = Field(description="From the hospital; null when its location is unknown.")


class HospitalBrief(Document):
    id: UUID
    name: str
    kind: str
    city: str
    region: str
    country: str
    country_name: str
    is_demo: bool
    accreditations: list[AccreditationBrief]
    verified_doctors: int = Field(description="Doctors of the procedure's specialty with a verified, current licence.")
    nearest_airport: AirportBrief | None

    @classmethod
    def of(cls, row: "ResultRow", today: datetime.date) -> "HospitalBrief":
        c = row.cand
        airport = (
            AirportBrief(code=c.airport_code, name=c.airport_name, distance_km=c.airport_km) if c.airport_code else None
        )
        return cls(
            id=c.hospital_id,
            name=c.name,
            kind=c.kind,
            city=c.city,
            region=c.region,
            country=c.country,
            country_name=c.country_name,
            is_demo=c.hospital_is_demo,
            accreditations=[AccreditationBrief.of(a, today) for a in row.details.accreditations],
            verified_doctors=c.verified_doctors,
            nearest_airport=airport,
        )


class OfferBrief(Document):
    id: UUID
    procedure: str
    currency: str
    price_min: Decimal
    price_max: Decimal
    price_point: Decimal = Field(description="The point of the range the estimate uses.")
    price_point_method: str = Field(description="'midpoint' of price_min and price_max.")
    inclusions: dict[str, bool]
    wait_days: int | None
    source_kind: str
    source: str
    as_of: datetime.date
    is_demo: bool

    @classmethod
    def of(cls, row: "ResultRow", procedure_slug: str) -> "OfferBrief":
        c = row.cand
        price_point = row.estimate.line("procedure").amount
        if price_point is None:  # an offer always has a price range, so its procedure line is known
            raise ValueError(f"offer {c.offer_id}: no price point")
        return cls(
            id=c.offer_id,
            procedure=procedure_slug,
            currency=c.currency,
            price_min=c.price_min,
            price_max=c.price_max,
            price_point=price_point,
            price_point_method="midpoint",
            inclusions=c.inclusions,
            wait_days=c.wait_days,
            source_kind=c.source_kind,
            source=c.source_note,
            as_of=c.as_of,
            is_demo=c.offer_is_demo,
        )


class TripLineOut(Document):
    key: str = Field(description="procedure, hospital_nights, lodging, flights, visa or companion (always this order).")
    label: str
    status: str = Field(description="known, included (0, in the offer price), unknown, or not_applicable.")
    amount: Decimal | None = Field(description="In `currency`; null when unknown.")
    currency: str
    converted: Decimal | None = Field(description="In the patient's currency; null when unknown or no ECB rate.")
    fx_date: datetime.date | None = Field(description="Date of the ECB rate used to convert, if converted.")
    source: str
    as_of: datetime.date | None
    method: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, line: "TripLine") -> "TripLineOut":
        return cls.model_validate(line)  # TripLine's fields have these names


class PriceExcludesOut(Document):
    item: str = Field(description="A standard price item id (implant, icu, physiotherapy, ...).")
    what: str = Field(description="How the page names it, e.g. 'the implant (knee prosthesis)'.")
    reason: str = Field(description="Why the procedure needs it, in plain words.")
    source: str
    source_url: str
    checked: datetime.date

    @classmethod
    def of(cls, item: "NeededItem") -> "PriceExcludesOut":
        return cls.model_validate(item)  # NeededItem's fields have these names


class TripEstimateOut(Document):
    currency: str
    total: Decimal = Field(description="Sum of the converted known lines.")
    complete: bool = Field(
        description="False when a line is left out or the offer's price excludes something the procedure needs."
    )
    leaves_out: list[str] = Field(description="Lines whose amount is unknown or could not be converted.")
    price_excludes: list[PriceExcludesOut] = Field(
        description="Items the procedure needs that the offer's price leaves out (ask the hospital). Such a total "
        "is not comparable on cost: ranking scores it 0 on cost."
    )
    not_included: list[str] = Field(description="Costs the estimate never includes.")
    fx_date: datetime.date | None
    fx_source: str
    lines: list[TripLineOut]

    @classmethod
    def of(cls, est: "TripEstimate") -> "TripEstimateOut":
        return cls(
            currency=est.currency,
            total=est.total,
            complete=est.complete,
            leaves_out=list(est.leaves_out),
            price_excludes=[PriceExcludesOut.of(n) for n in est.price_missing],
            not_included=list(NOT_INCLUDED),
            fx_date=est.fx_date,
            fx_source=FX_SOURCE,
            lines=[TripLineOut.of(line) for line in est.lines],
        )


class ReferenceOut(Document):
    country: str
    city: str
    dataset: str
    currency: str
    price: Decimal
    price_method: str
    converted: Decimal | None
    fx_date: datetime.date | None
    price_type: str
    data_year: str
    source: str
    source_url: str
    other_figures: int = Field(description="Other published figures for the country (the lowest is used).")


class SavingsOut(Document):
    status: str = Field(description="saving, costs_more, no_reference or unknown.")
    amount: Decimal | None = Field(description="Reference minus trip total, in the patient's currency.")
    currency: str
    explanation: str
    reference: ReferenceOut | None

    @classmethod
    def of(cls, savings: "Savings") -> "SavingsOut":
        ref = savings.reference
        reference = (
            ReferenceOut(
                country=ref.country,
                city=ref.city,
                dataset=ref.dataset,
                currency=ref.currency,
                price=ref.value,
                price_method=ref.value_method,
                converted=savings.reference_converted,
                fx_date=savings.fx_date,
                price_type=ref.price_type,
                data_year=ref.data_year,
                source=ref.source,
                source_url=ref.source_url,
                other_figures=savings.others,
            )
            if ref
            else None
        )
        return cls(
            status=savings.status,
            amount=savings.amount,
            currency=savings.currency,
            explanation=savings.explanation,
            reference=reference,
        )


class TripVisaOut(Document):  # not VisaOut: OpenAPI names components by class (catalog has one)
    passport: str | None
    passport_assumed: bool = Field(description="True when no passport was given and the origin country was assumed.")
    destination: str
    requirement: str
    label: str
    days_allowed: int | None = None
    data_date: datetime.date | None = None
    source: str = ""
    source_url: str = ""
    explanation: str

    @classmethod
    def of(cls, row: "ResultRow", ctx: "TripContext") -> "TripVisaOut":
        country = row.cand.country
        rule = ctx.visas.get(country)
        same = bool(ctx.passport) and ctx.passport == country
        if same or rule is None:
            requirement, label = (
                ("same_country", _("same country (no visa needed)")) if same else ("unknown", _("unknown"))
            )
            rule = None
        else:
            requirement, label = rule.requirement, rule.label
        return cls(
            passport=ctx.passport,
            passport_assumed=ctx.passport_assumed,
            destination=country,
            requirement=requirement,
            label=label,
            days_allowed=rule.days_allowed if rule else None,
            data_date=rule.data_date if rule else None,
            source=rule.source if rule else "",
            source_url=rule.source_url if rule else "",
            explanation=row.estimate.line("visa").method,
        )


class TravelOut(Document):
    origin_airport: str | None
    destination_airport: str | None
    distance_km: float | None
    flight_hours: float | None = Field(description="One way, direct.")
    method: str

    @classmethod
    def of(cls, est: "TripEstimate") -> "TravelOut":
        travel = est.travel
        return cls(
            origin_airport=travel.origin.code if travel.origin else None,
            destination_airport=travel.destination_code,
            distance_km=travel.distance_km,
            flight_hours=travel.flight_hours,
            method=travel.method,
        )


class TripStayOut(Document):  # not StayOut: OpenAPI names components by class name (catalog has one)
    inpatient_nights: int | None
    lodging_nights: int | None
    days_away: int | None
    method: str
    source: str

    @classmethod
    def of(cls, est: "TripEstimate", ctx: "TripContext") -> "TripStayOut":
        stay = est.stay
        return cls(
            inpatient_nights=stay.inpatient_nights,
            lodging_nights=stay.lodging_nights,
            days_away=stay.days_away,
            method=stay_text(ctx, stay),
            source=ctx.procedure.stay_source,
        )


class WaitOut(Document):
    wait_days: int | None
    earliest_start: datetime.date
    return_by: datetime.date | None
    fits_travel_window: bool | None = Field(validation_alias=AliasChoices("fits_travel_window", "fits"))
    explanation: str

    @classmethod
    def of(cls, window: "WindowFit") -> "WaitOut":
        return cls.model_validate(window)  # WindowFit's names (``fits`` for fits_travel_window)


class TermOut(Document):
    name: str = Field(description="cost, wait, travel or quality.")
    label: str
    weight: float = Field(description="The patient's weight divided by the sum of the weights.")
    raw: float | None = Field(description="The figure before normalisation; null when unknown (scores 0).")
    value: float = Field(description="Normalised over the results, 0–1.")
    contribution: float = Field(description="weight × value.")
    explanation: str

    @classmethod
    def of(cls, term: "Term") -> "TermOut":
        return cls(
            name=term.name,
            label=term.label,
            weight=round(term.weight, 4),
            raw=term.raw,
            value=round(term.value, 4),
            contribution=round(term.contribution, 4),
            explanation=term.explanation,
        )


class ScoreOut(Document):
    total: float = Field(description="Σ weight × value.")
    terms: list[TermOut]

    @classmethod
    def of(cls, score: "Score") -> "ScoreOut":
        return cls(total=round(score.total, 4), terms=[TermOut.of(t) for t in score.terms])


class ResultOut(Document):
    rank: int
    is_demo: bool
    hospital: HospitalBrief
    offer: OfferBrief
    trip_estimate: TripEstimateOut
    savings: SavingsOut
    visa: TripVisaOut
    travel: TravelOut
    stay: TripStayOut
    wait: WaitOut
    wait_days: int | None
    languages: list[str]
    score: ScoreOut

    @classmethod
    def fields_of(cls, row: "ResultRow", ctx: "TripContext") -> dict[str, Any]:
        """The fields of one result (a compare item adds its doctors)."""
        est = row.estimate
        return {
            "rank": row.rank,
            "is_demo": row.cand.is_demo,
            "hospital": HospitalBrief.of(row, ctx.today),
            "offer": OfferBrief.of(row, ctx.procedure.slug),
            "trip_estimate": TripEstimateOut.of(est),
            "savings": SavingsOut.of(row.savings),
            "visa": TripVisaOut.of(row, ctx),
            "travel": TravelOut.of(est),
            "stay": TripStayOut.of(est, ctx),
            "wait": WaitOut.of(row.window),
            "wait_days": row.cand.wait_days,
            "languages": row.languages,
            "score": ScoreOut.of(row.score),
        }

    @classmethod
    def of(cls, row: "ResultRow", ctx: "TripContext") -> "ResultOut":
        return cls(**cls.fields_of(row, ctx))


class ExclusionOut(Document):
    filter: str
    label: str
    excluded: int = Field(description="Results this filter removes (a result failing two filters counts in both).")
    note: str

    @classmethod
    def of(cls, e: "Exclusion") -> "ExclusionOut":
        return cls.model_validate(e)  # Exclusion's fields have these names


class RoutingOut(Document):
    text: str
    procedure: str | None = Field(description="The procedure searched; null when the text matched none.")
    chosen_by: str = Field(description="triage, or patient when a procedure was given.")
    triage: dict[str, Any] = Field(description="The triage result (specialties, procedures, notice, confident).")
    answer: TriageAnswerOut | None = Field(
        None, description="What to tell the person: an emergency first, could-not-tell, or the choices."
    )

    @classmethod
    def of(cls, query: "SearchQuery") -> "RoutingOut | None":
        r = query.routing
        if r is None:
            return None
        return cls(
            text=r.text,
            procedure=r.chosen,
            chosen_by=r.chosen_by,
            triage=asdict(r.result),
            answer=TriageAnswerOut.model_validate(r.answer.as_dict()) if r.answer else None,
        )


class ProcedureBrief(Document):
    slug: str
    name: str
    specialty: str
    inpatient_nights: int | None
    total_days: int | None
    min_days_before_flying: int | None
    stay_source: str

    @classmethod
    def of(cls, query: "SearchQuery") -> "ProcedureBrief | None":
        return None if query.procedure is None else cls.model_validate(query.procedure)  # the same names


class OriginOut(Document):
    country: str | None
    airport: str | None
    airport_name: str | None
    basis: str | None

    @classmethod
    def of(cls, query: "SearchQuery") -> "OriginOut":
        origin = query.origin
        return cls(
            country=query.origin_country,
            airport=origin.code if origin else None,
            airport_name=origin.name if origin else None,
            basis=origin.basis if origin else None,
        )


class WeightsOut(Document):
    cost: int
    wait: int
    travel: int
    quality: int
    effective: dict[str, float]

    @classmethod
    def of(cls, query: "SearchQuery") -> "WeightsOut":
        return cls(**query.weights.raw(), effective=query.weights.effective())


class SearchOut(Document):
    items: list[ResultOut]
    count: int = Field(description="Results after the filters.")
    candidates: int = Field(description="Offers for the procedure in the network, before the filters.")
    excluded: list[ExclusionOut]
    excluded_total: int
    without_price: int | None = Field(
        description="When nothing is found: accredited hospitals in the network without a price for the procedure."
    )
    message: str
    emergency: EmergencyOut = Field(
        description="When detected, the free text may describe an emergency: nothing is searched."
    )
    procedure: ProcedureBrief | None
    routing: RoutingOut | None
    origin: OriginOut
    currency: str
    weights: WeightsOut
    ranking: str = Field(description="How the score is computed.")

    @classmethod
    def of(cls, result: "SearchResult", query: "SearchQuery", emergency: dict[str, Any] | None) -> "SearchOut":
        """``emergency``: the localised emergency answer (nothing is searched then), or None."""
        ctx = result.ctx
        return cls(
            items=[ResultOut.of(row, ctx) for row in result.rows] if ctx else [],
            count=result.count,
            candidates=result.candidates,
            excluded=[ExclusionOut.of(e) for e in result.exclusions],
            excluded_total=result.excluded_total,
            without_price=result.without_price,
            message=emergency["message"] if emergency else result.message,
            emergency=EmergencyOut.model_validate(emergency or {"detected": False}),
            procedure=ProcedureBrief.of(query),
            routing=RoutingOut.of(query),
            origin=OriginOut.of(query),
            currency=query.currency,
            weights=WeightsOut.of(query),
            ranking=RANKING_SUMMARY,
        )


class DoctorBrief(Document):
    id: UUID = Field(validation_alias=AliasChoices("id", "public_id"))
    full_name: str
    specialties: list[str]
    languages: list[str]
    licence_verified: bool = Field(
        description="A licence verified by the network's quality lead and current today.",
        validation_alias=AliasChoices("licence_verified", "verified"),
    )
    is_demo: bool

    @classmethod
    def of(cls, d: "DoctorInfo") -> "DoctorBrief":
        return cls.model_validate(d)  # DoctorInfo's names (``public_id``, ``verified``)


class CompareItemOut(ResultOut):
    doctors: list[DoctorBrief]

    @classmethod
    def of(cls, row: "ResultRow", ctx: "TripContext") -> "CompareItemOut":
        return cls(**cls.fields_of(row, ctx), doctors=[DoctorBrief.of(d) for d in row.details.doctors])


class CompareOut(Document):
    items: list[CompareItemOut]
    line_keys: list[str] = Field(description="The trip lines, in the order every item lists them.")
    procedure: ProcedureBrief
    origin: OriginOut
    currency: str
    weights: WeightsOut

    @classmethod
    def of(cls, result: "CompareResult", query: "SearchQuery") -> "CompareOut":
        procedure = ProcedureBrief.of(query)
        if procedure is None:  # the API answers 422 before comparing without a procedure
            raise ValueError("compare needs a procedure")
        return cls(
            items=[CompareItemOut.of(row, result.ctx) for row in result.rows],
            line_keys=list(result.line_keys),
            procedure=procedure,
            origin=OriginOut.of(query),
            currency=query.currency,
            weights=WeightsOut.of(query),
        )
