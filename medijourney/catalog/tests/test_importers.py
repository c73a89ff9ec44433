import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from medijourney.catalog import importers
from medijourney.catalog.importing import ImportContext, MalformedFileError, registered_importers, run_importer
from medijourney.catalog.models import (
    Airport,
    Country,
    ExchangeRate,
    FitToFlyGuidance,
    ImportRun,
    Procedure,
    ReferencePrice,
    VisaRule,
)
from medijourney.catalog.tests.factories import ProcedureFactory, country, specialty

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def importer(name):
    return next(i for i in registered_importers() if i.name == name)


def run(name):
    imp = importer(name)
    return imp.run(ImportContext(importer=imp))


@pytest.fixture
def paths(monkeypatch):
    """Point the catalogue importers at small fixture files."""
    mapping = {
        "visa": "visa_small.csv",
        "fx": "ecb_small.csv",
        "fit_to_fly": "fit_to_fly_small.csv",
        "procedures": "procedures_small.csv",
        "price_map": "price_map_small.csv",
        "cited_prices": "cited_small.csv",
        "cghs": "cghs_small.csv",
        "us_cosmetic": "us_small.csv",
        "airports": "airports_small.csv",
        "home_map": "home_map_empty.csv",  # NHS and CMS figures: test_home_prices.py
    }
    for key, name in mapping.items():
        monkeypatch.setitem(importers.PATHS, key, FIXTURES / name)
    return importers.PATHS


@pytest.fixture
def countries():
    for code in ("GB", "IN", "TH", "US"):
        country(code)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_countries_currencies_languages_come_from_pycountry_and_babel():
    stats = run("countries")
    assert Country.objects.count() >= 249 and Country.objects.filter(code="XK", name="Kosovo").exists()
    india = Country.objects.get(code="IN")
    assert india.currency_id == "INR" and "hi" in india.languages and india.is_destination
    assert Country.objects.get(code="KR").name == "South Korea"
    assert Country.objects.filter(is_destination=True).count() == 13
    again = run("countries")
    assert stats.created > 0 and again.created == 0 and again.updated == 0


def test_visa_rules_are_normalised_with_source_and_date(paths, countries):
    stats = run("visa")
    assert stats.created == 5
    assert VisaRule.objects.get(passport="GB", destination="IN").requirement == "e_visa"
    free = VisaRule.objects.get(passport="GB", destination="TH")
    assert (free.requirement, free.days_allowed, free.raw_value) == ("visa_free", 30, "30")
    assert VisaRule.objects.get(passport="GB", destination="GB").requirement == "same_country"
    assert free.data_date == datetime.date(2025, 1, 12) and "Passport Index" in free.source
    # Bad rows are reported with file and line, and skipped.
    assert stats.skipped == 2
    assert "visa_small.csv:7: unknown country code in 'ZZ' → 'IN'" in stats.problems
    assert "visa_small.csv:8: unknown requirement 'maybe'" in stats.problems


def test_visa_import_twice_changes_nothing(paths, countries):
    run("visa")
    before = list(VisaRule.objects.order_by("pk").values())
    again = run("visa")
    assert (again.created, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)
    assert list(VisaRule.objects.order_by("pk").values()) == before


def test_visa_reimport_updates_a_changed_rule_and_removes_a_dropped_one(paths, countries, tmp_path, monkeypatch):
    run("visa")
    changed = write(tmp_path, "visa.csv", "Passport,Destination,Requirement\nGB,IN,visa free\nGB,TH,30\n")
    monkeypatch.setitem(importers.PATHS, "visa", changed)
    stats = run("visa")
    assert (stats.updated, stats.unchanged, stats.removed) == (1, 1, 3)
    assert VisaRule.objects.get(passport="GB", destination="IN").requirement == "visa_free"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Passport;Destination;Requirement\nGB;IN;e-visa\n", "unexpected header"),
        ("", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "binary file"),
        (b"Passport,Destination,Requirement\nGB,IN,\xff\xfe\n", "not UTF-8"),
        ('Passport,Destination,Requirement\nGB,IN,"unterminated\n', "not valid CSV"),
    ],
)
def test_a_malformed_visa_file_stops_with_a_clear_error_and_changes_nothing(
    paths, countries, tmp_path, monkeypatch, content, message
):
    run("visa")
    before = list(VisaRule.objects.order_by("pk").values())
    bad = tmp_path / "visa.csv"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    monkeypatch.setitem(importers.PATHS, "visa", bad)
    with pytest.raises(MalformedFileError, match=message):
        run("visa")
    assert list(VisaRule.objects.order_by("pk").values()) == before


def test_procedures_import_validates_rows_against_the_taxonomy_and_fit_to_fly(paths):
    specialty("orthopedics")
    specialty("ophthalmology")
    run("fit_to_fly")
    stats = run("procedures")
    assert Procedure.objects.count() == 3
    assert "procedures_small.csv:4: unknown specialty 'astrology'" in stats.problems
    cataract = Procedure.objects.get(slug="cataract-surgery")
    assert (
        cataract.fit_to_fly is not None
        and cataract.fit_to_fly.condition == "Cataract surgery"
        and cataract.min_days_before_flying == 1
    )
    assert cataract.synonyms == ["cataract operation"] and cataract.stay_source == "editorial estimate"
    # A min_days that disagrees with the guidance row: the guidance value wins, and it is reported.
    assert Procedure.objects.get(slug="lasik").min_days_before_flying == 1
    assert any("procedures_small.csv:5: min_days_before_flying 5 differs" in p for p in stats.problems)
    assert Procedure.objects.get(slug="knee-replacement").min_days_before_flying is None
    again = run("procedures")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_procedures_importer_waits_for_the_file(paths, tmp_path, monkeypatch):
    monkeypatch.setitem(importers.PATHS, "procedures", tmp_path / "missing.csv")
    outcome = run_importer(importer("procedures"))
    assert outcome.status == "missing" and "does not exist yet" in outcome.message


