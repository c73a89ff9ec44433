"""The main international airport of a city, by one stated rule over sourced data, and whether a
city name is ambiguous.

Which airports serve a city (in one country):
  * those whose OurAirports ``municipality`` names the city (accents and case ignored; the part
    before a comma, slash or bracket counts too: "San José (Alajuela)" serves San José), and
  * those with the city and "International" in their name ("Washington Dulles International").
  * A row of ``medijourney/data/airports/main_airports.csv`` adds its airport to the city (role
    ``main``) or takes it away (role ``not_main``), each row with its source.

Ambiguous: when those airports fall into groups more than ``AMBIGUOUS_KM`` apart (Springfield,
Missouri and Springfield, Illinois), the city is ambiguous and the caller asks which is meant.

The main one of a group, in this order:
  1. a ``main`` row of ``main_airports.csv`` (ACI World passenger figures and similar sources);
  2. OurAirports type: a large airport before a medium one;
  3. the longest runway open to traffic (OurAirports ``runways.csv``): the airport that takes
     long-haul aircraft;
  4. "International" in its name, then the OurAirports ident (so the choice is stable).

Pure functions over rows the caller loads (``AirportFacts``); the curated table is read once."""

import csv
import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from .geo import haversine_km

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "airports"
MAIN_AIRPORTS_FILE = DATA_DIR / "main_airports.csv"
RUNWAYS_FILE = DATA_DIR / "ourairports_longest_runway.csv"
AMBIGUOUS_KM = 150.0
LARGE = "large_airport"

# Other names people type for a city, to the name OurAirports uses (editorial, kept short).
CITY_ALIASES = {
    "delhi": "new delhi",
    "bombay": "mumbai",
    "madras": "chennai",
    "calcutta": "kolkata",
    "bangalore": "bengaluru",
    "new york city": "new york",
    "nyc": "new york",
    "washington dc": "washington",
    "washington d c": "washington",
    "bogota dc": "bogota",
    "ciudad de mexico": "mexico city",
    "cdmx": "mexico city",
    "warszawa": "warsaw",
    "munchen": "munich",
    "koln": "cologne",
}


