"""Home-country reference prices from NHS England's National Cost Collection and CMS Medicare's
MS-DRG payments: the shipped map and data files, imported with their exact meaning and year."""

from decimal import Decimal

import pytest

from medijourney.catalog import importers
from medijourney.catalog.importing import ImportContext, registered_importers
from medijourney.catalog.models import ReferencePrice
from medijourney.catalog.tests.factories import ProcedureFactory, country

pytestmark = pytest.mark.django_db


def run():
    """The importer over the shipped files (medijourney/data/prices/)."""
    imp = next(i for i in registered_importers() if i.name == "reference_prices")
    return imp.run(ImportContext(importer=imp))


@pytest.fixture
def catalogue():
    for code in ("GB", "US", "IN", "TH"):
        country(code)
    return {slug: ProcedureFactory(slug=slug) for slug in ("knee-replacement", "hip-replacement", "cabg", "lasik")}


def test_nhs_figures_are_activity_weighted_averages_labelled_as_costs_not_prices(catalogue):
    run()
    knee = ReferencePrice.objects.filter(procedure__slug="knee-replacement", dataset="nhs_ncc").order_by("data_year")
    assert [r.data_year for r in knee] == ["NHS financial year 2023/24", "NHS financial year 2024/25"]
    latest = knee.last()
    assert latest is not None
    # HN22A–E elective inpatients 2024/25: total cost / total activity, from the source rows.
    cost = sum(
        Decimal(c) for c in ("29084166.986419678", "42791150.56582519", "93307579.01653601", "193252433.3833265",
                             "175835281.7440876")
    )  # fmt: skip
    activity = Decimal(2387 + 4319 + 10236 + 22828 + 21696)
    assert latest.price == (cost / activity).quantize(Decimal("0.01"))
    assert (latest.currency, latest.country_id, latest.sample_size) == ("GBP", "GB", 61466)
    assert latest.price_type == "average NHS cost per case in England, not a private price"
    assert "HN22A–E" in latest.source_label and "National Cost Collection 2024/25" in latest.source
    assert "not a UK self-pay price" in latest.notes


def test_medicare_figures_say_year_and_that_an_uninsured_patient_pays_more(catalogue):
    run()
    knee = ReferencePrice.objects.get(procedure__slug="knee-replacement", dataset="cms_drg")
    assert (knee.price, knee.currency, knee.country_id) == (Decimal("14328.81"), "USD", "US")
    assert knee.price_type == "average Medicare payment per stay in 2011, not what an uninsured patient pays"
    assert knee.data_year == "US federal fiscal year 2011" and knee.sample_size == 428495
    assert knee.source_label.startswith("470 - MAJOR JOINT REPLACEMENT")
    assert "hip and knee together" in knee.notes
    # The same DRG stands for hip replacement; there is no DRG among the 100 for CABG, so none is made up.
    assert ReferencePrice.objects.filter(procedure__slug="hip-replacement", dataset="cms_drg").count() == 1
    assert not ReferencePrice.objects.filter(procedure__slug="cabg", dataset="cms_drg").exists()
    assert not ReferencePrice.objects.filter(procedure__slug="lasik", dataset__in=["nhs_ncc", "cms_drg"]).exists()


def test_unmapped_procedures_and_bad_map_rows_are_reported_not_guessed(catalogue, tmp_path, monkeypatch):
    bad = tmp_path / "map.csv"
    bad.write_text(
        "dataset,procedure_slug,codes,departments,scope\n"
        "nhs_ncc,no-such-procedure,HN22A,Elective Inpatients,x\n"
        "nhs_other,knee-replacement,HN22A,Elective Inpatients,x\n"
        "cms_drg,cabg,999,,not among the 100\n",
        encoding="utf-8",
    )
    monkeypatch.setitem(importers.PATHS, "home_map", bad)
    stats = run()
    assert any("unknown procedure slug 'no-such-procedure'" in p for p in stats.problems)
    assert any("unknown dataset 'nhs_other'" in p for p in stats.problems)
    assert any("MS-DRG 999 is not among the 100 published" in n for n in stats.notes)
    assert not ReferencePrice.objects.filter(dataset__in=["nhs_ncc", "cms_drg"]).exists()


def test_a_second_import_changes_nothing(catalogue):
    run()
    again = run()
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
