"""A per-process snapshot of the reference data a search reads: procedures, countries, languages,
accreditation bodies, the latest ECB rate of each currency, visa rules by passport, reference prices
by procedure and country, and airports.

These rows change only when reference data is imported (every import writes a
``catalog.ImportRun``) or exchange rates are loaded (new ``catalog.ExchangeRate`` rows). Each search
reads one fingerprint — the highest id of those two tables, one indexed query — and rebuilds the
snapshot when it changed, or after ``TTL_SECONDS`` in any case (a hand edit in the admin site is
seen within that time). The network (hospitals, accreditations, doctors, offers) is NOT cached: a
search reads it fresh, so a suspension or an expiry shows at once."""

import datetime
import math
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Max, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from medijourney.catalog.airports import CityAirport, normalise_city
from medijourney.catalog.geo import haversine_km
from medijourney.catalog.models import (
    Airport,
    Country,
    ExchangeRate,
    ImportRun,
    Language,
    Procedure,
    ReferencePrice,
    VisaRule,
)
from medijourney.catalog.needed import needed_items
from medijourney.catalog.selectors import VisaRequirement, city_main_airport
from medijourney.core.currencies import active_currency_codes
from medijourney.network.models import AccreditationBody

from .estimate import FxTable, OriginAirport, ProcedureStay, ReferenceFigure

TTL_SECONDS = 300.0


def fingerprint() -> tuple[Any, ...]:
    """(highest ImportRun id, highest ExchangeRate id): one query on two primary-key indexes."""
    runs, rates = ImportRun._meta.db_table, ExchangeRate._meta.db_table
    connection = connections[router.db_for_read(ImportRun)]  # the replica on pages that may use it
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT MAX(id) FROM {runs}), (SELECT MAX(id) FROM {rates})")  # noqa: S608  # nosec B608
        row = cursor.fetchone()
    return (connection.alias, *(row or ()))


@dataclass(frozen=True)
class BodyInfo:
    code: str
    short_name: str
    name: str


def _airport_out(a: Airport, basis: str) -> OriginAirport:
    return OriginAirport(
        code=a.code,
        name=a.name,
        city=a.city,
        country=a.country_id,
        latitude=a.latitude,
        longitude=a.longitude,
        basis=basis,
    )