def normalise_city(name: str) -> str:
    """'San José ' → 'san jose'; 'Mexico City, D.F.' → 'mexico city d f' (accents and case ignored)."""
    text = unicodedata.normalize("NFKD", (name or "").casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return CITY_ALIASES.get(text, text)


def _municipality_keys(municipality: str) -> set[str]:
    """'San José (Alajuela)' → {'san jose alajuela', 'san jose'}; 'Chicago/Rockford' → {…, 'chicago'}."""
    keys = {normalise_city(municipality)}
    first = re.split(r"[,(/]", municipality or "", maxsplit=1)[0]
    keys.add(normalise_city(first))
    return {k for k in keys if k}


@dataclass(frozen=True)
class AirportFacts:
    """What the rule reads about one airport."""

    ident: str
    code: str  # IATA code, else the ident
    name: str
    municipality: str
    country: str
    latitude: float
    longitude: float
    size: str
    longest_runway_ft: int | None


@dataclass(frozen=True)
class MainRow:
    country: str
    city: str  # normalised
    ident: str
    verdict: str  # "main" or "not_main"
    reason: str
    source: str
    source_url: str
    checked: datetime.date


@cache
def curated_rows() -> tuple[MainRow, ...]:
    with MAIN_AIRPORTS_FILE.open(newline="", encoding="utf-8") as fh:
        return tuple(
            MainRow(
                country=r["country"].strip().upper(),
                city=normalise_city(r["city"]),
                ident=r["ident"].strip(),
                verdict=r["role"].strip(),
                reason=r["reason"].strip(),
                source=r["source"].strip(),
                source_url=r["source_url"].strip(),
                checked=datetime.date.fromisoformat(r["checked"].strip()),
            )
            for r in csv.DictReader(fh)
        )


@cache
def longest_runways() -> dict[str, int]:
    """OurAirports ident → longest runway open to traffic, in feet (see PROVENANCE.md)."""
    with RUNWAYS_FILE.open(newline="", encoding="utf-8") as fh:
        return {r["ident"]: int(r["longest_runway_ft"]) for r in csv.DictReader(fh)}


@dataclass(frozen=True)
class CityAirport:
    """The answer for one city: its main airport and why, or the groups to choose between."""

    city: str
    airport: AirportFacts | None
    basis: str  # how it was chosen, in words ("" when none or ambiguous)
    serving: int = 0  # airports found serving the city
    choices: tuple[AirportFacts, ...] = ()  # when ambiguous: the main airport of each group
    curated: MainRow | None = None

    @property
    def ambiguous(self) -> bool:
        return len(self.choices) > 1


def _serving(airports: Iterable[AirportFacts], country: str, key: str) -> list[AirportFacts]:
    rows = [r for r in curated_rows() if r.country == country and r.city == key]
    added = {r.ident for r in rows if r.verdict == "main"}
    removed = {r.ident for r in rows if r.verdict == "not_main"}
    found = []
    for a in airports:
        if a.country != country or a.ident in removed:
            continue
        named = key in _municipality_keys(a.municipality)
        titled = "international" in a.name.casefold() and f" {key} " in f" {normalise_city(a.name)} "
        if named or titled or a.ident in added:
            found.append(a)
    return found


def _groups(airports: Sequence[AirportFacts]) -> list[list[AirportFacts]]:
    """Single-link groups: airports within AMBIGUOUS_KM of another airport of the group."""
    groups: list[list[AirportFacts]] = []
    for a in sorted(airports, key=lambda x: x.ident):
        near = [
            g
            for g in groups
            if any(haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) <= AMBIGUOUS_KM for b in g)
        ]
        merged = [a]
        for g in near:
            merged.extend(g)
            groups.remove(g)
        groups.append(merged)
    return groups


def _rank(a: AirportFacts) -> tuple[int, int, int, str]:
    return (
        0 if a.size == LARGE else 1,
        -(a.longest_runway_ft or 0),
        0 if "international" in a.name.casefold() else 1,
        a.ident,
    )


def _main_of(group: Sequence[AirportFacts], country: str, key: str) -> tuple[AirportFacts, MainRow | None]:
    for row in curated_rows():
        if row.country == country and row.city == key and row.verdict == "main":
            for a in group:
                if a.ident == row.ident:
                    return a, row
    return min(group, key=_rank), None


def _basis(city: str, chosen: AirportFacts, group: Sequence[AirportFacts], row: MainRow | None) -> str:
    if row is not None:
        return _("the main international airport of %(city)s: %(reason)s (%(source)s)") % {
            "city": city,
            "reason": row.reason[0].lower() + row.reason[1:],
            "source": row.source,
        }
    if len(group) == 1:
        return _("the only airport with scheduled flights serving %(city)s in our data") % {"city": city}
    return _(
        "the main airport of %(city)s by our rule: of the %(n)d airports serving it, a large airport with the "
        "longest runway (OurAirports data)"
    ) % {"city": city, "n": len(group)}


def city_airport(airports: Iterable[AirportFacts], country: str, city: str) -> CityAirport:
    """The main airport serving ``city`` in ``country`` (see the module's rule), or the choices
    when the name is ambiguous, or nothing."""
    key = normalise_city(city)
    shown = (city or "").strip()
    if not key:
        return CityAirport(shown, None, "")
    serving = _serving(airports, country.upper(), key)
    if not serving:
        return CityAirport(shown, None, "")
    groups = _groups(serving)
    if len(groups) > 1:
        choices = tuple(sorted((_main_of(g, country, key)[0] for g in groups), key=lambda a: a.name))
        return CityAirport(shown, None, "", len(serving), choices)
    chosen, row = _main_of(groups[0], country, key)
    return CityAirport(shown, chosen, _basis(shown, chosen, groups[0], row), len(serving), curated=row)
