"""The network's importers (registered with ``catalog.importing``): accreditation bodies, the
NABH registers of accredited hospitals and dental facilities, Wikidata hospitals of the main
destinations, and each hospital's nearest international airport.

Honesty rules applied here:
* NABH rows become hospitals with their real accreditation number and dates. The register's own
  ``status`` column is ignored: whether an accreditation is current is computed from its dates
  and today. Rows are marked verified against the public NABH register (verified_by is empty:
  no person verified them), with the register and scrape date recorded as evidence.
* Register remarks that say the accreditation was withdrawn or is under suspension set
  ``withdrawn_by_body``, which keeps the hospital out of the network whatever the dates say.
* NABH entry-level certification is not imported: it is not NABH accreditation.
* Wikidata hospitals come in with coordinates and website and no accreditation, so they are not
  in the network. A NABH hospital gets Wikidata coordinates only when its normalised name matches
  exactly one Indian Wikidata item; otherwise its location stays unknown (never invented).
"""

import datetime
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from medijourney.catalog.airports import MAIN_AIRPORTS_FILE, RUNWAYS_FILE, AirportFacts, city_airport
from medijourney.catalog.geo import Point, PointIndex, haversine_km
from medijourney.catalog.importers import AIRPORTS_CSV
from medijourney.catalog.importing import (
    DATA_DIR,
    ImportContext,
    Importer,
    ImportStats,
    read_csv,
    register,
    sync_rows,
)
from medijourney.catalog.models import Airport
from medijourney.catalog.selectors import airport_facts

from .models import Accreditation, AccreditationBody, Hospital, VerificationStatus

NABH_HOSPITALS_CSV = DATA_DIR / "hospitals" / "nabh_accredited_hospitals_india.csv"
NABH_DENTAL_CSV = DATA_DIR / "hospitals" / "nabh_accredited_dental_facilities_india.csv"
WIKIDATA_CSV = DATA_DIR / "hospitals" / "wikidata_hospitals_destinations.csv"

PATHS: dict[str, Path] = {
    "nabh_hospitals": NABH_HOSPITALS_CSV,
    "nabh_dental": NABH_DENTAL_CSV,
    "wikidata": WIKIDATA_CSV,
    "airports": AIRPORTS_CSV,
}


def path(key: str) -> Path:
    return PATHS[key]


BODIES: list[dict[str, Any]] = [
    {
        "code": "JCI",
        "name": "Joint Commission International",
        "short_name": "JCI",
        "website": "https://www.jointcommissioninternational.org/",
        "admits_to_network": True,
        "description": "International accreditation of hospitals and health-care organisations.",
    },
    {
        "code": "NABH",
        "name": "National Accreditation Board for Hospitals & Healthcare Providers (India)",
        "short_name": "NABH",
        "website": "https://nabh.co/",
        "admits_to_network": True,
        "description": "India's national full accreditation of hospitals (not NABH entry-level certification).",
    },
    {
        "code": "NABH_DENTAL",
        "name": "NABH accreditation of dental facilities (India)",
        "short_name": "NABH dental",
        "website": "https://nabh.co/",
        "admits_to_network": True,
        "description": "NABH's accreditation programme for dental health-care service providers.",
    },
]

NABH_COLUMNS = [
    "facility_name",
    "city",
    "state",
    "reference_no",
    "name",
    "accreditation_no",
    "valid_from",
    "valid_upto",
    "remarks",
    "accreditation_type",
    "country",
    "status",
    "extracted_date",
]
NABH_DENTAL_COLUMNS = [*NABH_COLUMNS[:10], "facility_type", *NABH_COLUMNS[10:]]
WIKIDATA_COLUMNS = ["wikidata_qid", "name", "country", "lat", "lon", "official_website"]
WIKIDATA_COUNTRIES = {
    "India": "IN",
    "Thailand": "TH",
    "Turkey": "TR",
    "Mexico": "MX",
    "Singapore": "SG",
    "Malaysia": "MY",
    "South Korea": "KR",
    "United Arab Emirates": "AE",
    "Costa Rica": "CR",
    "Colombia": "CO",
    "Poland": "PL",
    "Hungary": "HU",
    "Germany": "DE",
}
NABH_REGISTER_URL = "https://portal.nabh.co/"
_WITHDRAWN_RE = re.compile(
    r"withdraw|under suspension|not recommended|application closed|moved to|shifted to|transfer to|abeyance|"
    r"not applied for renewal|not undergone renewal",
    re.IGNORECASE,
)
_EDITION_RE = re.compile(r"(\d+(?:st|nd|rd|th))\s+edition", re.IGNORECASE)
_QID_RE = re.compile(r"^Q\d+$")
_CITY_ALIASES = {"bengaluru": "bangalore", "gurugram": "gurgaon", "mumbai": "mumbai", "calicut": "kozhikode"}


