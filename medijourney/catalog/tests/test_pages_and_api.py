from decimal import Decimal

import pytest
from django.urls import reverse

from medijourney.catalog.tests.factories import (
    FitToFlyFactory,
    ProcedureFactory,
    ReferencePriceFactory,
    country,
    specialty,
    visa_rule,
)
from medijourney.testing.queries import assert_flat

pytestmark = pytest.mark.django_db
EVERYONE_200 = {
    "anonymous": 200,
    **dict.fromkeys(["patient", "case_manager", "partner", "quality_lead", "specialist", "clinician", "admin"], 200),
}


@pytest.fixture
def cataract():
    fit = FitToFlyFactory()
    p = ProcedureFactory(
        slug="cataract-surgery",
        name="Cataract surgery",
        specialty=specialty("ophthalmology", "Ophthalmology"),
        fit_to_fly=fit,
        min_days_before_flying=1,
        synonyms=["cataract operation"],
    )
    ReferencePriceFactory(
        procedure=p, country=country("US"), price=Decimal("14764"), data_year="2010", source="iFHP 2010"
    )
    return p


def test_catalogue_pages_are_public_for_everyone(matrix, cataract):
    matrix.check(method="GET", url=lambda obj: reverse("catalog:procedure_list"), expect=EVERYONE_200)
    matrix.check(
        method="GET", url=lambda obj: reverse("catalog:procedure_detail", args=[cataract.slug]), expect=EVERYONE_200
    )


def test_catalogue_api_is_public_for_everyone(matrix, cataract):
    visa_rule("GB", "IN")
    for url in ("/api/v1/procedures", f"/api/v1/procedures/{cataract.slug}", "/api/v1/visa?passport=GB&destination=IN",
                "/api/v1/specialties"):  # fmt: skip
        matrix.check(method="GET", url=lambda obj, u=url: u, expect=EVERYONE_200)


def test_procedure_page_shows_every_figure_with_its_source_and_date(client, cataract):
    html = client.get(reverse("catalog:procedure_detail", args=[cataract.slug])).content.decode()
    assert "editorial estimate" in html and "24 Nov 2026" in html
    assert "At least 1 day after the procedure" in html and "UK CAA" in html and "caa.co.uk/example" in html
    assert "USD 14,764" in html and "iFHP 2010" in html and "2010" in html
    assert client.get(reverse("catalog:procedure_detail", args=["nope"])).status_code == 404


def test_procedure_list_filters_pages_and_keeps_queries_flat(client, cataract):
    made = iter(range(100))

    def procedures(n):
        for _ in range(n):
            ProcedureFactory(slug=f"ortho-{next(made):02d}", specialty=specialty("orthopedics"))

    procedures(5)
    assert_flat(lambda: client.get(reverse("catalog:procedure_list")), lambda: procedures(5))
    assert_flat(lambda: client.get("/api/v1/procedures", {"limit": 20}), lambda: procedures(5))
    procedures(15)
    response = client.get(reverse("catalog:procedure_list"))
    assert response.status_code == 200 and "31 procedures" in response.content.decode()
    assert "Page 1 of 2" in response.content.decode()
    filtered = client.get(reverse("catalog:procedure_list"), {"specialty": "ophthalmology"}).content.decode()
    assert "1 procedure" in filtered and "Cataract surgery" in filtered
    searched = client.get(reverse("catalog:procedure_list"), {"q": "cataract operation"}).content.decode()
    assert "Cataract surgery" in searched
    partial = client.get(reverse("catalog:procedure_list"), {"q": "cataract"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and "Cataract surgery" in partial.content.decode()


def test_procedures_api_lists_with_sources_and_pages(client, cataract):
    for i in range(5):
        ProcedureFactory(slug=f"ortho-{i}", specialty=specialty("orthopedics"))
    body = client.get("/api/v1/procedures", {"limit": 3}).json()
    assert body["count"] == 6 and len(body["items"]) == 3
    first = client.get("/api/v1/procedures", {"specialty": "ophthalmology"}).json()["items"][0]
    assert first["stay"] == {
        "inpatient_nights": 3,
        "total_days": 10,
        "source": "editorial estimate",
        "as_of": "2026-11-24",
    }
    assert first["fit_to_fly"]["min_days_before_flying"] == 1 and first["fit_to_fly"]["authority"] == "UK CAA"
    detail = client.get(f"/api/v1/procedures/{cataract.slug}").json()
    price = detail["reference_prices"][0]
    assert price["price"] == "14764.00" and price["source"] == "iFHP 2010" and price["data_year"] == "2010"
    assert client.get("/api/v1/procedures/nope").status_code == 404


def test_visa_api_answers_with_source_and_date_and_names_bad_fields(client):
    visa_rule("GB", "TH", "visa_free", 30)
    country("IN")
    body = client.get("/api/v1/visa", {"passport": "gb", "destination": "TH"}).json()
    assert body["requirement"] == "visa_free" and body["days_allowed"] == 30
    assert body["data_date"] == "2025-01-12" and "Passport Index" in body["source"]
    bad = client.get("/api/v1/visa", {"passport": "GBR", "destination": "TH"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "passport"
    unknown = client.get("/api/v1/visa", {"passport": "GB", "destination": "ZZ"})
    assert unknown.status_code == 422 and unknown.json()["errors"] == [
        {"field": "destination", "message": "Unknown country code 'ZZ'; use ISO 3166-1 alpha-2, e.g. IN."}
    ]
    missing = client.get("/api/v1/visa", {"passport": "GB"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "destination"
    assert client.get("/api/v1/visa", {"passport": "GB", "destination": "IN"}).status_code == 404
