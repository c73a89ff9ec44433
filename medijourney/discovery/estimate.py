"""The full trip estimate for one offer and one patient, line by line, and the savings against
the patient's home country.

Every line says what it is, its amount (or that it is unknown and why), its currency, its source,
its as-of date and its method; it is converted to the patient's currency with the ECB rate of the
catalogue (the rate date is shown). A line whose currency has no ECB rate keeps its own amount but
its converted amount is unknown: it is never guessed. The total adds the known converted lines and
lists what it leaves out.

A total is also *incomplete* when the offer's price leaves out an item the procedure needs (the
implant of a joint replacement, the stent of an angioplasty …: ``catalog.needed``). It says so
beside the figure ("Excludes the implant — ask the hospital") and ranking never lets such a price
win on cost (see ``ranking``).

Pure computation: the caller (``selectors``) loads everything from the database first and passes
it in a :class:`TripContext`, so estimating hundreds of offers costs no query."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from medijourney.catalog.needed import NeededItem, excludes_text
from medijourney.catalog.selectors import VisaRequirement
from medijourney.core.dates import day_text
from medijourney.core.formatting import money_text
from medijourney.core.i18n import gettext as _

from . import travel

CENT = Decimal("0.01")

# Line keys, in the order every estimate (and the compare table) shows them.
LINE_KEYS = ("procedure", "hospital_nights", "lodging", "flights", "visa", "companion")
LINE_LABELS = {
    "procedure": "Procedure",
    "hospital_nights": "Hospital nights",
    "lodging": "Lodging until the fit-to-fly date",
    "flights": "Flights (round trip)",
    "visa": "Visa",
    "companion": "Companion",
}
# Costs the estimate never includes (said on every total).
NOT_INCLUDED = ("meals", "local transport", "travel insurance", "follow-up care at home")

KNOWN = "known"  # an amount (possibly 0)
INCLUDED = "included"  # included in the offer price: 0
UNKNOWN = "unknown"  # no amount: the total leaves it out
NOT_APPLICABLE = "not_applicable"  # e.g. no companion: neither counted nor left out

VISA_NO_FEE = {"visa_free", "same_country"}
NO_ADMISSION = "no_admission"


# --- Exchange rates ----------------------------------------------------------------------------


class FxTable:
    """ECB rates (units per EUR) loaded once per request; converts exactly as
    ``catalog.selectors.fx_convert`` does (through EUR, rounded to cents, the older rate's date)."""

    def __init__(self, rates: dict[str, tuple[Decimal, datetime.date]], on: datetime.date) -> None:
        self.rates = rates
        self.on = on

    def has(self, currency: str) -> bool:
        return currency == "EUR" or currency in self.rates

    def convert(self, amount: Decimal, src: str, dst: str) -> tuple[Decimal, datetime.date] | None:
        if src == dst:
            return amount.quantize(CENT, ROUND_HALF_UP), self.on
        a = (Decimal(1), self.on) if src == "EUR" else self.rates.get(src)
        b = (Decimal(1), self.on) if dst == "EUR" else self.rates.get(dst)
        if a is None or b is None:
            return None
        dates = [d for (_rate, d), ccy in ((a, src), (b, dst)) if ccy != "EUR"]
        return (amount / a[0] * b[0]).quantize(CENT, ROUND_HALF_UP), min(dates) if dates else self.on


# --- Inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OriginAirport:
    code: str
    name: str
    city: str
    country: str
    latitude: float
    longitude: float
    basis: str  # how it was chosen, in words


@dataclass(frozen=True)
class ProcedureStay:
    slug: str
    name: str
    specialty: str
    inpatient_nights: int | None
    total_days: int | None
    min_days_before_flying: int | None
    stay_source: str
    data_date: datetime.date | None
    fit_to_fly_authority: str
    specialty_name: str = ""
    needed: tuple[NeededItem, ...] = ()  # what a whole price for it includes (catalog.needed)


@dataclass(slots=True)
class Candidate:
    """One offer at one hospital in the network, as the search reads it (flat, no model objects)."""

    offer_pk: int
    offer_id: Any
    currency: str
    price_min: Decimal
    price_max: Decimal
    inclusions: dict[str, bool]
    wait_days: int | None
    source_kind: str
    source_note: str
    as_of: datetime.date
    offer_is_demo: bool
    hospital_pk: int
    hospital_id: Any
    name: str
    city: str
    region: str
    country: str
    country_name: str
    kind: str
    hospital_is_demo: bool
    languages: list[str]
    airport_code: str | None
    airport_name: str | None
    airport_lat: float | None
    airport_lon: float | None
    airport_km: Decimal | None
    airport_basis: str
    n_bodies: int
    verified_doctors: int
    language_match: bool | None = None
    body_match: bool | None = None

    @property
    def is_demo(self) -> bool:
        return self.offer_is_demo or self.hospital_is_demo


def price_missing(procedure: ProcedureStay, cand: Candidate) -> tuple[NeededItem, ...]:
    """The items the procedure needs that the offer's price does not include."""
    return tuple(n for n in procedure.needed if not cand.inclusions.get(n.item))


@dataclass
class TripContext:
    today: datetime.date
    currency: str
    fx: FxTable
    procedure: ProcedureStay
    origin: OriginAirport | None
    passport: str | None
    passport_assumed: bool
    visas: dict[str, VisaRequirement]
    companion: bool = False
    travel_from: datetime.date | None = None
    travel_to: datetime.date | None = None
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: Any, make: Any) -> Any:
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = make()
            return value


