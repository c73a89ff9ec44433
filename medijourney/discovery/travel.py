"""Travel-cost reference figures for the trip estimate: lodging ceilings (U.S. State Department
foreign per diem, April 2026) and an airfare upper estimate (the SIFL formula), plus great-circle
distance and flight time. Pure functions over the files in ``medijourney/data/travel_costs/``
(see its PROVENANCE.md); the files are read once per process. Money is Decimal (USD)."""

import csv
import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from medijourney.catalog.geo import haversine_km

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "travel_costs"
PER_DIEM_FILE = DATA_DIR / "us_state_dept_foreign_per_diem_2026-04.csv"
AIRFARE_FILE = DATA_DIR / "airfare_reference_figures.csv"

LODGING_SOURCE = (
    "U.S. State Dept foreign per diem lodging ceiling, April 2026 — an allowance ceiling, not a market price"
)
LODGING_PUBLICATION = datetime.date(2026, 4, 1)

# SIFL (Standard Industry Fare Level): the only official distance-tapered fare formula we have.
SIFL_PERIOD = "2025h1"
SIFL_SOURCE = (
    "SIFL (Standard Industry Fare Level, a U.S. government formula for valuing a flight by its distance; "
    "U.S. DOT rates published by the IRS, Rev. Rul. 2025-9, January–June 2025)"
)
SIFL_AS_OF = datetime.date(2025, 1, 1)
KM_PER_STATUTE_MILE = Decimal("1.609344")

# Flight time: cruise-speed rule of thumb, documented on the search page ("How the trip estimate is made").
CRUISE_KMH = 800
FLIGHT_OVERHEAD_HOURS = 0.5
FLIGHT_TIME_METHOD = (
    "great-circle (haversine) distance between the two airports; hours = distance ÷ 800 km/h + 0.5 h "
    "for taxi, climb and descent, for a direct flight (connections add time)"
)

# Editorial aliases from hospital city names (as registers spell them) to State Department locations.
CITY_ALIASES = {
    "delhi": "new delhi",
    "gurgaon": "new delhi",
    "gurugram": "new delhi",
    "noida": "new delhi",
    "faridabad": "new delhi",
    "ghaziabad": "new delhi",
    "bangalore": "bengaluru",
    "bombay": "mumbai",
    "navi mumbai": "mumbai",
    "thane": "mumbai",
    "madras": "chennai",
    "calcutta": "kolkata",
    "secunderabad": "hyderabad",
    "thiruvananthapuram": "trivandrum",
    "panaji": "goa",
    "margao": "goa",
    "koeln": "cologne",
    "munchen": "munich",
    "muenchen": "munich",
    "frankfurt": "frankfurt am main",
    "ciudad de mexico": "mexico city",
    "cdmx": "mexico city",
    "warszawa": "warsaw",
    "bogota dc": "bogota",
    "bogota d c": "bogota",
    "george town": "penang",
}


