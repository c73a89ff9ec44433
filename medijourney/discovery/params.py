"""The search parameters, shared by the search page (a Django form) and GET /api/v1/search (a
pydantic schema): both hand their typed values to :func:`resolve_search`, which checks them
against the catalogue (countries, airports, currencies, languages, accreditation bodies, the
procedure, the travel window) and answers a :class:`SearchQuery` or the errors by field name."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from medijourney.catalog.airports import AirportFacts

from . import reference
from .estimate import OriginAirport, ProcedureStay
from .triage import TriageResult
from .triage_answer import TriageAnswer, answer_text

WEIGHT_MAX = 10
DEFAULT_WEIGHTS = {"cost": 4, "wait": 2, "travel": 2, "quality": 2}
TERM_NAMES = ("cost", "wait", "travel", "quality")
TERM_LABELS = {
    "cost": "Cost",
    "wait": "Waiting time",
    "travel": "Travel",
    "quality": "Quality signals",
}
WINDOW_MAX_DAYS = 730
# The one range of the longest-flight filter: the page's form, the API schema and this check.
MIN_FLIGHT_HOURS = Decimal("0.5")
MAX_FLIGHT_HOURS = Decimal(48)


@dataclass(frozen=True)
class Weights:
    cost: int = DEFAULT_WEIGHTS["cost"]
    wait: int = DEFAULT_WEIGHTS["wait"]
    travel: int = DEFAULT_WEIGHTS["travel"]
    quality: int = DEFAULT_WEIGHTS["quality"]

    def raw(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in TERM_NAMES}

    def effective(self) -> dict[str, float]:
        """Each weight as a share of their sum (they add up to 1)."""
        raw = self.raw()
        total = sum(raw.values())
        return {name: (value / total if total else 0.0) for name, value in raw.items()}

    def is_default(self) -> bool:
        return self.raw() == DEFAULT_WEIGHTS


@dataclass(frozen=True)
class RawSearch:
    """Typed values as a form or a schema cleaned them (no database checks yet)."""

    procedure: str = ""
    q: str = ""
    origin: str = ""
    origin_city: str = ""
    origin_airport: str = ""
    passport: str = ""
    destination: str = ""
    currency: str = "USD"
    budget: Decimal | None = None
    travel_from: datetime.date | None = None
    travel_to: datetime.date | None = None
    language: str = ""
    accreditation: tuple[str, ...] = ()
    max_flight_hours: Decimal | None = None
    companion: bool = False
    weights: Weights = field(default_factory=Weights)


@dataclass(frozen=True)
class Routing:
    """How free text was routed (triage) and which procedure the search used."""

    text: str
    result: TriageResult
    chosen: str | None  # the procedure slug searched, or None when nothing matched
    chosen_by: str  # "triage" or "patient"
    alternatives: tuple[tuple[str, str], ...] = ()  # other candidate procedures in the catalogue: (slug, name)
    answer: TriageAnswer | None = None  # what the person is told (emergency, could not tell, choices)


@dataclass(frozen=True)
class SearchQuery:
    raw: RawSearch
    procedure: ProcedureStay | None
    procedure_pk: int | None
    routing: Routing | None
    origin_country: str | None
    origin_country_name: str
    origin: OriginAirport | None
    passport: str | None
    passport_assumed: bool
    destination: str | None
    currency: str
    budget: Decimal | None
    travel_from: datetime.date | None
    travel_to: datetime.date | None
    language: str | None
    bodies: tuple[str, ...]
    max_flight_hours: Decimal | None
    companion: bool
    weights: Weights
    today: datetime.date
    snapshot: reference.Snapshot = field(repr=False, compare=False)

    def context_params(self) -> dict[str, Any]:
        """The search context as GET parameters (for compare links and shareable URLs)."""
        r = self.raw
        params: dict[str, Any] = {
            "procedure": self.procedure.slug if self.procedure else r.procedure,
            "q": r.q,
            "origin": r.origin,
            "origin_city": r.origin_city,
            "origin_airport": r.origin_airport,
            "passport": r.passport,
            "destination": r.destination,
            "currency": r.currency,
            "budget": r.budget,
            "travel_from": r.travel_from,
            "travel_to": r.travel_to,
            "language": r.language,
            "accreditation": list(r.accreditation),
            "max_flight_hours": r.max_flight_hours,
            "companion": "1" if r.companion else "",
            "w_cost": r.weights.cost,
            "w_wait": r.weights.wait,
            "w_travel": r.weights.travel,
            "w_quality": r.weights.quality,
        }
        return {k: v for k, v in params.items() if v not in (None, "", [])}

    def context_pairs(self) -> list[tuple[str, Any]]:
        """The same as (name, value) pairs, a list parameter repeated (for hidden form fields)."""
        pairs: list[tuple[str, Any]] = []
        for name, value in self.context_params().items():
            if isinstance(value, list):
                pairs.extend((name, v) for v in value)
            else:
                pairs.append((name, value))
        return pairs


def ambiguous_city_message(city: str, country: str, choices: Sequence[AirportFacts]) -> str:
    """'More than one place called Springfield …: choose your airport' (never a silent guess)."""
    listed = get_text_list([f"{a.name} ({a.code})" for a in choices], _("or"))
    return _(
        "More than one place called %(city)s in %(country)s has an airport: %(choices)s. Type the code of the "
        "one you fly from in “Or airport code”, e.g. %(code)s."
    ) % {"city": city, "country": country, "choices": listed, "code": choices[0].code}


class SearchParamErrors(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


MAX_ALTERNATIVES = 12


def _route(raw: RawSearch, ref: reference.Snapshot, procedure: ProcedureStay | None) -> Routing:
    """Free text through triage: a procedure is searched only when the words name it (or the
    person chose one); otherwise the specialty's procedures are offered to choose from."""
    answer = answer_text(raw.q, country=raw.origin or None, known=ref.procedures)
    if answer.emergency is not None:
        chosen = None
    elif procedure is not None:
        chosen = procedure.slug
    else:
        chosen = answer.procedure.slug if answer.procedure else None
    alternatives = tuple((c.slug, c.name) for c in answer.choices if c.slug != chosen)[:MAX_ALTERNATIVES]
    if answer.procedure and answer.procedure.slug != chosen and answer.emergency is None:
        alternatives = ((answer.procedure.slug, answer.procedure.name), *alternatives)
    return Routing(raw.q.strip(), answer.result, chosen, "patient" if procedure else "triage", alternatives, answer)