# --- Outputs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TripLine:
    key: str
    label: str
    status: str  # KNOWN, INCLUDED, UNKNOWN or NOT_APPLICABLE
    amount: Decimal | None  # in ``currency``
    currency: str
    converted: Decimal | None  # in the patient's currency; None when unknown or not convertible
    source: str
    as_of: datetime.date | None
    method: str
    fx_date: datetime.date | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def counted(self) -> bool:
        return self.converted is not None and self.status in (KNOWN, INCLUDED)

    @property
    def left_out(self) -> bool:
        return self.status != NOT_APPLICABLE and not self.counted


@dataclass(frozen=True)
class Stay:
    inpatient_nights: int | None
    lodging_nights: int | None
    days_away: int | None
    start: datetime.date  # the earliest start of treatment
    first_lodging_night: datetime.date | None
    raised_for_fit_to_fly: bool = False


@dataclass(frozen=True)
class Travel:
    origin: OriginAirport | None
    destination_code: str | None
    destination_name: str | None
    distance_km: float | None
    flight_hours: float | None

    @property
    def method(self) -> str:
        if self.destination_code is None:
            return _("The hospital's nearest airport is not known.")
        if self.origin is None:
            return _("Give your country, city or airport.")
        return _("From %(origin)s (%(basis)s) to %(dest)s: %(method)s.") % {
            "origin": self.origin.code,
            "basis": self.origin.basis,
            "dest": self.destination_code,
            "method": travel.FLIGHT_TIME_METHOD,
        }


@dataclass(frozen=True, slots=True)
class Part:
    """The numbers of one line (no text): status, amount in its currency, converted amount."""

    status: str
    amount: Decimal | None
    currency: str
    converted: Decimal | None = None
    fx_date: datetime.date | None = None

    @property
    def counted(self) -> bool:
        return self.converted is not None and self.status in (KNOWN, INCLUDED)

    @property
    def left_out(self) -> bool:
        return self.status != NOT_APPLICABLE and not self.counted


@dataclass(frozen=True, slots=True)
class TripTotals:
    """What ranking and filtering need, without the texts: the same numbers as the full estimate."""

    total: Decimal
    complete: bool  # no line left out and nothing the procedure needs missing from the price
    procedure_known: bool  # the offer's price could be converted to the patient's currency
    flight_hours: float | None
    stay: Stay
    travel: Travel
    price_missing: tuple[NeededItem, ...] = ()

    @property
    def price_complete(self) -> bool:
        """The offer's price includes everything the procedure needs (comparable on cost)."""
        return not self.price_missing


