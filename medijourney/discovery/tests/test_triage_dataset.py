"""The procedure dataset honours its contract (columns, coverage, honest fit-to-fly values)."""

import csv
import json
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data"
COLUMNS = [
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


@pytest.fixture(scope="module")
def rows():
    with (DATA / "procedures" / "procedures.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def _taxonomy_ids():
    for path in (DATA / "taxonomy" / "specialties.json", DATA.parent / "discovery" / "data" / "specialties.json"):
        if path.exists():
            return {s["id"] for s in json.loads(path.read_text(encoding="utf-8"))["specialties"]}
    raise AssertionError("no taxonomy")


def test_at_least_80_rows_covering_every_specialty_several_times(rows):
    assert len(rows) >= 80
    ids = _taxonomy_ids()
    assert len(ids) == 18
    per = {sid: sum(r["specialty"] == sid for r in rows) for sid in ids}
    assert min(per.values()) >= 5, per
    assert {r["specialty"] for r in rows} <= ids


def test_slugs_are_unique_kebab_case_and_required_ones_exist(rows):
    slugs = [r["slug"] for r in rows]
    assert len(slugs) == len(set(slugs))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)
    for required in ("knee-replacement", "hip-replacement", "cabg", "ivf-cycle", "dental-implant", "cataract-surgery"):
        assert required in slugs


def test_stays_are_integers_labelled_editorial_estimate(rows):
    for r in rows:
        nights, days = int(r["inpatient_nights"]), int(r["total_days"])
        assert 0 <= nights <= days, r["slug"]
        assert r["stay_source"] == "editorial estimate"
        assert r["name"].strip() and r["description"].strip()


def test_fit_to_fly_values_are_copied_from_the_caa_file_never_invented(rows):
    path = DATA / "travel_recovery" / "fit_to_fly_after_procedures.csv"
    if not path.exists():
        path = DATA.parents[1].parent / "shared" / "data" / "travel_recovery" / "fit_to_fly_after_procedures.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        source = {r["condition_or_procedure"]: r["min_days_before_flying"] for r in csv.DictReader(fh)}
    for r in rows:
        if r["fit_to_fly_condition"]:
            assert r["fit_to_fly_condition"] in source, r["slug"]
            assert r["min_days_before_flying"] == source[r["fit_to_fly_condition"]], r["slug"]
        else:
            assert r["min_days_before_flying"] == "", r["slug"]
