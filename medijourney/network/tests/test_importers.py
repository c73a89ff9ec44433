import datetime
from pathlib import Path

import pytest
import time_machine

from medijourney.catalog import importers as catalog_importers
from medijourney.catalog.importing import ImportContext, MalformedFileError, registered_importers
from medijourney.catalog.tests.factories import country, specialty
from medijourney.network import importers
from medijourney.network.models import Accreditation, Hospital
from medijourney.network.selectors import hospitals_in_network

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def run(name):
    imp = next(i for i in registered_importers() if i.name == name)
    return imp.run(ImportContext(importer=imp))


@pytest.fixture
def data(monkeypatch):
    for code in ("IN", "TH"):
        country(code)
    monkeypatch.setitem(importers.PATHS, "nabh_hospitals", FIXTURES / "nabh_small.csv")
    monkeypatch.setitem(importers.PATHS, "nabh_dental", FIXTURES / "nabh_dental_small.csv")
    monkeypatch.setitem(importers.PATHS, "wikidata", FIXTURES / "wikidata_small.csv")
    monkeypatch.setitem(importers.PATHS, "airports", FIXTURES / "airports_small.csv")
    monkeypatch.setitem(catalog_importers.PATHS, "airports", FIXTURES / "airports_small.csv")
    run("airports")
    run("accreditation_bodies")


@time_machine.travel(datetime.date(2026, 11, 24), tick=False)
def test_nabh_register_rows_become_accredited_hospitals_with_dates_from_the_file(data):
    stats = run("nabh_hospitals")
    assert Hospital.objects.filter(source="nabh_register").count() == 4
    assert stats.problems == ["nabh_small.csv:5: dates not in the form '30 Oct 2021': 'sometime', '31 Dec 2028'"]
    acc = Accreditation.objects.get(number="H-2011-0001")
    assert (acc.valid_from, acc.valid_to) == (datetime.date(2025, 1, 1), datetime.date(2028, 12, 31))
    assert acc.verification_status == "verified" and acc.verified_by is None
    assert "NABH register" in acc.evidence_source and "2025-09-27" in acc.evidence_source
    assert acc.level == "Full accreditation (5th edition standards)"
    # Status comes from the dates, never from the scraped status column.
    in_network = set(hospitals_in_network().values_list("name", flat=True))
    assert in_network == {
        "Sunrise Heart Institute",
        "Past Suspension Hospital",
    }  # "Expired" in the file, current by date
    # A register remark of withdrawal keeps it out whatever the dates say; a past suspension does not.
    assert Accreditation.objects.get(number="H-2011-0003").withdrawn_by_body
    assert not Accreditation.objects.get(number="H-2011-0005").withdrawn_by_body


def test_nabh_hospital_is_located_through_an_exact_wikidata_match(data):
    run("nabh_hospitals")
    sunrise = Hospital.objects.get(name="Sunrise Heart Institute")
    assert (sunrise.wikidata_qid, sunrise.location_source) == ("Q100", "wikidata")
    assert sunrise.website == "https://sunrise.example.test/"
    assert Hospital.objects.get(name="Old Town Hospital").latitude is None  # no match: unknown, never invented


def test_nabh_import_twice_changes_nothing(data):
    run("nabh_hospitals")
    before = (list(Hospital.objects.order_by("pk").values()), list(Accreditation.objects.order_by("pk").values()))
    again = run("nabh_hospitals")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert "accreditations: created 0, updated 0, unchanged 4" in again.notes[0]
    after = (list(Hospital.objects.order_by("pk").values()), list(Accreditation.objects.order_by("pk").values()))
    assert after == before


def test_a_malformed_register_changes_nothing(data, tmp_path, monkeypatch):
    run("nabh_hospitals")
    before = Accreditation.objects.count()
    bad = tmp_path / "nabh.csv"
    bad.write_text("name,valid\nX,2020\n")
    monkeypatch.setitem(importers.PATHS, "nabh_hospitals", bad)
    with pytest.raises(MalformedFileError, match="unexpected header"):
        run("nabh_hospitals")
    assert Accreditation.objects.count() == before == 4


def test_wikidata_hospitals_are_imported_outside_the_network_and_merged_items_skipped(data):
    run("nabh_hospitals")
    stats = run("wikidata_hospitals")
    wikidata = Hospital.objects.filter(source="wikidata")
    assert list(wikidata.values_list("name", flat=True)) == ["Bumrungrad International Hospital"]
    assert not hospitals_in_network().filter(source="wikidata").exists()
    assert "1 Wikidata items are NABH hospitals already (location merged there)" in stats.notes
    assert any("Q300 has no label" in p for p in stats.problems)
    assert any("not in a destination country" in p for p in stats.problems)
    assert any("no coordinates" in p for p in stats.problems)


def test_nearest_airport_by_coordinates_or_by_city(data):
    run("nabh_hospitals")
    run("wikidata_hospitals")
    run("nearest_airports")
    bumrungrad = Hospital.objects.get(name="Bumrungrad International Hospital")
    # DMK is nearer, but Bangkok's main international airport is BKK (the rule of catalog.airports).
    assert bumrungrad.nearest_airport is not None and bumrungrad.nearest_airport_km is not None
    assert bumrungrad.nearest_airport.iata == "BKK" and bumrungrad.airport_basis == "city_main"
    assert 20 < bumrungrad.nearest_airport_km < 30
    sunrise = Hospital.objects.get(name="Sunrise Heart Institute")
    assert sunrise.nearest_airport is not None and sunrise.nearest_airport_km is not None
    assert sunrise.nearest_airport.iata == "BOM" and sunrise.nearest_airport_km < 5
    old_town = Hospital.objects.get(name="Old Town Hospital")  # Pune, no coordinates
    assert old_town.nearest_airport is not None
    assert (old_town.nearest_airport.iata, old_town.nearest_airport_km, old_town.airport_basis) == ("PNQ", None, "city")
    assert Hospital.objects.get(name="Withdrawn Care Hospital").nearest_airport is None  # no Delhi airport in fixture


def test_dental_register_is_imported_as_nabh_dental_facilities(data):
    specialty("dental")
    run("nabh_dental")
    facility = Hospital.objects.get(source="nabh_dental_register", name="Smile Dental Clinic")
    assert facility.kind == "dental_facility" and list(facility.specialties.values_list("id", flat=True)) == ["dental"]
    assert facility.accreditations.get().body.short_name == "NABH dental"


def test_a_re_import_keeps_a_quality_leads_decision(data, make_user):
    from medijourney.network.services import REJECT, accreditation_decide

    run("nabh_hospitals")
    lead = make_user("quality_lead")
    acc = Accreditation.objects.get(number="H-2011-0001")
    accreditation_decide(accreditation=acc, actor=lead, decision=REJECT, note="Certificate withdrawn per phone call")
    run("nabh_hospitals")  # e.g. after a new register file
    acc.refresh_from_db()
    assert acc.verification_status == "rejected" and acc.verified_by == lead
    assert acc.verification_note == "Certificate withdrawn per phone call"