@dataclass(frozen=True)
class TripEstimate:
    currency: str
    lines: tuple[TripLine, ...]
    total: Decimal
    complete: bool  # no line left out and nothing the procedure needs missing from the price
    leaves_out: tuple[str, ...]  # labels of the lines the total leaves out
    fx_date: datetime.date | None
    stay: Stay
    travel: Travel
    price_missing: tuple[NeededItem, ...] = ()

    def line(self, key: str) -> TripLine:
        return next(line for line in self.lines if line.key == key)

    @property
    def price_complete(self) -> bool:
        return not self.price_missing

    @property
    def excludes(self) -> str:
        """ "Excludes the implant (knee prosthesis) — ask the hospital." ("" when the price is whole)."""
        return excludes_text(self.price_missing)

    @property
    def missing_words(self) -> list[str]:
        """Everything the total lacks, in words: needed items first, then lines left out."""
        return [n.what for n in self.price_missing] + [label.lower() for label in self.leaves_out]


def money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return _("unknown")
    return money_text(amount, currency)


def _part(ctx: TripContext, status: str, amount: Decimal | None, currency: str) -> Part:
    """Convert a line's amount to the patient's currency (None when the ECB has no rate)."""
    if amount is None or status not in (KNOWN, INCLUDED):
        return Part(status, amount, currency)
    amount = amount.quantize(CENT, ROUND_HALF_UP)
    found = ctx.fx.convert(amount, currency, ctx.currency)
    if found is None:
        return Part(status, amount, currency)
    converted, fx_date = found
    return Part(status, amount, currency, converted, fx_date if currency != ctx.currency else None)


def _line(
    ctx: TripContext,
    key: str,
    part: Part,
    *,
    source: str,
    as_of: datetime.date | None,
    method: str,
    detail: dict[str, Any] | None = None,
) -> TripLine:
    if part.amount is not None and part.status in (KNOWN, INCLUDED) and part.converted is None:
        missing = part.currency if not ctx.fx.has(part.currency) else ctx.currency
        method = f"{method} " + _("No ECB exchange rate for %(ccy)s, so it is not converted.") % {"ccy": missing}
    return TripLine(
        key=key,
        label=LINE_LABELS[key],
        status=part.status,
        amount=part.amount,
        currency=part.currency,
        converted=part.converted,
        source=source,
        as_of=as_of,
        method=method.strip(),
        fx_date=part.fx_date,
        detail=detail or {},
    )


# --- Stay and travel -----------------------------------------------------------------------------


def treatment_start(ctx: TripContext, wait_days: int | None) -> datetime.date:
    """The earliest day treatment can start: after the hospital's waiting time and not before the
    patient's travel window opens."""
    start = ctx.today + datetime.timedelta(days=wait_days or 0)
    if ctx.travel_from and ctx.travel_from > start:
        start = ctx.travel_from
    return start


def stay_for(ctx: TripContext, wait_days: int | None) -> Stay:
    """Nights at the destination: lodging nights = typical total days − nights in hospital, raised
    when needed so the flight home is no earlier than the fit-to-fly interval allows."""

    def make() -> Stay:
        p = ctx.procedure
        start = treatment_start(ctx, wait_days)
        if p.inpatient_nights is None or p.total_days is None:
            return Stay(p.inpatient_nights, None, None, start, None)
        nights = max(p.total_days - p.inpatient_nights, 0)
        raised = False
        if p.min_days_before_flying is not None:
            needed = max(p.min_days_before_flying - p.inpatient_nights, 0)
            if needed > nights:
                nights, raised = needed, True
        return Stay(
            p.inpatient_nights,
            nights,
            p.inpatient_nights + nights + 1,
            start,
            start + datetime.timedelta(days=p.inpatient_nights),
            raised,
        )

    return ctx.memo(("stay", wait_days), make)


