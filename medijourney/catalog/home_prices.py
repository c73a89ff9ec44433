"""Home-country reference prices from public cost and payment data (issue 18): NHS England's
National Cost Collection (average NHS cost per case, by HRG) and CMS Medicare's national average
payments per MS-DRG (FY2011). ``home_reference_map.csv`` says which HRGs or DRG stand for which
catalogue procedure, and in words what each figure covers; the labels say what the figure is NOT
(a private price, what an uninsured patient pays), and the year goes with it wherever it is shown.

An NHS figure is the activity-weighted average over the mapped HRGs (the CC-score splits) and
departments: total cost / total activity of the rows that publish both (suppressed cells skipped)."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from .importing import ImportStats, parse_decimal, read_csv

HOME_MAP_COLUMNS = ["dataset", "procedure_slug", "codes", "departments", "scope"]
NCC_COLUMNS = ["financial_year", "department", "hrg", "hrg_description", "activity", "unit_cost", "cost"]
CMS_COLUMNS = [
    "DRG Definition",
    "Total Discharges",
    "Average Covered Charges",
    "Average Total Payments",
    "Average Medicare Payments",
]
NCC_SOURCE = "NHS England National Cost Collection {year}, national schedule (Open Government Licence v3.0)"
NCC_URL = "https://www.england.nhs.uk/costing-in-the-nhs/national-cost-collection/"
NCC_TYPE = "average NHS cost per case in England, not a private price"
CMS_SOURCE = "CMS Medicare Provider Charge Data: Inpatient, national summary FY2011 (public domain)"
CMS_URL = "https://www.cms.gov/Research-Statistics-Data-and-Systems/Statistics-Trends-and-Reports/Medicare-Provider-Charge-Data/Inpatient"
CMS_TYPE = "average Medicare payment per stay in 2011, not what an uninsured patient pays"
CENT = Decimal("0.01")


def _map(map_path: Path, procedures: dict[str, int], stats: ImportStats) -> list[dict[str, Any]]:
    entries = []
    for line, r in read_csv(map_path, HOME_MAP_COLUMNS):
        if "__bad__" in r:
            stats.bad_row(map_path, line, r["__bad__"])
            continue
        dataset, slug = r["dataset"].strip(), r["procedure_slug"].strip()
        if dataset not in ("nhs_ncc", "cms_drg"):
            stats.bad_row(map_path, line, f"unknown dataset {dataset!r}")
            continue
        if slug not in procedures:
            stats.bad_row(map_path, line, f"unknown procedure slug {slug!r}")
            continue
        entries.append(
            {
                "dataset": dataset,
                "procedure_id": procedures[slug],
                "codes": r["codes"].split(),
                "departments": [d.strip() for d in r["departments"].split(";") if d.strip()],
                "scope": r["scope"].strip(),
            }
        )
    return entries


def _ncc_totals(source: Path, stats: ImportStats) -> dict[tuple[str, str, str], tuple[Decimal, Decimal]]:
    """(year, department, HRG) → (activity, cost), for rows that publish both."""
    totals: dict[tuple[str, str, str], tuple[Decimal, Decimal]] = {}
    for line, r in read_csv(source, NCC_COLUMNS):
        if "__bad__" in r:
            stats.bad_row(source, line, r["__bad__"])
            continue
        try:
            activity, cost = parse_decimal(r["activity"]), parse_decimal(r["cost"])
        except ValueError as exc:
            stats.bad_row(source, line, str(exc))
            continue
        if activity and cost:  # suppressed activity: no average can be formed
            totals[(r["financial_year"].strip(), r["department"].strip(), r["hrg"].strip())] = (activity, cost)
    return totals


def ncc_rows(map_path: Path, source: Path, procedures: dict[str, int], stats: ImportStats) -> list[dict[str, Any]]:
    totals = _ncc_totals(source, stats)
    years = sorted({year for year, _d, _h in totals})
    rows = []
    for entry in (e for e in _map(map_path, procedures, stats) if e["dataset"] == "nhs_ncc"):
        for year in years:
            found = [
                totals[k] for k in ((year, d, c) for d in entry["departments"] for c in entry["codes"]) if k in totals
            ]
            activity = sum((a for a, _c in found), Decimal(0))
            if not activity:
                stats.notes.append(f"NCC {year}: no published activity for {' '.join(entry['codes'])}")
                continue
            cost = sum((c for _a, c in found), Decimal(0))
            rows.append(
                {
                    "procedure_id": entry["procedure_id"],
                    "country_id": "GB",
                    "city": "",
                    "dataset": "nhs_ncc",
                    "source_key": f"{year}|{'+'.join(entry['departments'])}|{'+'.join(entry['codes'])}",
                    "source_label": entry["scope"],
                    "currency": "GBP",
                    "price": (cost / activity).quantize(CENT, ROUND_HALF_UP),
                    "price_low": None,
                    "price_high": None,
                    "price_type": NCC_TYPE,
                    "data_year": f"NHS financial year {year}",
                    "source": NCC_SOURCE.format(year=year),
                    "source_url": NCC_URL,
                    "sample_size": int(activity),
                    "notes": (
                        f"{entry['scope']}; {', '.join(entry['departments']).lower()}; average weighted by activity "
                        f"({int(activity):,} cases in England). The cost to the NHS of providing the care, not the NHS "
                        "Payment Scheme price and not a UK self-pay price."
                    ),
                }
            )
    return rows


def cms_rows(map_path: Path, source: Path, procedures: dict[str, int], stats: ImportStats) -> list[dict[str, Any]]:
    by_drg: dict[str, dict[str, str]] = {}
    lines: dict[str, int] = defaultdict(int)
    for line, r in read_csv(source, CMS_COLUMNS):
        if "__bad__" in r:
            stats.bad_row(source, line, r["__bad__"])
            continue
        drg = r["DRG Definition"].split(" - ", 1)[0].strip()
        by_drg[drg], lines[drg] = r, line
    rows = []
    for entry in (e for e in _map(map_path, procedures, stats) if e["dataset"] == "cms_drg"):
        for drg in entry["codes"]:
            found = by_drg.get(drg)
            if found is None:
                stats.notes.append(f"CMS FY2011: MS-DRG {drg} is not among the 100 published")
                continue
            r = found
            try:
                payment = parse_decimal(r["Average Total Payments"])
                discharges = parse_decimal(r["Total Discharges"])
            except ValueError as exc:
                stats.bad_row(source, lines[drg], str(exc))
                continue
            if payment is None:
                stats.bad_row(source, lines[drg], "no average total payment")
                continue
            rows.append(
                {
                    "procedure_id": entry["procedure_id"],
                    "country_id": "US",
                    "city": "",
                    "dataset": "cms_drg",
                    "source_key": f"FY2011|{drg}",
                    "source_label": r["DRG Definition"].strip(),
                    "currency": "USD",
                    "price": payment.quantize(CENT, ROUND_HALF_UP),
                    "price_low": None,
                    "price_high": None,
                    "price_type": CMS_TYPE,
                    "data_year": "US federal fiscal year 2011",
                    "source": CMS_SOURCE,
                    "source_url": CMS_URL,
                    "sample_size": int(discharges) if discharges else None,
                    "notes": (
                        f"{entry['scope']}. Average total payment per Medicare fee-for-service discharge (Medicare's "
                        "payment plus the patient's deductible and co-insurance), national, not adjusted for inflation; "
                        "hospitals' list charges and what an uninsured patient is billed are higher."
                    ),
                }
            )
    return rows
