"""The catalogue's importers (registered with ``catalog.importing``): countries, currencies and
languages from pycountry and babel; the specialty taxonomy; airports; visa rules; ECB exchange
rates; fit-to-fly guidance; procedures; reference prices. Each reads files under
``medijourney/data/`` (see each folder's PROVENANCE.md)."""

import datetime
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import airportsdata
import babel
import pycountry
from babel import Locale
from babel.languages import get_official_languages
from babel.numbers import get_territory_currencies

from . import ecb, home_prices
from .importing import (
    DATA_DIR,
    ImportContext,
    Importer,
    ImportStats,
    MalformedFileError,
    parse_decimal,
    read_csv,
    register,
    sync_rows,
)
from .models import (
    Airport,
    Country,
    Currency,
    ExchangeRate,
    FitToFlyGuidance,
    Language,
    Procedure,
    ReferencePrice,
    Specialty,
    VisaRule,
)

AIRPORTS_CSV = DATA_DIR / "airports" / "ourairports_scheduled_large_medium.csv"
VISA_CSV = DATA_DIR / "visa" / "passport-index-tidy-iso2.csv"
FX_CSV = DATA_DIR / "exchange_rates" / "ecb_eurofxref_2020_on.csv"
SPECIALTIES_JSON = DATA_DIR / "taxonomy" / "specialties.json"
FIT_TO_FLY_CSV = DATA_DIR / "travel_recovery" / "fit_to_fly_after_procedures.csv"
PROCEDURES_CSV = DATA_DIR / "procedures" / "procedures.csv"
PRICE_MAP_CSV = DATA_DIR / "prices" / "procedure_price_map.csv"
CITED_PRICES_CSV = DATA_DIR / "prices" / "medical_tourism_price_points_cited.csv"
CGHS_CSV = DATA_DIR / "prices" / "cghs_pune_package_rates_2024_inr.csv"
US_COSMETIC_CSV = DATA_DIR / "prices" / "us_cosmetic_procedure_costs_by_city_2026.csv"
HOME_MAP_CSV = DATA_DIR / "prices" / "home_reference_map.csv"
NHS_NCC_CSV = DATA_DIR / "prices" / "uk_nhs_ncc_selected_hrgs.csv"
CMS_DRG_CSV = DATA_DIR / "prices" / "us_cms_inpatient_drg100_fy2011.csv"

# The main medical-travel destinations the catalogue covers (issue 3).
DESTINATIONS = ("IN", "TH", "TR", "MX", "SG", "MY", "KR", "AE", "CR", "CO", "PL", "HU", "DE")

VISA_DATA_DATE = datetime.date(2025, 1, 12)
# Dates stated in medijourney/data/procedures/PROVENANCE.md and travel_recovery/PROVENANCE.md.
PROCEDURES_DATA_DATE = datetime.date(2026, 11, 24)
FIT_TO_FLY_DATA_DATE = datetime.date(2026, 11, 24)
# The update date is VISA_DATA_DATE (each rule's data_date); pages show it in the one date format.
VISA_SOURCE = "Passport Index dataset (github.com/ilyankou/passport-index-dataset)"
VISA_SOURCE_URL = "https://github.com/ilyankou/passport-index-dataset"

# Paths are resolved at call time so tests can point an importer at a fixture file.
PATHS: dict[str, Path] = {
    "airports": AIRPORTS_CSV,
    "visa": VISA_CSV,
    "fx": FX_CSV,
    "specialties": SPECIALTIES_JSON,
    "fit_to_fly": FIT_TO_FLY_CSV,
    "procedures": PROCEDURES_CSV,
    "price_map": PRICE_MAP_CSV,
    "cited_prices": CITED_PRICES_CSV,
    "cghs": CGHS_CSV,
    "us_cosmetic": US_COSMETIC_CSV,
    "home_map": HOME_MAP_CSV,
    "nhs_ncc": NHS_NCC_CSV,
    "cms_drg": CMS_DRG_CSV,
}


def path(key: str) -> Path:
    return PATHS[key]


# --- Countries, currencies, languages ----------------------------------------------------------


def _english() -> Locale:
    return Locale("en")