def stay_text(ctx: TripContext, stay: Stay) -> str:
    def make() -> str:
        p = ctx.procedure
        if stay.lodging_nights is None or p.total_days is None or p.inpatient_nights is None:
            return _("The typical stay for this procedure is not known.")
        base = max(p.total_days - p.inpatient_nights, 0)
        method = _(
            "%(total)d typical days at the destination − %(inpatient)d nights in hospital = %(base)d nights "
            "(%(source)s)"
        ) % {"total": p.total_days, "inpatient": p.inpatient_nights, "base": base, "source": p.stay_source}
        if p.min_days_before_flying is not None:
            if stay.raised_for_fit_to_fly:
                method += _(
                    "; raised to %(nights)d so the flight home is at least %(days)d days after the procedure "
                    "(%(authority)s)"
                ) % {
                    "nights": stay.lodging_nights,
                    "days": p.min_days_before_flying,
                    "authority": p.fit_to_fly_authority,
                }
            else:
                method += _("; this covers the %(days)d days before flying is considered safe (%(authority)s)") % {
                    "days": p.min_days_before_flying,
                    "authority": p.fit_to_fly_authority,
                }
        else:
            method += _("; no published fit-to-fly interval for this procedure")
        return method

    return ctx.memo(("stay_text", stay.raised_for_fit_to_fly, stay.lodging_nights), make)


def travel_for(ctx: TripContext, cand: Candidate) -> Travel:
    def make() -> Travel:
        origin = ctx.origin
        if cand.airport_code is None or cand.airport_lat is None or cand.airport_lon is None:
            return Travel(origin, None, None, None, None)
        if origin is None:
            return Travel(None, cand.airport_code, cand.airport_name, None, None)
        km = travel.distance_km(origin.latitude, origin.longitude, cand.airport_lat, cand.airport_lon)
        return Travel(origin, cand.airport_code, cand.airport_name, km, travel.flight_hours(km))

    return ctx.memo(("travel", cand.airport_code), make)


# --- The numbers of each line (memoised; no text) ------------------------------------------------


def procedure_point(cand: Candidate) -> Decimal:
    """The point of the offer's range the estimate uses: its midpoint."""
    return ((cand.price_min + cand.price_max) / 2).quantize(CENT, ROUND_HALF_UP)


def _procedure_part(ctx: TripContext, cand: Candidate) -> Part:
    return _part(ctx, KNOWN, procedure_point(cand), cand.currency)


def _nights_part(ctx: TripContext, cand: Candidate) -> Part:
    room = bool(cand.inclusions.get("room_per_night"))

    def make() -> Part:
        nights = ctx.procedure.inpatient_nights
        if nights is None:
            return Part(UNKNOWN, None, cand.currency)
        if nights == 0:
            return _part(ctx, KNOWN, Decimal(0), cand.currency)
        if room:
            return _part(ctx, INCLUDED, Decimal(0), cand.currency)
        return Part(UNKNOWN, None, cand.currency)

    return ctx.memo(("nights", cand.currency, room), make)


@dataclass(frozen=True, slots=True)
class LodgingNumbers:
    part: Part
    reason: str  # "included", "stay_unknown", "none", "no_rate", "rate"
    rate: travel.LodgingRate | None = None
    used: tuple[tuple[Decimal, int], ...] = ()


def _lodging_numbers(ctx: TripContext, cand: Candidate, stay: Stay) -> LodgingNumbers:
    included = bool(cand.inclusions.get("accommodation"))
    rate = travel.lodging_rate(cand.country, cand.city)
    # A rate without seasons costs the same whatever the dates: one computation per place.
    when = stay.first_lodging_night if rate is not None and rate.single_rate is None else None

    def make() -> LodgingNumbers:
        nights = stay.lodging_nights
        if included:
            return LodgingNumbers(_part(ctx, INCLUDED, Decimal(0), "USD"), "included")
        if nights is None or stay.first_lodging_night is None:
            return LodgingNumbers(Part(UNKNOWN, None, "USD"), "stay_unknown")
        if nights == 0:
            return LodgingNumbers(_part(ctx, KNOWN, Decimal(0), "USD"), "none")
        cost = travel.lodging_cost(rate, stay.first_lodging_night, nights) if rate else None
        if rate is None or cost is None:
            return LodgingNumbers(Part(UNKNOWN, None, "USD"), "no_rate", rate)
        amount, used = cost
        return LodgingNumbers(_part(ctx, KNOWN, amount, "USD"), "rate", rate, used)

    key = (
        "lodging",
        cand.country,
        rate.location if rate else cand.city,
        rate is None,
        included,
        when,
        stay.lodging_nights,
    )
    return ctx.memo(key, make)


