"""Reads of the reference catalogue. Other apps (network, discovery) build on these typed
functions rather than on the models: visa rules, airports near a point, FX conversion through
EUR, reference prices, procedures.

Every returned fact carries its source and date, so whoever shows it can say where it came from."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .airports import AirportFacts, CityAirport, city_airport, longest_runways
from .ecb import ECB_SOURCE
from .geo import KM_PER_DEGREE_LAT, haversine_km
from .models import Airport, Country, ExchangeRate, Procedure, ReferencePrice, Specialty, VisaRule

# --- Countries ----------------------------------------------------------------------------------


def country_get(code: str) -> Country | None:
    return Country.objects.select_related("currency").filter(code=(code or "").upper()).first()


def countries_all() -> QuerySet[Country]:
    return Country.objects.order_by("name")


def destination_countries() -> QuerySet[Country]:
    return Country.objects.filter(is_destination=True).select_related("currency").order_by("name")


def passport_countries() -> QuerySet[Country]:
    """Countries whose passports the visa data covers."""
    return Country.objects.filter(code__in=VisaRule.objects.values("passport_id")).order_by("name")


# --- Visa rules --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisaRequirement:
    passport: str
    destination: str
    requirement: str  # a VisaRule.Requirement value
    label: str
    days_allowed: int | None
    data_date: datetime.date
    source: str
    source_url: str

    @classmethod
    def of(cls, rule: VisaRule) -> "VisaRequirement":
        """The one copy of a visa rule handed to pages, the search and the trip estimate."""
        return cls(
            passport=rule.passport_id,
            destination=rule.destination_id,
            requirement=rule.requirement,
            label=str(rule.get_requirement_display()),
            days_allowed=rule.days_allowed,
            data_date=rule.data_date,
            source=rule.source,
            source_url=rule.source_url,
        )


def visa_requirement(passport: str, destination: str) -> VisaRequirement | None:
    """The visa rule for a passport (ISO alpha-2) entering a destination, or None when the data
    has no rule for the pair."""
    rule = VisaRule.objects.filter(
        passport_id=(passport or "").upper(), destination_id=(destination or "").upper()
    ).first()
    return VisaRequirement.of(rule) if rule is not None else None


# --- Airports ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AirportDistance:
    airport: Airport
    km: float


def airports_near(
    lat: float, lon: float, *, radius_km: float = 150.0, international_only: bool = True, limit: int = 10
) -> list[AirportDistance]:
    """Airports within ``radius_km`` of a point, nearest first (great-circle distance)."""
    band = radius_km / KM_PER_DEGREE_LAT + 0.01
    qs = Airport.objects.filter(latitude__gte=lat - band, latitude__lte=lat + band).select_related("country")
    if international_only:
        qs = qs.filter(is_international=True)
    found = [AirportDistance(a, haversine_km(lat, lon, a.latitude, a.longitude)) for a in qs]
    found = [f for f in found if f.km <= radius_km]
    found.sort(key=lambda f: f.km)
    return found[:limit]


def nearest_airport(lat: float, lon: float, *, international_only: bool = True) -> AirportDistance | None:
    """The nearest (international, by default) airport to a point, searching ever wider."""
    radius = 150.0
    while radius <= 20_000:
        found = airports_near(lat, lon, radius_km=radius, international_only=international_only, limit=1)
        if found:
            return found[0]
        radius *= 2
    return None


def airport_facts(a: Airport) -> AirportFacts:
    """The facts the main-airport rule reads (catalog.airports), with the runway from its data file."""
    return AirportFacts(
        ident=a.ident,
        code=a.code,
        name=a.name,
        municipality=a.city,
        country=a.country_id,
        latitude=a.latitude,
        longitude=a.longitude,
        size=a.size,
        longest_runway_ft=longest_runways().get(a.ident),
    )


def country_airport_facts(country: str) -> list[AirportFacts]:
    return [airport_facts(a) for a in Airport.objects.filter(country_id=(country or "").upper()).order_by("ident")]


def city_main_airport(country: str, city: str) -> CityAirport:
    """The main international airport of ``city`` in ``country`` by the stated rule of
    ``catalog.airports`` (or the airports to choose between when the name is ambiguous)."""
    return city_airport(country_airport_facts(country), country, city)


def airport_get(code: str) -> Airport | None:
    code = (code or "").upper()
    return Airport.objects.filter(Q(iata=code) | Q(ident=code)).select_related("country").first()


# --- Exchange rates --------------------------------------------------------------------------------------


def _units_per_eur(currency: str, on: datetime.date) -> tuple[Decimal, datetime.date] | None:
    if currency == "EUR":
        return Decimal(1), on
    row = (
        ExchangeRate.objects.filter(currency=currency, date__lte=on)
        .order_by("-date")
        .values_list("units_per_eur", "date")[:1]
    )
    found = list(row)
    return (found[0][0], found[0][1]) if found else None


def fx_convert(
    amount: Decimal, from_ccy: str, to_ccy: str, on: datetime.date | None = None
) -> tuple[Decimal, datetime.date] | None:
    """Convert through EUR cross rates with the latest ECB rate on or before ``on`` (today).

    Returns (amount rounded to cents, date of the older of the two rates used), or None when the
    ECB has no rate for either currency: "no rate", never a guess."""
    on = on or timezone.localdate()
    src, dst = (from_ccy or "").upper(), (to_ccy or "").upper()
    if src == dst:
        return Decimal(amount).quantize(Decimal("0.01"), ROUND_HALF_UP), on
    a = _units_per_eur(src, on)
    b = _units_per_eur(dst, on)
    if a is None or b is None:
        return None
    converted = Decimal(amount) / a[0] * b[0]
    dates = [d for d, ccy in ((a[1], src), (b[1], dst)) if ccy != "EUR"]
    return converted.quantize(Decimal("0.01"), ROUND_HALF_UP), min(dates) if dates else on


def convert(
    amount: Decimal, from_ccy: str, to_ccy: str, on: datetime.date | None = None
) -> tuple[Decimal, datetime.date] | None:
    """Alias of :func:`fx_convert` (the name other apps were promised)."""
    return fx_convert(amount, from_ccy, to_ccy, on)


FX_SOURCE = ECB_SOURCE


def fx_latest_date() -> datetime.date | None:
    return ExchangeRate.objects.order_by("-date").values_list("date", flat=True).first()


def fx_currencies() -> list[str]:
    return sorted({"EUR", *ExchangeRate.objects.values_list("currency", flat=True).distinct()})


# --- Specialties and procedures --------------------------------------------------------------------------


def specialties_all() -> QuerySet[Specialty]:
    return Specialty.objects.order_by("position", "id")


def specialties_with_counts() -> QuerySet[Specialty]:
    return Specialty.objects.annotate(procedure_count=Count("procedures")).order_by("position", "id")


def procedures_list(*, specialty: str | None = None, q: str | None = None) -> QuerySet[Procedure]:
    qs = Procedure.objects.select_related("specialty", "fit_to_fly").order_by("name")
    if specialty:
        qs = qs.filter(specialty_id=specialty)
    if q:
        term = q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(synonyms__icontains=term) | Q(slug__icontains=term))
    return qs


def procedure_by_slug(slug: str) -> Procedure | None:
    return Procedure.objects.select_related("specialty", "fit_to_fly").filter(slug=slug).first()


def procedures_by_slugs(slugs: list[str]) -> dict[str, Procedure]:
    return {p.slug: p for p in Procedure.objects.select_related("specialty", "fit_to_fly").filter(slug__in=slugs)}


# --- Reference prices ----------------------------------------------------------------------------------------


def reference_prices_for(procedure: Procedure | str, country: str | None = None) -> QuerySet[ReferencePrice]:
    """Every cited price point for a procedure (by object or slug), optionally in one country,
    with its source, year and price type."""
    qs = ReferencePrice.objects.select_related("country", "procedure")
    qs = qs.filter(procedure__slug=procedure) if isinstance(procedure, str) else qs.filter(procedure=procedure)
    if country:
        qs = qs.filter(country_id=country.upper())
    return qs.order_by("country__name", "dataset", "city", "id")


def reference_prices_by_country(procedure: Procedure) -> list[tuple[Country, list[ReferencePrice]]]:
    grouped: dict[str, tuple[Country, list[ReferencePrice]]] = {}
    for price in reference_prices_for(procedure):
        grouped.setdefault(price.country_id, (price.country, []))[1].append(price)
    return list(grouped.values())


def reference_prices_in_country(country: str, *, limit: int = 50) -> QuerySet[ReferencePrice]:
    return (
        ReferencePrice.objects.filter(country_id=country.upper())
        .select_related("procedure")
        .order_by("procedure__name", "dataset", "city", "id")[:limit]
    )


def procedures_with_prices(slugs: list[str] | None = None) -> QuerySet[Procedure]:
    qs = Procedure.objects.prefetch_related(
        Prefetch("reference_prices", queryset=ReferencePrice.objects.select_related("country"))
    )
    return qs.filter(slug__in=slugs) if slugs else qs


def catalogue_counts() -> dict[str, Any]:
    return {
        "countries": Country.objects.count(),
        "airports": Airport.objects.count(),
        "visa_rules": VisaRule.objects.count(),
        "procedures": Procedure.objects.count(),
        "specialties": Specialty.objects.count(),
        "fx_latest": fx_latest_date(),
    }