Errors = dict[str, str]


def _resolve_procedure(
    raw: RawSearch, ref: reference.Snapshot, errors: Errors, *, require_procedure: bool
) -> tuple[ProcedureStay | None, int | None, Routing | None]:
    """What to search for: a procedure slug, or free text routed through triage."""
    procedure: ProcedureStay | None = None
    procedure_pk: int | None = None
    if raw.procedure:
        found = ref.procedures.get(raw.procedure)
        if found is None:
            errors["procedure"] = _("Unknown procedure %(slug)r: pick one from the list.") % {"slug": raw.procedure}
        else:
            procedure, procedure_pk = found
    if not raw.q.strip():
        if not raw.procedure and require_procedure:
            errors["procedure"] = _("Choose a procedure, or describe the problem in your own words.")
        return procedure, procedure_pk, None
    routing = _route(raw, ref, procedure)
    if routing.answer is not None and routing.answer.emergency is not None:
        return None, None, routing  # never search treatments for an emergency text
    if procedure is None and routing.chosen and "procedure" not in errors:
        found = ref.procedures.get(routing.chosen)
        if found is not None:
            procedure, procedure_pk = found
    return procedure, procedure_pk, routing


def _check_countries(raw: RawSearch, ref: reference.Snapshot, errors: Errors) -> None:
    for name in ("origin", "passport", "destination"):
        value = getattr(raw, name)
        if value and value not in ref.countries:
            errors[name] = _("Unknown country code %(code)r: use ISO 3166-1 alpha-2, e.g. GB.") % {"code": value}


def _origin_airport(raw: RawSearch, ref: reference.Snapshot, errors: Errors) -> tuple[str | None, OriginAirport | None]:
    """The country of origin and, when an airport code was given, that airport."""
    origin_country = raw.origin or None
    if not raw.origin_airport:
        return origin_country, None
    airport = ref.airport_by_code(raw.origin_airport)
    if airport is None:
        errors["origin_airport"] = _("No airport with the code %(code)r in our data.") % {"code": raw.origin_airport}
    elif origin_country and airport.country != origin_country:
        errors["origin_airport"] = _("%(code)s is in %(country)s, not in the country of origin chosen.") % {
            "code": raw.origin_airport,
            "country": ref.countries.get(airport.country, airport.country),
        }
    else:
        return airport.country, airport
    return origin_country, None


def _origin_from_city(
    raw: RawSearch, ref: reference.Snapshot, origin_country: str, errors: Errors
) -> OriginAirport | None:
    """The airport serving the city of origin, else the country's main airport (saying so)."""
    city = raw.origin_city.strip()
    origin = None
    if raw.origin_city:
        serving = ref.city_airport(origin_country, city)
        if serving.ambiguous:
            errors["origin_city"] = ambiguous_city_message(
                city, ref.countries.get(origin_country, origin_country), serving.choices
            )
        origin = ref.airport_in_city(origin_country, city)
    if origin is not None or "origin_city" in errors:
        return origin
    origin = ref.country_airport(origin_country)
    if origin is not None and raw.origin_city:
        origin = OriginAirport(
            **{
                **origin.__dict__,
                "basis": _("%(city)s has no airport in our data; %(basis)s")
                % {"city": raw.origin_city, "basis": origin.basis},
            }
        )
    return origin