def import_countries(ctx: ImportContext) -> ImportStats:
    stats = ImportStats()
    english = _english()
    currencies = [
        {"code": c.alpha_3, "name": c.name, "numeric": getattr(c, "numeric", "")} for c in pycountry.currencies
    ]
    sync_rows(Currency, currencies, key=("code",), stats=stats, ctx=ctx, desc="currencies")
    known_currencies = {c["code"] for c in currencies}

    languages = []
    for lang in pycountry.languages:
        code = getattr(lang, "alpha_2", None)
        if not code:
            continue
        try:
            native = Locale(code).get_display_name(code) or ""
        except (ValueError, babel.UnknownLocaleError):
            native = ""
        languages.append({"code": code, "name": english.languages.get(code, lang.name), "native_name": native})
    sync_rows(Language, languages, key=("code",), stats=stats, ctx=ctx, desc="languages")

    countries = []
    codes = [c.alpha_2 for c in pycountry.countries] + ["XK"]  # Kosovo: in the visa data, not in ISO 3166
    for code in codes:
        iso = pycountry.countries.get(alpha_2=code)
        name = english.territories.get(code) or (getattr(iso, "common_name", None) or iso.name if iso else code)
        currency = next((c for c in get_territory_currencies(code) if c in known_currencies), None)
        official = [tag.replace("_", "-") for tag in get_official_languages(code, de_facto=True)]
        countries.append(
            {
                "code": code,
                "name": name,
                "alpha3": iso.alpha_3 if iso else "",
                "currency_id": currency,
                "languages": official,
                "is_destination": code in DESTINATIONS,
            }
        )
    sync_rows(Country, countries, key=("code",), stats=stats, ctx=ctx, desc="countries")
    return stats


# --- Specialties -------------------------------------------------------------------------------------