def normalise_name(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(",").strip()


def _date(value: str) -> datetime.date:
    return datetime.datetime.strptime(value.strip(), "%d %b %Y").date()


def _first_url(value: str) -> str:
    for part in value.split(" | "):
        part = part.strip()
        if part.startswith(("http://", "https://")) and len(part) <= 500:
            return part
    return ""


# --- Accreditation bodies ----------------------------------------------------------------------------


def import_bodies(ctx: ImportContext) -> ImportStats:
    stats = ImportStats()
    sync_rows(AccreditationBody, BODIES, key=("code",), stats=stats, ctx=ctx, desc="bodies")
    return stats


# --- Wikidata index ----------------------------------------------------------------------------------


_STRIP_RE = re.compile(r"\b(?:pvt|private|ltd|limited|llp|the|a unit of .*|unit of .*)\b")


def loose_name(text: str) -> str:
    """The name without bracketed remarks, company suffixes and plural 'hospitals'."""
    text = normalise_name(re.sub(r"\(.*?\)|\s-\s.*$", " ", text))
    text = _STRIP_RE.sub(" ", text)
    text = re.sub(r"\bhospitals\b", "hospital", text)
    return re.sub(r"\s+", " ", text).strip()


class WikidataMatcher:
    """Finds the Indian Wikidata item for a NABH facility, or none. Accepted matches:
    1. the normalised names are equal, and unique on both sides;
    2. the loose name plus the city equals the item's loose label (e.g. "Regency Hospital, Kanpur");
    3. the loose names are equal and unique on both sides, and the item lies within 100 km of an
       international airport serving the facility's city.
    Anything else stays unmatched: no location is better than a wrong one."""

    def __init__(self, wikidata_lines: list[tuple[int, dict[str, str]]], nabh_names: list[str]) -> None:
        self.exact: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.loose: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for _line, r in wikidata_lines:
            if "__bad__" in r or "India" not in r["country"].split(" | ") or _QID_RE.match(r["name"].strip()):
                continue
            try:
                lat, lon = float(r["lat"]), float(r["lon"])
            except ValueError:
                continue
            item = {
                "qid": r["wikidata_qid"].strip(),
                "lat": lat,
                "lon": lon,
                "website": _first_url(r["official_website"]),
            }
            self.exact[normalise_name(r["name"])].append(item)
            self.loose[loose_name(r["name"])].append(item)
        self.nabh_exact: dict[str, int] = defaultdict(int)
        self.nabh_loose: dict[str, int] = defaultdict(int)
        for name in nabh_names:
            self.nabh_exact[normalise_name(name)] += 1
            self.nabh_loose[loose_name(name)] += 1
        airports = Airport.objects.filter(country_id="IN", is_international=True).values(
            "city", "latitude", "longitude"
        )
        self.city_airports: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for a in airports:
            city = a["city"].lower()
            self.city_airports[_CITY_ALIASES.get(city, city)].append((a["latitude"], a["longitude"]))

    def match(self, name: str, city: str) -> dict[str, Any] | None:
        exact = self.exact.get(normalise_name(name), [])
        if len(exact) == 1 and self.nabh_exact[normalise_name(name)] == 1:
            return exact[0]
        with_city = self.loose.get(loose_name(f"{name} {city}"), [])
        if len(with_city) == 1:
            return with_city[0]
        loose = self.loose.get(loose_name(name), [])
        if len(loose) == 1 and self.nabh_loose[loose_name(name)] == 1:
            item = loose[0]
            near = self.city_airports.get(_CITY_ALIASES.get(city.lower(), city.lower()), [])
            if any(haversine_km(item["lat"], item["lon"], lat, lon) <= 100 for lat, lon in near):
                return item
        return None


# --- NABH registers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NabhRegister:
    """One NABH register file and what its rows become."""

    path_key: str
    columns: list[str]
    prefix: str
    hospital_source: str
    kind: str
    body_code: str
    register_name: str
    match_wikidata: bool
    level: str

    @property
    def source(self) -> Path:
        return path(self.path_key)


@dataclass(frozen=True)
class _NabhRow:
    line: int
    row: dict[str, str]
    valid_from: datetime.date
    valid_to: datetime.date


@dataclass
class _NabhPlan:
    hospitals: list[dict[str, Any]] = field(default_factory=list)
    accreditations: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    claimed: set[str] = field(default_factory=set)
    matched: int = 0


def _parse_nabh(reg: NabhRegister, stats: ImportStats) -> list[_NabhRow]:
    """Parse: the register's rows with both dates read; bad rows are counted and left out."""
    parsed: list[_NabhRow] = []
    for line, r in read_csv(reg.source, reg.columns):
        if "__bad__" in r:
            stats.bad_row(reg.source, line, r["__bad__"])
            continue
        if not r["reference_no"].strip() or not r["accreditation_no"].strip() or not r["facility_name"].strip():
            stats.bad_row(reg.source, line, "reference number, accreditation number and name are required")
            continue
        try:
            valid_from, valid_to = _date(r["valid_from"]), _date(r["valid_upto"])
        except ValueError:
            stats.bad_row(
                reg.source, line, f"dates not in the form '30 Oct 2021': {r['valid_from']!r}, {r['valid_upto']!r}"
            )
            continue
        if valid_to < valid_from:
            stats.bad_row(reg.source, line, "valid_upto is before valid_from")
            continue
        parsed.append(_NabhRow(line, r, valid_from, valid_to))
    return parsed


def _nabh_hospital(reg: NabhRegister, key: str, r: dict[str, str], hit: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "source_key": key,
        "name": _clean(r["facility_name"])[:255],
        "kind": reg.kind,
        "city": _clean(r["city"])[:100],
        "region": _clean(r["state"])[:100],
        "country_id": "IN",
        "source": reg.hospital_source,
        "latitude": hit["lat"] if hit else None,
        "longitude": hit["lon"] if hit else None,
        "location_source": Hospital.LocationSource.WIKIDATA if hit else Hospital.LocationSource.NONE,
        "wikidata_qid": hit["qid"] if hit else None,
        "website": hit["website"] if hit else "",
    }


def _nabh_accreditation(reg: NabhRegister, body: AccreditationBody, parsed: _NabhRow) -> dict[str, Any]:
    r = parsed.row
    remark = _clean(r["remarks"])
    edition = _EDITION_RE.search(remark)
    scraped = r["extracted_date"].strip()[:10]
    try:
        scraped_on: datetime.date | None = datetime.date.fromisoformat(scraped)
    except ValueError:
        scraped_on = None
    return {
        "body_id": body.pk,
        "number": r["accreditation_no"].strip(),
        "level": reg.level + (f" ({edition.group(1)} edition standards)" if edition else ""),
        "valid_from": parsed.valid_from,
        "valid_to": parsed.valid_to,
        "register_remark": remark[:255],
        "withdrawn_by_body": bool(_WITHDRAWN_RE.search(remark)) and "was held in suspension" not in remark,
        "verification_status": VerificationStatus.VERIFIED,
        "verified_by_id": None,
        "verified_at": (
            datetime.datetime.combine(scraped_on, datetime.time(), tzinfo=datetime.UTC) if scraped_on else None
        ),
        "verification_note": (
            f"Imported from the public {reg.register_name}; checked against the register, not by a person."
        ),
        "evidence_source": f"Public {reg.register_name} (portal.nabh.co), as scraped on {scraped or 'unknown'}",
        "evidence_url": NABH_REGISTER_URL,
    }


def _transform_nabh(
    reg: NabhRegister, body: AccreditationBody, parsed: list[_NabhRow], stats: ImportStats
) -> _NabhPlan:
    """Transform: hospital and accreditation rows, duplicates refused, Wikidata items matched once."""
    # Items held by another register's facility are not claimed twice; items imported on their
    # own from Wikidata are taken over (that separate row is then removed by the Wikidata importer).
    taken = set(
        Hospital.objects.exclude(source__in=[reg.hospital_source, Hospital.Source.WIKIDATA])
        .exclude(wikidata_qid__isnull=True)
        .values_list("wikidata_qid", flat=True)
    )
    matcher = (
        WikidataMatcher(read_csv(path("wikidata"), WIKIDATA_COLUMNS), [p.row["facility_name"] for p in parsed])
        if reg.match_wikidata
        else None
    )
    plan = _NabhPlan()
    seen_refs: set[str] = set()
    seen_numbers: set[str] = set()
    for p in parsed:
        r = p.row
        key = f"{reg.prefix}:{r['reference_no'].strip()}"
        number = r["accreditation_no"].strip()
        if key in seen_refs or number in seen_numbers:
            stats.bad_row(
                reg.source, p.line, f"duplicate reference {r['reference_no']!r} or accreditation number {number!r}"
            )
            continue
        seen_refs.add(key)
        seen_numbers.add(number)
        hit = matcher.match(_clean(r["facility_name"]), _clean(r["city"])) if matcher else None
        if hit is not None and (hit["qid"] in plan.claimed or hit["qid"] in taken):
            hit = None
        if hit is not None:
            plan.claimed.add(hit["qid"])
            plan.matched += 1
        plan.hospitals.append(_nabh_hospital(reg, key, r, hit))
        plan.accreditations.append((key, _nabh_accreditation(reg, body, p)))
    return plan


def _release_moving_qids(reg: NabhRegister, plan: _NabhPlan) -> None:
    """A Wikidata item that moves from one facility to another is released first (unique column)."""
    wanted = {h["source_key"]: h["wikidata_qid"] for h in plan.hospitals}
    moving = [
        key
        for key, qid in Hospital.objects.filter(source=reg.hospital_source, wikidata_qid__isnull=False).values_list(
            "source_key", "wikidata_qid"
        )
        if wanted.get(key) != qid
    ]
    if moving:
        Hospital.objects.filter(source_key__in=moving).update(wikidata_qid=None)
    if plan.claimed:
        Hospital.objects.filter(source=Hospital.Source.WIKIDATA, wikidata_qid__in=plan.claimed).update(
            wikidata_qid=None
        )


def _sync_nabh_accreditations(
    ctx: ImportContext, body: AccreditationBody, plan: _NabhPlan, pk_by_key: dict[tuple[Any, ...], Any]
) -> ImportStats:
    # A quality lead's own decision on an imported accreditation outlives later re-imports.
    human = {
        row["number"]: row
        for row in Accreditation.objects.filter(body=body, verified_by__isnull=False).values(
            "number", "verification_status", "verified_by_id", "verified_at", "verification_note"
        )
    }
    acc_rows = []
    for key, acc in plan.accreditations:
        hospital_pk = pk_by_key.get((key,))
        if hospital_pk is not None:
            decided = human.get(acc["number"])
            kept = {k: v for k, v in decided.items() if k != "number"} if decided else {}
            acc_rows.append({**acc, **kept, "hospital_id": hospital_pk})
    acc_stats = ImportStats()
    sync_rows(
        Accreditation,
        acc_rows,
        key=("body_id", "number"),
        stats=acc_stats,
        ctx=ctx,
        existing=Accreditation.objects.filter(body=body),
        desc="accreditations",
    )
    return acc_stats


def _sync_nabh(
    ctx: ImportContext, reg: NabhRegister, body: AccreditationBody, plan: _NabhPlan, stats: ImportStats
) -> None:
    """Sync: hospitals, then their accreditations, then (dental) the dental specialty."""
    _release_moving_qids(reg, plan)
    pk_by_key = sync_rows(
        Hospital,
        plan.hospitals,
        key=("source_key",),
        stats=stats,
        ctx=ctx,
        existing=Hospital.objects.filter(source=reg.hospital_source),
        desc="hospitals",
    )
    acc_stats = _sync_nabh_accreditations(ctx, body, plan, pk_by_key)
    stats.notes.append(
        f"accreditations: {acc_stats.summary()}; {plan.matched} of {len(plan.hospitals)} located through Wikidata"
        if reg.match_wikidata
        else f"accreditations: {acc_stats.summary()}"
    )
    if reg.kind == Hospital.Kind.DENTAL:
        through = Hospital.specialties.through
        with transaction.atomic():
            through.objects.bulk_create(
                [through(hospital_id=pk, specialty_id="dental") for pk in pk_by_key.values()],
                ignore_conflicts=True,
                batch_size=2000,
            )


def _import_nabh(ctx: ImportContext, reg: NabhRegister) -> ImportStats:
    stats = ImportStats()
    body = AccreditationBody.objects.get(code=reg.body_code)
    parsed = _parse_nabh(reg, stats)
    plan = _transform_nabh(reg, body, parsed, stats)
    _sync_nabh(ctx, reg, body, plan, stats)
    return stats


NABH_HOSPITALS = NabhRegister(
    path_key="nabh_hospitals",
    columns=NABH_COLUMNS,
    prefix="nabh",
    hospital_source=Hospital.Source.NABH_REGISTER,
    kind=Hospital.Kind.HOSPITAL,
    body_code="NABH",
    register_name="NABH register of accredited hospitals",
    match_wikidata=True,
    level="Full accreditation",
)
NABH_DENTAL = NabhRegister(
    path_key="nabh_dental",
    columns=NABH_DENTAL_COLUMNS,
    prefix="nabh-dental",
    hospital_source=Hospital.Source.NABH_DENTAL_REGISTER,
    kind=Hospital.Kind.DENTAL,
    body_code="NABH_DENTAL",
    register_name="NABH register of accredited dental facilities",
    match_wikidata=False,
    level="Dental accreditation",
)


def import_nabh_hospitals(ctx: ImportContext) -> ImportStats:
    return _import_nabh(ctx, NABH_HOSPITALS)


def import_nabh_dental(ctx: ImportContext) -> ImportStats:
    return _import_nabh(ctx, NABH_DENTAL)


# --- Wikidata hospitals ------------------------------------------------------------------------------------


def import_wikidata(ctx: ImportContext) -> ImportStats:
    source = path("wikidata")
    lines = read_csv(source, WIKIDATA_COLUMNS)
    stats = ImportStats()
    merged = set(
        Hospital.objects.exclude(source=Hospital.Source.WIKIDATA)
        .exclude(wikidata_qid__isnull=True)
        .values_list("wikidata_qid", flat=True)
    )
    rows = []
    seen: set[str] = set()
    merged_count = 0
    for line, r in lines:
        if "__bad__" in r:
            stats.bad_row(source, line, r["__bad__"])
            continue
        qid = r["wikidata_qid"].strip()
        if not _QID_RE.match(qid) or qid in seen:
            stats.bad_row(source, line, f"missing or duplicate Wikidata id {qid!r}")
            continue
        seen.add(qid)
        if qid in merged:
            merged_count += 1
            continue
        name = _clean(r["name"])
        if _QID_RE.match(name):
            stats.bad_row(source, line, f"{qid} has no label in the fallback languages")
            continue
        country = next((WIKIDATA_COUNTRIES[c] for c in r["country"].split(" | ") if c in WIKIDATA_COUNTRIES), None)
        if country is None:
            stats.bad_row(source, line, f"not in a destination country: {r['country']!r}")
            continue
        try:
            lat, lon = float(r["lat"]), float(r["lon"])
        except ValueError:
            stats.bad_row(source, line, "no coordinates")
            continue
        rows.append(
            {
                "source_key": f"wikidata:{qid}",
                "wikidata_qid": qid,
                "name": name[:255],
                "kind": Hospital.Kind.HOSPITAL,
                "country_id": country,
                "latitude": lat,
                "longitude": lon,
                "location_source": Hospital.LocationSource.WIKIDATA,
                "website": _first_url(r["official_website"]),
                "source": Hospital.Source.WIKIDATA,
            }
        )
    sync_rows(
        Hospital,
        rows,
        key=("source_key",),
        stats=stats,
        ctx=ctx,
        existing=Hospital.objects.filter(source=Hospital.Source.WIKIDATA),
        desc="wikidata hospitals",
    )
    # Items now merged into a register facility (or gone from the file) are removed, unless
    # something hangs off them (an accreditation, doctor, offer or partner), which a person resolves.
    keep = {r["source_key"] for r in rows}
    stale = (
        Hospital.objects.filter(source=Hospital.Source.WIKIDATA)
        .exclude(source_key__in=keep)
        .filter(accreditations__isnull=True, doctors__isnull=True, offers__isnull=True, memberships__isnull=True)
    )
    stale_ids = list(stale.values_list("pk", flat=True))
    for i in range(0, len(stale_ids), 500):
        with transaction.atomic():
            Hospital.objects.filter(pk__in=stale_ids[i : i + 500]).delete()
    stats.removed += len(stale_ids)
    stats.notes.append(f"{merged_count} Wikidata items are NABH hospitals already (location merged there)")
    return stats


# --- Nearest international airport ---------------------------------------------------------------------------


MAIN_AIRPORT_MAX_KM = 100.0  # a hospital farther than this from its city's main airport uses the nearest one


def _is_international(a: AirportFacts) -> bool:
    return a.size == Airport.Size.LARGE or "international" in a.name.casefold()


class _CityMains:
    """The main international airport of each hospital city (catalog.airports' rule), computed
    once per (country, city)."""

    def __init__(self, airports: list[AirportFacts]) -> None:
        self.by_country: dict[str, list[AirportFacts]] = defaultdict(list)
        for a in airports:
            self.by_country[a.country].append(a)
        self.found: dict[tuple[str, str], AirportFacts | None] = {}

    def get(self, country: str, city: str) -> AirportFacts | None:
        key = (country, city.casefold())
        if key not in self.found:
            answer = city_airport(self.by_country.get(country, []), country, city) if city else None
            main = answer.airport if answer is not None else None
            self.found[key] = main if main is not None and _is_international(main) else None
        return self.found[key]


def _hospital_airport(
    h: dict[str, Any], mains: _CityMains, index: PointIndex[str], towns: dict[str, str]
) -> tuple[str | None, float | None, str]:
    """(airport ident, km, basis): the main international airport of the hospital's city (its own
    city, else the city of its nearest international airport) when the hospital is within
    MAIN_AIRPORT_MAX_KM of it; else the nearest international airport; without coordinates, the
    city's main international airport."""
    if h["latitude"] is None or h["longitude"] is None:
        main = mains.get(h["country_id"], h["city"] or "")
        return (main.ident, None, Hospital.AirportBasis.CITY) if main else (None, None, Hospital.AirportBasis.NONE)
    found = index.nearest(h["latitude"], h["longitude"])
    if found is None:
        return None, None, Hospital.AirportBasis.NONE
    main = mains.get(h["country_id"], h["city"] or towns.get(found[1], ""))
    if main is not None:
        km = haversine_km(h["latitude"], h["longitude"], main.latitude, main.longitude)
        if km <= MAIN_AIRPORT_MAX_KM:
            return main.ident, round(km, 1), Hospital.AirportBasis.CITY_MAIN
    return found[1], round(found[0], 1), Hospital.AirportBasis.COORDINATES


def import_nearest_airports(ctx: ImportContext) -> ImportStats:
    stats = ImportStats()
    everything = [airport_facts(a) for a in Airport.objects.all()]
    international = [a for a in everything if _is_international(a)]
    index: PointIndex[str] = PointIndex(Point(a.latitude, a.longitude, a.ident) for a in international)
    mains = _CityMains(everything)
    towns = {a.ident: a.municipality for a in international}
    rows = []
    fields = ("id", "latitude", "longitude", "city", "country_id")
    for h in Hospital.objects.values(*fields).iterator(chunk_size=5000):
        ident, km, basis = _hospital_airport(h, mains, index, towns)
        rows.append({"id": h["id"], "nearest_airport_id": ident, "nearest_airport_km": km, "airport_basis": basis})
    sync_rows(Hospital, rows, key=("id",), stats=stats, ctx=ctx, desc="nearest airports")
    counts = {basis: sum(1 for r in rows if r["airport_basis"] == basis) for basis in Hospital.AirportBasis.values}
    stats.notes.append(
        f"{counts[Hospital.AirportBasis.CITY_MAIN]} at their city's main airport, "
        f"{counts[Hospital.AirportBasis.COORDINATES]} by coordinates, {counts[Hospital.AirportBasis.CITY]} by city, "
        f"{counts[Hospital.AirportBasis.NONE]} unknown"
    )
    return stats


# --- Registration --------------------------------------------------------------------------------------------

_BODIES_VERSION = "bodies-v1"
register(
    Importer("accreditation_bodies", 100, "accreditation bodies (JCI, NABH)", lambda: [_BODIES_VERSION], import_bodies)
)
register(
    Importer(
        "nabh_hospitals",
        110,
        "NABH full-accredited hospitals (located through Wikidata where the name matches)",
        lambda: [path("nabh_hospitals"), path("wikidata"), path("airports"), _BODIES_VERSION, "match-v2"],
        import_nabh_hospitals,
    )
)
register(
    Importer(
        "nabh_dental",
        120,
        "NABH accredited dental facilities",
        lambda: [path("nabh_dental"), _BODIES_VERSION, "dental-level-v2"],
        import_nabh_dental,
    )
)
register(
    Importer(
        "wikidata_hospitals",
        130,
        "Wikidata hospitals of the destination countries (not in the network: no accreditation)",
        lambda: [path("wikidata"), path("nabh_hospitals"), path("airports"), "match-v2"],
        import_wikidata,
    )
)
register(
    Importer(
        "nearest_airports",
        140,
        "each hospital's airport: its city's main international airport, else the nearest international one",
        lambda: [
            path("airports"),
            MAIN_AIRPORTS_FILE,
            RUNWAYS_FILE,
            path("nabh_hospitals"),
            path("nabh_dental"),
            path("wikidata"),
            "airports-v2",
        ],
        import_nearest_airports,
    )
)