def _resolve_origin(raw: RawSearch, ref: reference.Snapshot, errors: Errors) -> tuple[str | None, OriginAirport | None]:
    origin_country, origin = _origin_airport(raw, ref, errors)
    if raw.origin_city and not origin_country:
        errors["origin_city"] = _("Choose your country as well.")
    if origin is None and origin_country and "origin" not in errors and "origin_airport" not in errors:
        origin = _origin_from_city(raw, ref, origin_country, errors)
    return origin_country, origin


def _resolve_currency(raw: RawSearch, ref: reference.Snapshot, errors: Errors) -> str:
    currency = (raw.currency or "USD").upper()
    if currency not in ref.currencies:
        errors["currency"] = _("No ECB exchange rate for %(ccy)s; choose another currency.") % {"ccy": currency}
    return currency


def _check_language(raw: RawSearch, ref: reference.Snapshot, errors: Errors) -> None:
    if (
        raw.language
        and raw.language.lower() not in ref.languages
        and raw.language.split("-")[0].lower() not in ref.languages
    ):
        errors["language"] = _("Unknown language %(tag)r: use a BCP 47 tag such as en, ar or pt-BR.") % {
            "tag": raw.language
        }


def _resolve_bodies(raw: RawSearch, ref: reference.Snapshot, errors: Errors) -> tuple[str, ...]:
    bodies = tuple(dict.fromkeys(b.upper() for b in raw.accreditation if b))
    known = set(ref.bodies)
    unknown = [b for b in bodies if b not in known]
    if unknown:
        errors["accreditation"] = _("Unknown accreditation body: %(codes)s. Use one of %(known)s.") % {
            "codes": ", ".join(unknown),
            "known": ", ".join(sorted(known)),
        }
    return bodies


def _check_window(raw: RawSearch, today: datetime.date, errors: Errors) -> None:
    start, end = raw.travel_from, raw.travel_to
    if start and start < today:
        errors["travel_from"] = _("The travel window cannot start in the past.")
    if start and end and end < start:
        errors["travel_to"] = _("The end of the travel window is before its start.")
    elif end and end < today:
        errors["travel_to"] = _("The travel window cannot end in the past.")
    elif start and end and (end - start).days > WINDOW_MAX_DAYS:
        errors["travel_to"] = _("The travel window can be at most two years long.")


def _check_limits(raw: RawSearch, errors: Errors) -> None:
    if raw.budget is not None and raw.budget <= 0:
        errors["budget"] = _("The budget must be more than 0.")
    if raw.max_flight_hours is not None and not (MIN_FLIGHT_HOURS <= raw.max_flight_hours <= MAX_FLIGHT_HOURS):
        errors["max_flight_hours"] = _("Give a number of hours between %(min)s and %(max)s.") % {
            "min": MIN_FLIGHT_HOURS,
            "max": MAX_FLIGHT_HOURS,
        }


def _check_weights(raw: RawSearch, errors: Errors) -> None:
    w = raw.weights
    bad = False
    for name in TERM_NAMES:
        if not 0 <= getattr(w, name) <= WEIGHT_MAX:
            errors[f"w_{name}"] = _("Weights go from 0 to %(max)d.") % {"max": WEIGHT_MAX}
            bad = True
    if not bad and sum(w.raw().values()) == 0:
        errors["w_cost"] = _("At least one weight must be above 0.")


def resolve_search(raw: RawSearch, *, require_procedure: bool = True) -> SearchQuery:
    """Check ``raw`` against the catalogue. Raises :class:`SearchParamErrors` naming each bad field."""
    errors: Errors = {}
    today = timezone.localdate()
    ref = reference.snapshot()

    procedure, procedure_pk, routing = _resolve_procedure(raw, ref, errors, require_procedure=require_procedure)
    _check_countries(raw, ref, errors)
    origin_country, origin = _resolve_origin(raw, ref, errors)
    currency = _resolve_currency(raw, ref, errors)
    _check_language(raw, ref, errors)
    bodies = _resolve_bodies(raw, ref, errors)
    _check_window(raw, today, errors)
    _check_limits(raw, errors)
    _check_weights(raw, errors)
    if errors:
        raise SearchParamErrors(errors)

    passport = raw.passport or origin_country
    return SearchQuery(
        raw=raw,
        procedure=procedure,
        procedure_pk=procedure_pk,
        routing=routing,
        origin_country=origin_country,
        origin_country_name=ref.countries.get(origin_country or "", origin_country or ""),
        origin=origin,
        passport=passport,
        passport_assumed=bool(passport and not raw.passport),
        destination=raw.destination or None,
        currency=currency,
        budget=raw.budget,
        travel_from=raw.travel_from,
        travel_to=raw.travel_to,
        language=raw.language or None,
        bodies=bodies,
        max_flight_hours=raw.max_flight_hours,
        companion=raw.companion,
        weights=raw.weights,
        today=today,
        snapshot=ref,
    )