def import_specialties(ctx: ImportContext) -> ImportStats:
    source = path("specialties")
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        items = data["specialties"]
        rows = [
            {"id": s["id"], "name": s["name"], "definition": s.get("definition", ""), "position": i}
            for i, s in enumerate(items, start=1)
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise MalformedFileError(f"{source}: not the specialty taxonomy JSON ({exc})") from None
    stats = ImportStats()
    sync_rows(Specialty, rows, key=("id",), stats=stats, ctx=ctx, desc="specialties")
    return stats


# --- Airports ------------------------------------------------------------------------------------------

AIRPORT_COLUMNS = [
    "ident",
    "type",
    "name",
    "latitude_deg",
    "longitude_deg",
    "iso_country",
    "municipality",
    "scheduled_service",
    "iata_code",
]


def import_airports(ctx: ImportContext) -> ImportStats:
    source = path("airports")
    lines = read_csv(source, AIRPORT_COLUMNS)
    stats = ImportStats()
    by_icao = airportsdata.load("ICAO")
    by_iata = airportsdata.load("IATA")
    countries = set(Country.objects.values_list("code", flat=True))
    rows = []
    for line, r in lines:
        if "__bad__" in r:
            stats.bad_row(source, line, r["__bad__"])
            continue
        if r["type"] not in Airport.Size.values:
            stats.bad_row(source, line, f"unknown airport type {r['type']!r}")
            continue
        if r["iso_country"] not in countries:
            stats.bad_row(source, line, f"unknown country {r['iso_country']!r}")
            continue
        try:
            lat, lon = float(r["latitude_deg"]), float(r["longitude_deg"])
        except ValueError:
            stats.bad_row(source, line, "coordinates are not numbers")
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            stats.bad_row(source, line, "coordinates out of range")
            continue
        iata = r["iata_code"].strip().upper()
        known = by_icao.get(r["ident"]) or (by_iata.get(iata) if iata else None)
        rows.append(
            {
                "ident": r["ident"].strip(),
                "iata": iata,
                "name": r["name"].strip(),
                "city": r["municipality"].strip(),
                "country_id": r["iso_country"],
                "latitude": lat,
                "longitude": lon,
                "size": r["type"],
                "is_international": r["type"] == Airport.Size.LARGE or "international" in r["name"].lower(),
                "time_zone": known.get("tz", "") if known else "",
            }
        )
    sync_rows(Airport, rows, key=("ident",), stats=stats, ctx=ctx, prune=True, desc="airports")
    return stats


# --- Visa rules ------------------------------------------------------------------------------------------

_REQ = VisaRule.Requirement
_VISA_VALUES = {
    "visa free": _REQ.VISA_FREE,
    "visa on arrival": _REQ.VISA_ON_ARRIVAL,
    "e-visa": _REQ.E_VISA,
    "eta": _REQ.ETA,
    "visa required": _REQ.VISA_REQUIRED,
    "no admission": _REQ.NO_ADMISSION,
    "-1": _REQ.SAME_COUNTRY,
}


def normalise_visa(raw: str) -> tuple[str, int | None]:
    """A Passport Index value → (requirement, days allowed or None). Raises ValueError."""
    value = raw.strip().lower()
    if value in _VISA_VALUES:
        return str(_VISA_VALUES[value]), None
    if value.isdigit() and 0 < int(value) <= 3650:
        return str(_REQ.VISA_FREE), int(value)
    raise ValueError(f"unknown requirement {raw!r}")


def import_visa(ctx: ImportContext) -> ImportStats:
    source = path("visa")
    lines = read_csv(source, ["Passport", "Destination", "Requirement"])
    stats = ImportStats()
    countries = set(Country.objects.values_list("code", flat=True))
    rows = []
    seen: set[tuple[str, str]] = set()
    for line, r in lines:
        if "__bad__" in r:
            stats.bad_row(source, line, r["__bad__"])
            continue
        passport, destination = r["Passport"].strip().upper(), r["Destination"].strip().upper()
        if passport not in countries or destination not in countries:
            stats.bad_row(source, line, f"unknown country code in {passport!r} → {destination!r}")
            continue
        if (passport, destination) in seen:
            stats.bad_row(source, line, f"duplicate pair {passport} → {destination}")
            continue
        try:
            requirement, days = normalise_visa(r["Requirement"])
        except ValueError as exc:
            stats.bad_row(source, line, str(exc))
            continue
        seen.add((passport, destination))
        rows.append(
            {
                "passport_id": passport,
                "destination_id": destination,
                "requirement": requirement,
                "days_allowed": days,
                "raw_value": r["Requirement"].strip(),
                "data_date": VISA_DATA_DATE,
                "source": VISA_SOURCE,
                "source_url": VISA_SOURCE_URL,
            }
        )
    sync_rows(VisaRule, rows, key=("passport_id", "destination_id"), stats=stats, ctx=ctx, prune=True, desc="visa")
    return stats


# --- Exchange rates --------------------------------------------------------------------------------------


def store_rates(parsed: ecb.ParsedRates, *, name: str, stats: ImportStats, ctx: ImportContext | None) -> None:
    for line, reason in parsed.problems:
        stats.bad_row(name, line, reason)
    rows = [
        {"currency": code, "date": day, "units_per_eur": rate, "source": ecb.ECB_SOURCE}
        for code, day, rate in parsed.rates
    ]
    days = [day for _code, day, _rate in parsed.rates]
    existing = ExchangeRate.objects.filter(date__gte=min(days), date__lte=max(days)) if days else None
    sync_rows(ExchangeRate, rows, key=("currency", "date"), stats=stats, ctx=ctx, existing=existing, desc="fx")


def import_fx(ctx: ImportContext) -> ImportStats:
    source = path("fx")
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise MalformedFileError(f"{source}: file not found") from None
    parsed = ecb.parse(data, str(source))
    stats = ImportStats()
    store_rates(parsed, name=str(source), stats=stats, ctx=ctx)
    return stats


# --- Fit to fly --------------------------------------------------------------------------------------------

FIT_TO_FLY_COLUMNS = [
    "condition_or_procedure",
    "category",
    "min_days_before_flying",
    "recommended_days_before_flying",
    "guidance",
    "authority",
    "source_url",
    "secondary_source_url",
    "notes",
]


def _days(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValueError(f"not a whole number of days: {value!r}")
    return int(value)


def import_fit_to_fly(ctx: ImportContext) -> ImportStats:
    source = path("fit_to_fly")
    lines = read_csv(source, FIT_TO_FLY_COLUMNS)
    stats = ImportStats()
    rows = []
    for line, r in lines:
        if "__bad__" in r:
            stats.bad_row(source, line, r["__bad__"])
            continue
        try:
            min_days, rec_days = _days(r["min_days_before_flying"]), _days(r["recommended_days_before_flying"])
        except ValueError as exc:
            stats.bad_row(source, line, str(exc))
            continue
        if not r["condition_or_procedure"].strip() or not r["source_url"].strip():
            stats.bad_row(source, line, "condition and source_url are required")
            continue
        rows.append(
            {
                "condition": r["condition_or_procedure"].strip(),
                "category": r["category"].strip(),
                "min_days_before_flying": min_days,
                "recommended_days_before_flying": rec_days,
                "guidance": r["guidance"].strip(),
                "authority": r["authority"].strip(),
                "source_url": r["source_url"].strip(),
                "secondary_source_url": r["secondary_source_url"].strip(),
                "notes": r["notes"].strip(),
                "data_date": FIT_TO_FLY_DATA_DATE,
            }
        )
    sync_rows(FitToFlyGuidance, rows, key=("condition",), stats=stats, ctx=ctx, desc="fit to fly")
    return stats


# --- Procedures (file written by the triage engineer; contracts.md §1) -----------------------------------

PROCEDURE_COLUMNS = [
    "slug",
    "name",
    "specialty",
    "synonyms",
    "description",
    "inpatient_nights",
    "total_days",
    "fit_to_fly_condition",
    "min_days_before_flying",
    "stay_source",
]
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _procedure_min_days(
    fit: FitToFlyGuidance | None, min_days: int | None, stats: ImportStats, source: Path, line: int
) -> int | None:
    """The days before flying: the guidance row's figure wins; without guidance, unknown."""
    if fit is None:
        if min_days is not None:
            stats.warn(source, line, "min_days_before_flying without a fit_to_fly_condition; shown as unknown")
        return None
    if min_days != fit.min_days_before_flying:
        stats.warn(
            source,
            line,
            f"min_days_before_flying {min_days} differs from the guidance row "
            f"({fit.min_days_before_flying}); the guidance value is used",
        )
    return fit.min_days_before_flying


def import_procedures(ctx: ImportContext) -> ImportStats:
    source = path("procedures")
    lines = read_csv(source, PROCEDURE_COLUMNS)
    stats = ImportStats()
    specialties = set(Specialty.objects.values_list("id", flat=True))
    guidance = {g.condition: g for g in FitToFlyGuidance.objects.all()}
    rows = []
    seen: set[str] = set()
    for line, r in lines:
        if "__bad__" in r:
            stats.bad_row(source, line, r["__bad__"])
            continue
        slug = r["slug"].strip()
        if not _SLUG_RE.match(slug) or len(slug) > 80:
            stats.bad_row(source, line, f"slug {slug!r} is not kebab-case")
            continue
        if slug in seen:
            stats.bad_row(source, line, f"duplicate slug {slug!r}")
            continue
        if not r["name"].strip():
            stats.bad_row(source, line, "name is empty")
            continue
        if r["specialty"].strip() not in specialties:
            stats.bad_row(source, line, f"unknown specialty {r['specialty']!r}")
            continue
        try:
            nights, total = _days(r["inpatient_nights"]), _days(r["total_days"])
            min_days = _days(r["min_days_before_flying"])
        except ValueError as exc:
            stats.bad_row(source, line, str(exc))
            continue
        condition = r["fit_to_fly_condition"].strip()
        if condition and condition not in guidance:
            stats.bad_row(source, line, f"fit_to_fly_condition {condition!r} is not a row of the fit-to-fly file")
            continue
        fit = guidance.get(condition) if condition else None
        min_days = _procedure_min_days(fit, min_days, stats, source, line)
        seen.add(slug)
        rows.append(
            {
                "slug": slug,
                "name": r["name"].strip(),
                "specialty_id": r["specialty"].strip(),
                "synonyms": [s.strip() for s in r["synonyms"].split(";") if s.strip()],
                "description": r["description"].strip(),
                "inpatient_nights": nights,
                "total_days": total,
                "stay_source": r["stay_source"].strip() or Procedure.EDITORIAL_ESTIMATE,
                "fit_to_fly_id": fit.pk if fit else None,
                "min_days_before_flying": min_days,
                "data_date": PROCEDURES_DATA_DATE,
            }
        )
    sync_rows(Procedure, rows, key=("slug",), stats=stats, ctx=ctx, desc="procedures")
    gone = Procedure.objects.exclude(slug__in=seen).count()
    if gone:
        stats.notes.append(f"{gone} procedure(s) in the database are no longer in the file; left in place")
    return stats


# --- Reference prices ----------------------------------------------------------------------------------------

PRICE_MAP_COLUMNS = ["dataset", "source_procedure", "procedure_slug", "source_url_contains", "note"]
CITED_COLUMNS = [
    "procedure",
    "procedure_group",
    "country",
    "price_usd",
    "price_usd_low",
    "price_usd_high",
    "price_type",
    "currency",
    "data_year",
    "source",
    "source_url",
    "notes",
]
CGHS_COLUMNS = ["sr_no", "section", "procedure", "non_nabh_rate_inr", "nabh_rate_inr", "flag"]
US_COSMETIC_COLUMNS = [
    "procedure",
    "procedure_slug",
    "city",
    "city_slug",
    "low",
    "mid",
    "high",
    "source_url",
    "sample_size",
    "last_updated_UTC",
]
CGHS_LABEL = "CGHS government ceiling package rate (India), not a private-patient price"
CGHS_SOURCE = "CGHS, MoHFW, Government of India (CGHS Pune rate list, updated 04/07/2024)"
CGHS_NOTE = (
    "Government-negotiated ceiling package rate for CGHS beneficiaries (low = non-NABH hospital, "
    "high = NABH-accredited hospital); private and foreign patients usually pay several times more; "
    "implants and stents are often extra. Transcribed copy: github.com/Dnyanesh-29/"
    "Medicon-Medical_Bills_Analyzer_with_AI_Precision (cghs_rates.json)."
)
US_COSMETIC_SOURCE = "AestheticMatch Cost of Cosmetic Procedures Dataset (CC BY 4.0), figures from RealSelf cost pages"
# Country names used by the cited price file that differ from the country table's English names.
COUNTRY_ALIASES = {"united states": "US", "czech republic": "CZ", "turkey": "TR", "south korea": "KR"}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def _key(*parts: str) -> str:
    joined = "|".join(parts)
    return joined if len(joined) <= 200 else joined[:150] + "#" + hashlib.sha256(joined.encode()).hexdigest()[:40]


def _country_lookup() -> dict[str, str]:
    names = {_norm(name): code for code, name in Country.objects.values_list("code", "name")}
    names.update(COUNTRY_ALIASES)
    return names


# (dataset, normalised source name) → [(procedure pk, part its source URL must contain)]
PriceMapping = dict[tuple[str, str], list[tuple[int, str]]]


def _price_mapping(stats: ImportStats) -> PriceMapping:
    """The hand-made map from each dataset's procedure names to the project's procedures."""
    map_path = path("price_map")
    procedures = dict(Procedure.objects.values_list("slug", "pk"))
    mapping: PriceMapping = defaultdict(list)
    for line, r in read_csv(map_path, PRICE_MAP_COLUMNS):
        if "__bad__" in r:
            stats.bad_row(map_path, line, r["__bad__"])
            continue
        dataset = r["dataset"].strip()
        if dataset not in ReferencePrice.Dataset.values:
            stats.bad_row(map_path, line, f"unknown dataset {dataset!r}")
            continue
        slug = r["procedure_slug"].strip()
        if slug not in procedures:
            stats.bad_row(map_path, line, f"unknown procedure slug {slug!r}")
            continue
        mapping[(dataset, _norm(r["source_procedure"]))].append((procedures[slug], r["source_url_contains"].strip()))
    return mapping


def _money(stats: ImportStats, source: Path, line: int, *values: str) -> list[Decimal | None] | None:
    try:
        return [parse_decimal(v) for v in values]
    except ValueError as exc:
        stats.bad_row(source, line, str(exc))
        return None


def _mapped_lines(
    source: Path, columns: list[str], dataset: str, mapping: PriceMapping, stats: ImportStats
) -> Iterator[tuple[int, dict[str, str], list[tuple[int, str]]]]:
    """Parse: the dataset's well-formed lines whose procedure is mapped, with their targets."""
    for line, r in read_csv(source, columns):
        if "__bad__" in r:
            stats.bad_row(source, line, r["__bad__"])
            continue
        targets = mapping.get((dataset, _norm(r["procedure"])))
        if targets:
            yield line, r, targets


def _cited_price_rows(mapping: PriceMapping, stats: ImportStats) -> list[dict[str, Any]]:
    """Cited price points (one figure or a range in USD, each with its own source)."""
    source = path("cited_prices")
    countries = _country_lookup()
    rows: list[dict[str, Any]] = []
    for line, r, targets in _mapped_lines(source, CITED_COLUMNS, "cited", mapping, stats):
        country = countries.get(_norm(r["country"]))
        if country is None:
            stats.bad_row(source, line, f"unknown country {r['country']!r}")
            continue
        amounts = _money(stats, source, line, r["price_usd"], r["price_usd_low"], r["price_usd_high"])
        if amounts is None:
            continue
        if all(a is None for a in amounts):
            stats.bad_row(source, line, "no price")
            continue
        rows.extend(
            {
                "procedure_id": procedure_pk,
                "country_id": country,
                "city": "",
                "dataset": ReferencePrice.Dataset.CITED,
                "source_key": _key(r["procedure"], r["country"], r["source"], r["price_type"], r["data_year"]),
                "source_label": r["procedure"].strip(),
                "currency": (r["currency"].strip() or "USD").upper(),
                "price": amounts[0],
                "price_low": amounts[1],
                "price_high": amounts[2],
                "price_type": r["price_type"].strip(),
                "data_year": r["data_year"].strip(),
                "source": r["source"].strip(),
                "source_url": r["source_url"].strip(),
                "sample_size": None,
                "notes": r["notes"].strip(),
            }
            for procedure_pk, _part in targets
        )
    return rows


def _cghs_price_rows(mapping: PriceMapping, stats: ImportStats) -> list[dict[str, Any]]:
    """CGHS ceiling package rates (a range in INR: non-NABH and NABH hospital)."""
    source = path("cghs")
    rows: list[dict[str, Any]] = []
    for line, r, targets in _mapped_lines(source, CGHS_COLUMNS, "cghs", mapping, stats):
        if r["flag"].strip():
            stats.bad_row(source, line, f"flagged in the source as a likely extraction error ({r['flag'].strip()})")
            continue
        amounts = _money(stats, source, line, r["non_nabh_rate_inr"], r["nabh_rate_inr"])
        if amounts is None:
            continue
        low, high = amounts
        if low is None or high is None:
            stats.bad_row(source, line, "a rate is missing")
            continue
        rows.extend(
            {
                "procedure_id": procedure_pk,
                "country_id": "IN",
                "city": "Pune",
                "dataset": ReferencePrice.Dataset.CGHS,
                "source_key": _key(r["sr_no"], r["procedure"]),
                "source_label": r["procedure"].strip(),
                "currency": "INR",
                "price": None,
                "price_low": min(low, high),
                "price_high": max(low, high),
                "price_type": CGHS_LABEL,
                "data_year": "2024 (rate list updated 04/07/2024)",
                "source": CGHS_SOURCE,
                "source_url": "https://cghs.mohfw.gov.in/",
                "sample_size": None,
                "notes": CGHS_NOTE,
            }
            for procedure_pk, _part in targets
        )
    return rows


def _sample_size(value: str) -> int | None:
    try:
        return int(value) if value.strip() else None
    except ValueError:
        return None


def _us_cosmetic_price_rows(mapping: PriceMapping, stats: ImportStats) -> list[dict[str, Any]]:
    """US cosmetic procedure costs per city (low, mid, high in USD, with the sample size)."""
    source = path("us_cosmetic")
    rows: list[dict[str, Any]] = []
    for line, r, targets in _mapped_lines(source, US_COSMETIC_COLUMNS, "us_cosmetic", mapping, stats):
        url = r["source_url"].strip()
        amounts = _money(stats, source, line, r["mid"], r["low"], r["high"])
        if amounts is None:
            continue
        for procedure_pk, part in targets:
            if part and part not in url:
                stats.bad_row(source, line, f"procedure {r['procedure']!r} does not match its source URL {url}")
                continue
            sample = _sample_size(r["sample_size"])
            rows.append(
                {
                    "procedure_id": procedure_pk,
                    "country_id": "US",
                    "city": r["city"].strip(),
                    "dataset": ReferencePrice.Dataset.US_COSMETIC,
                    "source_key": _key(r["city"], r["procedure"], url),
                    "source_label": r["procedure"].strip(),
                    "currency": "USD",
                    "price": amounts[0],
                    "price_low": amounts[1],
                    "price_high": amounts[2],
                    "price_type": "typical cost in the city (low, mid, high), as published",
                    "data_year": f"2026 (updated {r['last_updated_UTC'][:10]})",
                    "source": US_COSMETIC_SOURCE,
                    "source_url": url,
                    "sample_size": sample,
                    "notes": "Often based on a single report (sample size shown)." if sample == 1 else "",
                }
            )
    return rows


def import_reference_prices(ctx: ImportContext) -> ImportStats:
    stats = ImportStats()
    mapping = _price_mapping(stats)
    procedures = dict(Procedure.objects.values_list("slug", "pk"))
    rows = [
        *_cited_price_rows(mapping, stats),
        *_cghs_price_rows(mapping, stats),
        *_us_cosmetic_price_rows(mapping, stats),
        *home_prices.ncc_rows(path("home_map"), path("nhs_ncc"), procedures, stats),
        *home_prices.cms_rows(path("home_map"), path("cms_drg"), procedures, stats),
    ]
    sync_rows(
        ReferencePrice,
        rows,
        key=("dataset", "source_key", "procedure_id"),
        stats=stats,
        ctx=ctx,
        prune=True,
        desc="reference prices",
    )
    return stats


# --- Registration -----------------------------------------------------------------------------------------------


def _versions() -> str:
    return f"pycountry {pycountry.__version__ if hasattr(pycountry, '__version__') else ''}; babel {babel.__version__}"


register(
    Importer(
        "countries",
        10,
        "countries, currencies and languages (pycountry, babel)",
        lambda: [_versions()],
        import_countries,
    )
)
register(Importer("specialties", 20, "the 18-specialty taxonomy", lambda: [path("specialties")], import_specialties))
register(
    Importer(
        "airports",
        30,
        "scheduled large and medium airports (OurAirports; time zones from airportsdata)",
        lambda: [path("airports"), f"airportsdata {getattr(airportsdata, '__version__', '')}"],
        import_airports,
    )
)
register(
    Importer(
        "visa",
        40,
        "visa rules passport → destination (Passport Index)",
        lambda: [path("visa"), "source-v2"],
        import_visa,
    )
)
register(Importer("fx", 50, "ECB euro reference exchange rates", lambda: [path("fx")], import_fx))
register(
    Importer(
        "fit_to_fly",
        60,
        "fit-to-fly guidance after procedures (UK CAA)",
        lambda: [path("fit_to_fly"), "dated-v1"],
        import_fit_to_fly,
    )
)
register(
    Importer(
        "procedures",
        70,
        "procedures (medijourney/data/procedures/procedures.csv)",
        lambda: [path("procedures"), path("fit_to_fly"), path("specialties"), "dated-v1"],
        import_procedures,
        optional_inputs=lambda: [path("procedures")],
    )
)
register(
    Importer(
        "reference_prices",
        80,
        "reference prices mapped to procedures (cited price points, CGHS, US cosmetic, NHS NCC, CMS MS-DRG)",
        lambda: [
            path("price_map"),
            path("cited_prices"),
            path("cghs"),
            path("us_cosmetic"),
            path("home_map"),
            path("nhs_ncc"),
            path("cms_drg"),
            path("procedures"),
            "countries-v1",
        ],
        import_reference_prices,
        optional_inputs=lambda: [path("procedures")],
    )
)