@dataclass(frozen=True, slots=True)
class FlightNumbers:
    part: Part
    one_way: Decimal | None


def _flight_numbers(ctx: TripContext, cand: Candidate, trip: Travel) -> FlightNumbers:
    def make() -> FlightNumbers:
        if trip.distance_km is None:
            return FlightNumbers(Part(UNKNOWN, None, "USD"), None)
        if trip.distance_km == 0:
            return FlightNumbers(_part(ctx, KNOWN, Decimal(0), "USD"), Decimal(0))
        one_way = travel.sifl_one_way_usd(trip.distance_km)
        return FlightNumbers(_part(ctx, KNOWN, one_way * 2, "USD"), one_way)

    return ctx.memo(("flights", cand.airport_code), make)


def _visa_part(ctx: TripContext, country: str) -> Part:
    def make() -> Part:
        if ctx.passport is None:
            return Part(UNKNOWN, None, "USD")
        if ctx.passport == country:
            return _part(ctx, KNOWN, Decimal(0), "USD")
        rule = ctx.visas.get(country)
        if rule is not None and rule.requirement in VISA_NO_FEE:
            return _part(ctx, KNOWN, Decimal(0), "USD")
        return Part(UNKNOWN, None, "USD")

    return ctx.memo(("visa", country), make)


def _companion_part(ctx: TripContext, flights: Part) -> Part:
    if not ctx.companion:
        return Part(NOT_APPLICABLE, None, ctx.currency)
    if flights.amount is None:
        return Part(UNKNOWN, None, flights.currency)
    return _part(ctx, KNOWN, flights.amount, flights.currency)


def _parts(ctx: TripContext, cand: Candidate) -> tuple[Stay, Travel, tuple[Part, ...], LodgingNumbers, FlightNumbers]:
    stay = stay_for(ctx, cand.wait_days)
    trip = travel_for(ctx, cand)
    lodging = _lodging_numbers(ctx, cand, stay)
    flights = _flight_numbers(ctx, cand, trip)
    parts = (
        _procedure_part(ctx, cand),
        _nights_part(ctx, cand),
        lodging.part,
        flights.part,
        _visa_part(ctx, cand.country),
        _companion_part(ctx, flights.part),
    )
    return stay, trip, parts, lodging, flights


def _sum(parts: Iterable[Part]) -> Decimal:
    return sum((p.converted for p in parts if p.counted and p.converted is not None), Decimal(0))


def trip_totals(ctx: TripContext, cand: Candidate) -> TripTotals:
    """The trip total without building any text: used to filter and rank every candidate."""
    stay, trip, parts, _lodging, _flights = _parts(ctx, cand)
    missing = price_missing(ctx.procedure, cand)
    return TripTotals(
        total=_sum(parts),
        complete=not missing and not any(p.left_out for p in parts),
        procedure_known=parts[0].converted is not None,
        flight_hours=trip.flight_hours,
        stay=stay,
        travel=trip,
        price_missing=missing,
    )


# --- The full estimate: the same numbers with their sources and methods ----------------------------


def _procedure_line(ctx: TripContext, cand: Candidate, part: Part) -> TripLine:
    if cand.price_min == cand.price_max:
        method = _("The offer's price (a single figure).")
    else:
        method = _("Midpoint of the offer's price range %(low)s – %(high)s.") % {
            "low": money(cand.price_min, cand.currency),
            "high": money(cand.price_max, cand.currency),
        }
    source = cand.source_note or cand.source_kind
    if cand.offer_is_demo and "demo" not in source.casefold():
        source = _("Demo data: %(source)s") % {"source": source}
    missing = price_missing(ctx.procedure, cand)
    if missing:
        method += " " + excludes_text(missing)
    return _line(
        ctx,
        "procedure",
        part,
        source=source,
        as_of=cand.as_of,
        method=method,
        detail={
            "price_min": cand.price_min,
            "price_max": cand.price_max,
            "point": "midpoint",
            "excludes": [n.item for n in missing],
        },
    )