def test_reference_prices_are_mapped_with_source_year_and_labels(paths, countries):
    ProcedureFactory(slug="cabg")
    ProcedureFactory(slug="rhinoplasty")
    stats = run("reference_prices")
    cabg = ReferencePrice.objects.filter(procedure__slug="cabg")
    assert cabg.count() == 3
    india = cabg.get(country="IN", dataset="cited")
    assert (india.price, india.currency, india.data_year) == (
        Decimal("7900.00"),
        "USD",
        "undated (cites 2011 OECD report)",
    )
    us = cabg.get(country="US")
    assert (us.price, us.price_low, us.price_high) == (None, Decimal("70000.00"), Decimal("133000.00"))
    cghs = cabg.get(dataset="cghs")
    assert cghs.price_type == "CGHS government ceiling package rate (India), not a private-patient price"
    assert (cghs.price_low, cghs.price_high, cghs.currency, cghs.city) == (
        Decimal("127075"),
        Decimal("146136"),
        "INR",
        "Pune",
    )
    rhino = ReferencePrice.objects.get(procedure__slug="rhinoplasty")
    assert (rhino.city, rhino.sample_size, rhino.price) == ("Miami", 1, Decimal("7500.00"))
    assert "cited_small.csv:4: unknown country 'Atlantis'" in stats.problems
    assert "price_map_small.csv:5: unknown procedure slug 'no-such-procedure'" in stats.problems
    assert any(
        "us_small.csv:3: procedure 'Rhinoplasty (Nose Job)' does not match its source URL" in p for p in stats.problems
    )
    again = run("reference_prices")
    assert (again.created, again.updated, again.removed) == (0, 0, 0)


def test_ecb_csv_with_trailing_column_and_a_bad_value(paths):
    stats = run("fx")
    assert ExchangeRate.objects.count() == 8  # RUB N/A skipped, one bad INR value
    assert stats.problems == ["ecb_small.csv:4: INR: not a positive number: 'oops'"]
    inr = ExchangeRate.objects.get(currency="INR", date=datetime.date(2026, 10, 30))
    assert inr.units_per_eur == Decimal("106.084") and "European Central Bank" in inr.source


def test_update_fx_reads_ecb_xml_and_refuses_a_malformed_file(tmp_path):
    out = io.StringIO()
    call_command("update_fx", str(FIXTURES / "ecb_daily.xml"), stdout=out)
    assert "2026-11-02 to 2026-11-02: created 2" in out.getvalue()
    assert ExchangeRate.objects.get(currency="INR").units_per_eur == Decimal("106.5")
    call_command("update_fx", str(FIXTURES / "ecb_daily.xml"), stdout=io.StringIO())
    assert ExchangeRate.objects.count() == 2
    bad = write(tmp_path, "rates.csv", "When,USD\n2026-01-01,1.1\n")
    with pytest.raises(CommandError, match=r"unexpected header.*No rates were changed"):
        call_command("update_fx", str(bad), stdout=io.StringIO())
    evil = write(tmp_path, "evil.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    with pytest.raises(CommandError, match="DOCTYPE"):
        call_command("update_fx", str(evil), stdout=io.StringIO())
    assert ExchangeRate.objects.count() == 2


def test_airports_with_time_zones_and_a_bad_row(paths, countries):
    stats = run("airports")
    assert Airport.objects.count() == 4
    bom = Airport.objects.get(iata="BOM")
    assert bom.is_international and bom.time_zone == "Asia/Kolkata"
    pune = Airport.objects.get(iata="PNQ")
    assert pune.size == "medium_airport" and not pune.is_international
    assert stats.problems == ["airports_small.csv:6: coordinates are not numbers"]


def test_command_skips_unchanged_inputs_and_records_runs(paths, countries, tmp_path, monkeypatch):
    out = io.StringIO()
    call_command("import_reference_data", "--only", "visa", "fit_to_fly", stdout=out)
    assert "visa               created 5" in out.getvalue()
    assert "visa_small.csv:7" in out.getvalue()
    run_row = ImportRun.objects.get(dataset="visa")
    assert (run_row.status, run_row.created, run_row.skipped) == ("ok", 5, 2)
    out = io.StringIO()
    call_command("import_reference_data", "--only", "visa", "fit_to_fly", stdout=out)
    assert "unchanged since the last import" in out.getvalue()
    assert ImportRun.objects.filter(dataset="visa").count() == 1
    call_command("import_reference_data", "--only", "visa", "--force", stdout=io.StringIO())
    assert ImportRun.objects.filter(dataset="visa").count() == 2
    assert FitToFlyGuidance.objects.count() == 2


def test_command_stops_on_a_malformed_file_and_records_the_failure(paths, countries, tmp_path, monkeypatch):
    monkeypatch.setitem(importers.PATHS, "visa", write(tmp_path, "visa.csv", "a,b\n1,2\n"))
    with pytest.raises(CommandError, match=r"unexpected header.*Nothing was changed"):
        call_command("import_reference_data", "--only", "visa", stdout=io.StringIO())
    assert ImportRun.objects.get(dataset="visa").status == "failed"
    assert VisaRule.objects.count() == 0


def test_command_rejects_unknown_dataset_names():
    with pytest.raises(CommandError, match="Unknown dataset"):
        call_command("import_reference_data", "--only", "nope", stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_reference_data", "--list", stdout=out)
    assert "nabh_hospitals" in out.getvalue() and "visa" in out.getvalue()