def normalise_place(name: str) -> str:
    """'Düsseldorf' → 'duesseldorf'; 'Mexico City, D.F.' → 'mexico city d f'."""
    text = (name or "").strip().casefold()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelled)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _plain_accents(name: str) -> str:
    """'Düsseldorf' → 'dusseldorf' (the other spelling of umlauts)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", (name or "").casefold()) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass(frozen=True)
class PerDiemRow:
    country: str
    location: str
    season_start: tuple[int, int]  # (month, day)
    season_end: tuple[int, int]
    lodging_usd: Decimal
    rate_effective: datetime.date | None

    def covers(self, day: datetime.date) -> bool:
        md = (day.month, day.day)
        if self.season_start <= self.season_end:
            return self.season_start <= md <= self.season_end
        return md >= self.season_start or md <= self.season_end  # wraps over the new year


@dataclass(frozen=True)
class LodgingRate:
    """The rows for one place: one per season."""

    country: str
    location: str
    matched_by: str  # "city" or "country" ([Other])
    seasons: tuple[PerDiemRow, ...]

    def rate_on(self, day: datetime.date) -> Decimal | None:
        for row in self.seasons:
            if row.covers(day):
                return row.lodging_usd if row.lodging_usd > 0 else None
        return None

    @property
    def single_rate(self) -> Decimal | None:
        if len(self.seasons) == 1:
            value = self.seasons[0].lodging_usd
            return value if value > 0 else None
        return None


def _mmdd(value: str) -> tuple[int, int]:
    month, day = value.split("-")
    return int(month), int(day)


@cache
def _per_diem_index() -> tuple[dict[tuple[str, str], LodgingRate], dict[str, LodgingRate]]:
    by_place: dict[tuple[str, str], list[PerDiemRow]] = {}
    with PER_DIEM_FILE.open(newline="", encoding="utf-8") as fh:
        for raw in csv.DictReader(fh):
            iso = (raw["iso_country"] or "").strip().upper()
            if not iso:
                continue
            effective = raw.get("rate_effective_date") or ""
            row = PerDiemRow(
                country=iso,
                location=raw["location"].strip(),
                season_start=_mmdd(raw["season_start_mmdd"]),
                season_end=_mmdd(raw["season_end_mmdd"]),
                lodging_usd=Decimal(raw["lodging_usd"]),
                rate_effective=datetime.date.fromisoformat(effective) if effective else None,
            )
            by_place.setdefault((iso, row.location), []).append(row)
    cities: dict[tuple[str, str], LodgingRate] = {}
    countries: dict[str, LodgingRate] = {}
    for (iso, location), rows in by_place.items():
        if location == "[Other]":
            countries[iso] = LodgingRate(iso, location, "country", tuple(rows))
            continue
        rate = LodgingRate(iso, location, "city", tuple(rows))
        keys = {normalise_place(location), _plain_accents(location), normalise_place(location.split(",")[0])}
        for key in keys:
            cities.setdefault((iso, key), rate)
    # A country listed with a single location (e.g. Singapore) stands for the whole country.
    for iso in {iso for iso, _ in by_place}:
        if iso not in countries:
            locations = [rate for (c, _), rate in cities.items() if c == iso]
            if len({r.location for r in locations}) == 1:
                only = locations[0]
                countries[iso] = LodgingRate(iso, only.location, "country", only.seasons)
    return cities, countries


@lru_cache(maxsize=8192)
def lodging_rate(country: str, city: str) -> LodgingRate | None:
    """The State Department lodging rows for a hospital's city, else the country's [Other] row."""
    cities, countries = _per_diem_index()
    iso = (country or "").upper()
    for key in (normalise_place(city), _plain_accents(city)):
        if not key:
            continue
        key = CITY_ALIASES.get(key, key)
        found = cities.get((iso, key))
        if found is not None:
            return found
    return countries.get(iso)


def lodging_cost(
    rate: LodgingRate, first_night: datetime.date, nights: int
) -> tuple[Decimal, tuple[tuple[Decimal, int], ...]] | None:
    """(USD total, ((nightly rate, nights at that rate), ...)) for ``nights`` nights from
    ``first_night``, season by season; None when a night has no usable rate (a zero lodging
    allowance is unknown, not free)."""
    if nights <= 0:
        return Decimal(0), ()
    single = rate.single_rate
    if single is not None:
        return single * nights, ((single, nights),)
    if len(rate.seasons) == 1:  # one season with a zero allowance
        return None
    total = Decimal(0)
    used: dict[Decimal, int] = {}
    for i in range(nights):
        value = rate.rate_on(first_night + datetime.timedelta(days=i))
        if value is None:
            return None
        total += value
        used[value] = used.get(value, 0) + 1
    return total, tuple(used.items())


# --- Airfare -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sifl:
    terminal: Decimal
    band1: Decimal  # miles 0–500
    band2: Decimal  # miles 501–1500
    band3: Decimal  # miles over 1500


@dataclass(frozen=True)
class AirfareFigures:
    sifl: Sifl
    iata_avg_return_usd: Decimal
    iata_label: str


@cache
def airfare_figures() -> AirfareFigures:
    rows: dict[str, dict[str, str]] = {}
    with AIRFARE_FILE.open(newline="", encoding="utf-8") as fh:
        for raw in csv.DictReader(fh):
            rows[raw["figure_id"]] = raw

    def value(fid: str) -> Decimal:
        return Decimal(rows[fid]["value"])

    prefix = f"sifl_{SIFL_PERIOD}"
    iata = rows["iata_avg_return_fare_2025_jun"]
    return AirfareFigures(
        sifl=Sifl(
            terminal=value(f"{prefix}_terminal"),
            band1=value(f"{prefix}_band1"),
            band2=value(f"{prefix}_band2"),
            band3=value(f"{prefix}_band3"),
        ),
        iata_avg_return_usd=Decimal(iata["value"]),
        iata_label=f"the global average return fare forecast by IATA (the airlines' trade association), {iata['period']}",
    )


def km_to_miles(km: float) -> Decimal:
    return (Decimal(str(round(km, 1))) / KM_PER_STATUTE_MILE).quantize(Decimal("0.1"))


def sifl_one_way_usd(km: float) -> Decimal:
    """One-way SIFL value: terminal charge + miles 0–500 × rate 1 + 501–1500 × rate 2 + over 1500
    × rate 3 (statute miles), rounded to whole dollars."""
    if km <= 0:
        return Decimal(0)
    sifl = airfare_figures().sifl
    miles = km_to_miles(km)
    first = min(miles, Decimal(500))
    second = min(max(miles - 500, Decimal(0)), Decimal(1000))
    third = max(miles - 1500, Decimal(0))
    value = sifl.terminal + first * sifl.band1 + second * sifl.band2 + third * sifl.band3
    return value.quantize(Decimal(1))


def flight_hours(km: float) -> float:
    """Estimated one-way direct flight time, to the tenth of an hour."""
    if km <= 0:
        return 0.0
    return round(km / CRUISE_KMH + FLIGHT_OVERHEAD_HOURS, 1)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return round(haversine_km(lat1, lon1, lat2, lon2), 1)