def _hospital_nights_line(ctx: TripContext, cand: Candidate, part: Part) -> TripLine:
    nights = ctx.procedure.inpatient_nights
    source = _("Offer checklist (as of %(date)s); typical nights: procedure dataset, %(stay_source)s") % {
        "date": day_text(cand.as_of),
        "stay_source": ctx.procedure.stay_source,
    }
    if nights is None:
        method = _("Unknown: the typical number of nights in hospital is not known.")
    elif nights == 0:
        method = _("Day case: no night in hospital.")
    elif part.status == INCLUDED:
        method = _("%(n)d nights; the hospital room is included in the offer price.") % {"n": nights}
    else:
        method = _("Unknown: %(n)d nights, the room is not included in the offer and no room rate is known.") % {
            "n": nights
        }
    return _line(
        ctx,
        "hospital_nights",
        part,
        source=source,
        as_of=cand.as_of,
        method=method,
        detail={"nights": nights} if nights is not None else {},
    )


def _lodging_line(ctx: TripContext, cand: Candidate, stay: Stay, numbers: LodgingNumbers) -> TripLine:
    nights = stay.lodging_nights
    how = stay_text(ctx, stay)
    reason = numbers.reason
    source, as_of = travel.LODGING_SOURCE, travel.LODGING_PUBLICATION
    detail: dict[str, Any] = {"nights": nights}
    if reason == "included":
        source = _("Offer checklist (as of %(date)s)") % {"date": day_text(cand.as_of)}
        as_of = cand.as_of
        method = _("Accommodation outside the hospital is included in the offer price.")
    elif reason == "stay_unknown":
        method = _("Unknown: %(how)s") % {"how": how}
    elif reason == "none":
        method = _("No night outside hospital: %(how)s.") % {"how": how}
    elif reason == "no_rate":
        method = _("Unknown: no usable State Department lodging rate for %(place)s.") % {
            "place": cand.city or cand.country_name
        }
    else:
        rate = numbers.rate
        assert rate is not None and stay.first_lodging_night is not None
        rate_text = " + ".join(_("%(n)d × USD %(rate)s") % {"n": n, "rate": f"{value:,}"} for value, n in numbers.used)
        where = (
            _("the %(location)s rate") % {"location": rate.location}
            if rate.matched_by == "city"
            else _("the State Department's rate for the rest of %(country)s, as %(city)s has no rate of its own")
            % {"country": cand.country_name, "city": cand.city or _("the city")}
        )
        method = _("%(n)d nights: %(rate)s a night (%(where)s) from %(first)s; nights: %(how)s.") % {
            "n": nights,
            "rate": rate_text,
            "where": where,
            "first": day_text(stay.first_lodging_night),
            "how": how,
        }
        detail |= {"location": rate.location, "matched_by": rate.matched_by}
    return _line(ctx, "lodging", numbers.part, source=source, as_of=as_of, method=method, detail=detail)


def _fare_method(km: float) -> str:
    figures = travel.airfare_figures()
    return _(
        "Round trip = 2 × the SIFL one-way value for %(km)s km (%(miles)s miles): a fixed charge of USD "
        "%(terminal)s plus a rate per mile that falls with distance. SIFL (Standard Industry Fare Level) is a U.S. "
        "government formula, an upper estimate: economy fares are usually well below it (for scale, "
        "%(iata_label)s: USD %(iata)s)."
    ) % {
        "km": f"{km:,.0f}",
        "miles": f"{travel.km_to_miles(km):,.0f}",
        "terminal": figures.sifl.terminal,
        "iata_label": figures.iata_label,
        "iata": figures.iata_avg_return_usd,
    }