def _centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Mean position of points on the sphere (safe across the antimeridian)."""
    x = y = z = 0.0
    for lat, lon in points:
        p, q = math.radians(lat), math.radians(lon)
        x += math.cos(p) * math.cos(q)
        y += math.cos(p) * math.sin(q)
        z += math.sin(p)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


@dataclass
class Snapshot:
    key: tuple[Any, ...]
    built: float
    procedures: dict[str, tuple[ProcedureStay, int]]
    countries: dict[str, str]
    languages: frozenset[str]
    bodies: dict[str, BodyInfo]  # admitted bodies by code
    currencies: frozenset[str]  # currencies with at least one ECB rate (and EUR)
    _fx: dict[datetime.date, FxTable] = field(default_factory=dict)
    # The parts below hold texts in words (a visa label, how a price or an airport was chosen):
    # each is kept per interface language, so the language of a process's first request is not
    # shown to everyone after it.
    _visas: dict[tuple[str | None, str], dict[str, VisaRequirement]] = field(default_factory=dict)
    _references: dict[tuple[str | None, int, str], list[ReferenceFigure]] = field(default_factory=dict)
    _airports: dict[tuple[str | None, str, str], OriginAirport | None] = field(default_factory=dict)
    _cities: dict[tuple[str | None, str, str], CityAirport] = field(default_factory=dict)
    _choices: dict[str, Any] = field(default_factory=dict)

    def choices(self) -> dict[str, Any]:
        """Choices for the search form: procedures grouped by specialty, countries, destinations,
        currencies, languages and accreditation bodies."""
        if not self._choices:
            groups: dict[str, list[tuple[str, str]]] = {}
            for slug, name, specialty in Procedure.objects.order_by(
                "specialty__position", "specialty__name", "name"
            ).values_list("slug", "name", "specialty__name"):
                groups.setdefault(specialty, []).append((slug, name))
            self._choices.update(
                procedures=list(groups.items()),
                countries=sorted(self.countries.items(), key=lambda kv: kv[1]),
                destinations=list(
                    Country.objects.filter(is_destination=True).order_by("name").values_list("code", "name")
                ),
                currencies=sorted(self.currencies),
                languages=list(Language.objects.order_by("name").values_list("code", "name")),
                bodies=[(b.code, b.short_name) for b in sorted(self.bodies.values(), key=lambda b: b.short_name)],
            )
        return self._choices

    # --- lazily filled parts (benign races: two threads may compute the same entry) ---------------

    def fx(self, on: datetime.date) -> FxTable:
        table = self._fx.get(on)
        if table is None:
            latest = ExchangeRate.objects.filter(date__lte=on).values("currency").annotate(d=Max("date"))
            pairs = Q()
            for row in latest:
                pairs |= Q(currency=row["currency"], date=row["d"])
            rates: dict[str, tuple[Decimal, datetime.date]] = {}
            if pairs:
                for ccy, units, day in ExchangeRate.objects.filter(pairs).values_list(
                    "currency", "units_per_eur", "date"
                ):
                    rates[ccy] = (units, day)
            table = self._fx[on] = FxTable(rates, on)
        return table

    def visas(self, passport: str) -> dict[str, VisaRequirement]:
        key = (get_language(), passport)
        found = self._visas.get(key)
        if found is None:
            found = {r.destination_id: VisaRequirement.of(r) for r in VisaRule.objects.filter(passport_id=passport)}
            self._visas[key] = found
        return found

    def references(self, procedure_pk: int, country: str) -> list[ReferenceFigure]:
        key = (get_language(), procedure_pk, country)
        found = self._references.get(key)
        if found is None:
            found = []
            for r in ReferencePrice.objects.filter(procedure_id=procedure_pk, country_id=country).order_by("id"):
                if r.price is not None:
                    value, method = r.price, _("the published price")
                elif r.price_low is not None and r.price_high is not None:
                    value, method = (r.price_low + r.price_high) / 2, _("midpoint of the published range")
                else:
                    continue
                found.append(
                    ReferenceFigure(
                        country=r.country_id,
                        country_name=self.countries.get(r.country_id, r.country_id),
                        city=r.city,
                        dataset=r.dataset,
                        currency=r.currency,
                        value=value.quantize(Decimal("0.01")),
                        value_method=method,
                        price_type=r.price_type,
                        data_year=r.data_year,
                        source=r.source,
                        source_url=r.source_url,
                    )
                )
            self._references[key] = found
        return found

    def airport_by_code(self, code: str) -> OriginAirport | None:
        key = (get_language(), "code", code)
        if key not in self._airports:
            a = Airport.objects.filter(Q(iata=code) | Q(ident=code)).order_by("size", "ident").first()
            self._airports[key] = _airport_out(a, _("the airport you gave")) if a else None
        return self._airports[key]

    def city_airport(self, country: str, city: str) -> CityAirport:
        """The main airport of a city by catalog.airports' stated rule, or the choices when the name
        is ambiguous (cached per snapshot)."""
        key = (get_language(), country.upper(), normalise_city(city))
        found = self._cities.get(key)
        if found is None:
            found = self._cities[key] = city_main_airport(country, city)
        return found

    def airport_in_city(self, country: str, city: str) -> OriginAirport | None:
        found = self.city_airport(country, city)
        a = found.airport
        if a is None:
            return None
        return OriginAirport(
            code=a.code,
            name=a.name,
            city=a.municipality,
            country=a.country,
            latitude=a.latitude,
            longitude=a.longitude,
            basis=found.basis,
        )

    def country_airport(self, country: str) -> OriginAirport | None:
        """The airport a trip from ``country`` is estimated from when the patient gives no city or
        airport: the country's large international airport nearest the centre (mean position on
        the sphere) of its large international airports; when it has none, the same rule over its
        other international airports, then over all its airports."""
        key = (get_language(), "country", country)
        if key not in self._airports:
            airports = list(Airport.objects.filter(country_id=country))
            chosen = None
            for pool in (
                [a for a in airports if a.size == Airport.Size.LARGE and a.is_international],
                [a for a in airports if a.is_international],
                airports,
            ):
                if pool:
                    lat, lon = _centre([(a.latitude, a.longitude) for a in pool])
                    best = min(pool, key=lambda a: (haversine_km(lat, lon, a.latitude, a.longitude), a.ident))
                    chosen = _airport_out(
                        best,
                        _(
                            "no city or airport given: the large international airport nearest the centre of "
                            "the country's airports"
                        ),
                    )
                    break
            self._airports[key] = chosen
        return self._airports[key]


def _build(key: tuple[Any, ...]) -> Snapshot:
    procedures: dict[str, tuple[ProcedureStay, int]] = {}
    for p in Procedure.objects.select_related("fit_to_fly", "specialty").order_by("name"):
        procedures[p.slug] = (
            ProcedureStay(
                slug=p.slug,
                name=p.name,
                specialty=p.specialty_id,
                inpatient_nights=p.inpatient_nights,
                total_days=p.total_days,
                min_days_before_flying=p.min_days_before_flying,
                stay_source=p.stay_source,
                data_date=p.data_date,
                fit_to_fly_authority=p.fit_to_fly.authority if p.fit_to_fly else "",
                specialty_name=p.specialty.name,
                needed=needed_items(p.slug),
            ),
            p.pk,
        )
    return Snapshot(
        key=key,
        built=time.monotonic(),
        procedures=procedures,
        countries=dict(Country.objects.values_list("code", "name")),
        languages=frozenset(code.lower() for code in Language.objects.values_list("code", flat=True)),
        bodies={
            b.code: BodyInfo(b.code, b.short_name, b.name)
            for b in AccreditationBody.objects.filter(admits_to_network=True)
        },
        currencies=frozenset({"EUR", *ExchangeRate.objects.values_list("currency", flat=True).distinct()})
        & active_currency_codes(),
    )


_lock = threading.Lock()
_current: Snapshot | None = None
_checked = 0.0  # when the fingerprint was last read (time.monotonic)


def snapshot() -> Snapshot:
    """The current snapshot: the fingerprint is read at most every
    ``DISCOVERY_REFERENCE_CHECK_SECONDS`` (an import is seen within that time); a rebuild when it
    changed."""
    global _current, _checked
    snap = _current
    now = time.monotonic()
    if snap is not None and now - _checked < _check_seconds() and now - snap.built < TTL_SECONDS:
        return snap
    key = fingerprint()
    if snap is not None and snap.key == key and now - snap.built < TTL_SECONDS:
        _checked = now
        return snap
    with _lock:
        snap = _current
        if snap is None or snap.key != key or time.monotonic() - snap.built >= TTL_SECONDS:
            snap = _current = _build(key)
        _checked = time.monotonic()
    return snap


def _check_seconds() -> float:
    return float(getattr(settings, "DISCOVERY_REFERENCE_CHECK_SECONDS", 2.0))


def clear() -> None:
    """Forget the snapshot (tests, and after writing reference data in this process)."""
    global _current
    _current = None