def _flights_line(ctx: TripContext, trip: Travel, numbers: FlightNumbers) -> TripLine:
    source = _("%(source)s — an upper estimate") % {"source": travel.SIFL_SOURCE}
    if trip.distance_km is None:
        method = _("Unknown: %(why)s") % {"why": trip.method}
        detail: dict[str, Any] = {}
    elif trip.distance_km == 0:
        method = _("No flight: the hospital's nearest airport is your airport.")
        detail = {"one_way": Decimal(0), "distance_km": 0.0, "estimate": "upper"}
    else:
        method = _fare_method(trip.distance_km)
        detail = {"one_way": numbers.one_way, "distance_km": trip.distance_km, "estimate": "upper"}
    return _line(ctx, "flights", numbers.part, source=source, as_of=travel.SIFL_AS_OF, method=method, detail=detail)


def _visa_line(ctx: TripContext, country: str, part: Part) -> TripLine:
    rule = ctx.visas.get(country)
    assumed = (
        " " + _("(Passport assumed to be from your home country; choose yours to be sure.)")
        if ctx.passport_assumed
        else ""
    )
    if ctx.passport is None:
        return _line(ctx, "visa", part, source="", as_of=None, method=_("Unknown: give your passport country."))
    if ctx.passport == country:
        return _line(
            ctx,
            "visa",
            part,
            source=_("Same country"),
            as_of=None,
            method=_("No visa: the hospital is in your passport's country.") + assumed,
        )
    if rule is None:
        return _line(
            ctx,
            "visa",
            part,
            source=_("Passport Index dataset"),
            as_of=None,
            method=_("Unknown: our visa data has no rule for this passport and destination.") + assumed,
        )
    source = rule.source  # its date is the line's as_of (shown beside it in the one date format)
    detail = {"requirement": rule.requirement}
    if rule.requirement in VISA_NO_FEE:
        days = _(" for up to %(n)d days") % {"n": rule.days_allowed} if rule.days_allowed else ""
        method = _("%(label)s%(days)s: no visa fee.") % {"label": rule.label.capitalize(), "days": days}
    elif rule.requirement == NO_ADMISSION:
        method = _("No admission: our data says this passport is not admitted.")
    else:
        method = _("%(label)s: fee not in our data — check the official site.") % {"label": rule.label.capitalize()}
    return _line(ctx, "visa", part, source=source, as_of=rule.data_date, method=method + assumed, detail=detail)


def _companion_line(ctx: TripContext, part: Part, flights: TripLine) -> TripLine:
    if part.status == NOT_APPLICABLE:
        return _line(ctx, "companion", part, source="", as_of=None, method=_("No companion."))
    note = _(
        "The companion's round-trip flights, estimated as the patient's; they share the patient's room (no extra "
        "lodging); their meals are not included and their visa fee, if any, is as for the patient."
    )
    if part.status == UNKNOWN:
        note = _("Unknown: the flights are unknown.") + " " + note
    return _line(
        ctx, "companion", part, source=flights.source, as_of=flights.as_of, method=note, detail=dict(flights.detail)
    )


def trip_estimate(ctx: TripContext, cand: Candidate) -> TripEstimate:
    """Every line with its amount, source, as-of date and method (for the results shown)."""
    stay, trip, parts, lodging, flight_numbers = _parts(ctx, cand)
    flights = ctx.memo(("flights_line", cand.airport_code), lambda: _flights_line(ctx, trip, flight_numbers))
    lines = (
        _procedure_line(ctx, cand, parts[0]),
        _hospital_nights_line(ctx, cand, parts[1]),
        ctx.memo(
            ("lodging_line", cand.country, cand.city, lodging, stay.first_lodging_night),
            lambda: _lodging_line(ctx, cand, stay, lodging),
        ),
        flights,
        ctx.memo(("visa_line", cand.country), lambda: _visa_line(ctx, cand.country, parts[4])),
        ctx.memo(("companion_line", cand.airport_code), lambda: _companion_line(ctx, parts[5], flights)),
    )
    leaves_out = tuple(line.label for line in lines if line.left_out)
    dates = [line.fx_date for line in lines if line.counted and line.fx_date is not None]
    missing = price_missing(ctx.procedure, cand)
    return TripEstimate(
        currency=ctx.currency,
        lines=lines,
        total=_sum(parts),
        complete=not leaves_out and not missing,
        leaves_out=leaves_out,
        fx_date=min(dates) if dates else None,
        stay=stay,
        travel=trip,
        price_missing=missing,
    )


# --- Savings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceFigure:
    """One published price point in the origin country, flattened from catalog.ReferencePrice."""

    country: str
    country_name: str
    city: str
    dataset: str
    currency: str
    value: Decimal  # the price, or the midpoint of low–high
    value_method: str
    price_type: str
    data_year: str
    source: str
    source_url: str


@dataclass(frozen=True)
class Savings:
    status: str  # "saving", "costs_more", "no_reference", "unknown"
    amount: Decimal | None
    currency: str
    reference: ReferenceFigure | None
    reference_converted: Decimal | None
    fx_date: datetime.date | None
    explanation: str
    others: int = 0


def choose_reference(
    figures: list[ReferenceFigure], origin_city: str, fx: FxTable, currency: str
) -> tuple[ReferenceFigure | None, int]:
    """The reference for the patient's home: a figure for their city when there is one, otherwise the
    LOWEST published figure for the country (converted to the patient's currency), so savings are never
    overstated. Returns the figure and how many other figures exist."""
    if not figures:
        return None, 0
    city = travel.normalise_place(origin_city)
    pool = [f for f in figures if city and travel.normalise_place(f.city) == city] or figures

    def converted(f: ReferenceFigure) -> Decimal:
        found = fx.convert(f.value, f.currency, currency)
        return found[0] if found else Decimal("Infinity")

    best = min(pool, key=lambda f: (converted(f), f.dataset, f.city, f.source))
    return best, len(figures) - 1


def savings_for(
    ctx: TripContext, estimate: TripEstimate, reference: ReferenceFigure | None, others: int = 0
) -> Savings:
    if reference is None:
        return Savings(
            "no_reference",
            None,
            ctx.currency,
            None,
            None,
            None,
            _("No reference: we have no published price for this procedure in your home country."),
        )
    found = ctx.fx.convert(reference.value, reference.currency, ctx.currency)
    if found is None:
        return Savings(
            "unknown",
            None,
            ctx.currency,
            reference,
            None,
            None,
            _("Unknown: no ECB exchange rate to convert the reference price from %(ccy)s.")
            % {"ccy": reference.currency},
            others,
        )
    ref_amount, fx_date = found
    procedure = estimate.line("procedure")
    if procedure.converted is None:
        return Savings(
            "unknown",
            None,
            ctx.currency,
            reference,
            ref_amount,
            fx_date,
            _("Unknown: the offer's price could not be converted to %(ccy)s.") % {"ccy": ctx.currency},
            others,
        )
    difference = ref_amount - estimate.total
    where = reference.city or reference.country_name
    basis = _("%(ref)s in %(where)s (%(type)s, %(year)s; %(source)s), not adjusted for inflation") % {
        "ref": money(ref_amount, ctx.currency),
        "where": where,
        "type": reference.price_type,
        "year": reference.data_year,
        "source": reference.source,
    }
    if difference >= 0:
        status = "saving"
        text = _("%(amount)s less than %(basis)s.") % {"amount": money(difference, ctx.currency), "basis": basis}
        if not estimate.complete:
            text = _("At most %(amount)s less than %(basis)s: the trip total leaves out %(missing)s.") % {
                "amount": money(difference, ctx.currency),
                "basis": basis,
                "missing": ", ".join(estimate.missing_words),
            }
    else:
        status = "costs_more"
        text = _("%(amount)s more than %(basis)s.") % {"amount": money(-difference, ctx.currency), "basis": basis}
    return Savings(status, difference, ctx.currency, reference, ref_amount, fx_date, text, others)
