"""Who is in the network: one selector, used by every patient-facing route."""

import datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from medijourney.network.models import Hospital, VerificationStatus
from medijourney.network.selectors import hospitals_in_network, hospitals_search, hospitals_visible_to
from medijourney.network.tests.factories import AccreditationFactory, HospitalFactory, body, in_network_hospital

pytestmark = pytest.mark.django_db
D = datetime.date


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_only_active_hospitals_with_a_verified_current_admitted_accreditation_are_in():
    today = D(2026, 11, 24)
    in_network_hospital(name="Good", acc_valid_from=D(2025, 1, 1), acc_valid_to=D(2027, 1, 1))
    in_network_hospital(name="Expired", acc_valid_from=D(2020, 1, 1), acc_valid_to=D(2026, 11, 23))
    in_network_hospital(name="Ends today", acc_valid_from=D(2022, 1, 1), acc_valid_to=today)
    in_network_hospital(name="Not yet", acc_valid_from=D(2026, 12, 1), acc_valid_to=D(2029, 1, 1))
    in_network_hospital(name="Pending", acc_verification_status=VerificationStatus.PENDING)
    in_network_hospital(name="Rejected", acc_verification_status=VerificationStatus.REJECTED)
    in_network_hospital(name="Withdrawn", acc_withdrawn_by_body=True)
    in_network_hospital(name="Entry level", acc_body=body("NABH_ENTRY", admits=False))
    in_network_hospital(name="Suspended", status=Hospital.Status.SUSPENDED)
    HospitalFactory(name="No accreditation")
    assert names(hospitals_in_network(today)) == {"Good", "Ends today"}


def test_an_expired_accreditation_drops_a_hospital_out_of_every_route_with_no_manual_step(client):
    hospital = in_network_hospital(
        name="Sunrise Heart Institute", acc_valid_from=D(2023, 1, 1), acc_valid_to=D(2026, 12, 31)
    )
    detail = reverse("network:hospital_detail", args=[hospital.public_id])
    with time_machine.travel(datetime.datetime(2026, 12, 31, 12, 0, tzinfo=datetime.UTC), tick=False):
        assert names(hospitals_search()) == {"Sunrise Heart Institute"}
        assert "Sunrise Heart Institute" in client.get(reverse("network:hospital_list")).content.decode()
        assert client.get(detail).status_code == 200
        assert client.get("/api/v1/hospitals").json()["count"] == 1
        assert client.get(f"/api/v1/hospitals/{hospital.public_id}").status_code == 200
    with time_machine.travel(datetime.datetime(2027, 1, 1, 0, 1, tzinfo=datetime.UTC), tick=False):
        assert names(hospitals_search()) == set()
        assert "Sunrise Heart Institute" not in client.get(reverse("network:hospital_list")).content.decode()
        assert client.get(detail).status_code == 404
        assert client.get("/api/v1/hospitals").json()["count"] == 0
        assert client.get(f"/api/v1/hospitals/{hospital.public_id}").status_code == 404
        country_page = client.get(reverse("network:country_detail", args=["IN"])).content.decode()
        assert "Sunrise Heart Institute" not in country_page


def test_a_renewal_keeps_the_hospital_in():
    hospital = in_network_hospital(acc_valid_from=D(2023, 1, 1), acc_valid_to=D(2026, 12, 31))
    AccreditationFactory(hospital=hospital, valid_from=D(2027, 1, 1), valid_to=D(2030, 12, 31))
    assert hospitals_in_network(D(2027, 1, 1)).filter(pk=hospital.pk).exists()


def test_staff_visibility(make_user):
    own = in_network_hospital(status=Hospital.Status.SUSPENDED)
    other_out = HospitalFactory()
    public = in_network_hospital()
    partner = make_user("partner")
    from medijourney.network.tests.factories import membership

    membership(partner, own)
    assert set(hospitals_visible_to(partner)) == {own, public}
    assert set(hospitals_visible_to(make_user("patient"))) == {public}
    assert set(hospitals_visible_to(None)) == {public}
    assert set(hospitals_visible_to(make_user("quality_lead"))) == {own, other_out, public}


def test_search_filters():
    from medijourney.catalog.tests.factories import ProcedureFactory, country, specialty
    from medijourney.network.tests.factories import OfferFactory

    knee = ProcedureFactory(slug="knee-replacement", specialty=specialty("orthopedics"))
    india = in_network_hospital(name="Indian ortho")
    OfferFactory(hospital=india, procedure=knee)
    thai = in_network_hospital(name="Thai JCI", country=country("TH"), acc_body=body("JCI"))
    thai.specialties.add(specialty("cardiology"))
    assert names(hospitals_search(country="th")) == {"Thai JCI"}
    assert names(hospitals_search(body="jci")) == {"Thai JCI"}
    assert names(hospitals_search(procedure="knee-replacement")) == {"Indian ortho"}
    assert names(hospitals_search(specialty="orthopedics")) == {"Indian ortho"}
    assert names(hospitals_search(specialty="cardiology")) == {"Thai JCI"}
    assert names(hospitals_search(q="ortho")) == {"Indian ortho"}


def test_a_hospital_matching_a_filter_many_ways_is_listed_once(client):
    from medijourney.catalog.tests.factories import ProcedureFactory, specialty
    from medijourney.network.tests.factories import DoctorFactory, OfferFactory

    ortho = specialty("orthopedics")
    knee = ProcedureFactory(slug="knee-replacement", specialty=ortho)
    hip = ProcedureFactory(slug="hip-replacement", specialty=ortho)
    many = in_network_hospital(name="Many ways ortho")
    AccreditationFactory(hospital=many)  # a second current accreditation
    many.specialties.add(ortho)
    OfferFactory(hospital=many, procedure=knee)
    OfferFactory(hospital=many, procedure=hip)
    for _ in range(2):
        DoctorFactory(hospital=many).specialties.add(ortho)
    in_network_hospital(name="Other")
    every: list[dict[str, Any]] = [
        {},
        {"specialty": "orthopedics"},
        {"procedure": "knee-replacement"},
        {"body": "nabh"},
    ]
    for filters in every:
        found = list(hospitals_search(**filters).values_list("name", flat=True))
        assert found.count("Many ways ortho") == 1, filters
        assert hospitals_search(**filters).count() == len(found), filters
    assert list(hospitals_search(specialty="orthopedics").values_list("name", flat=True)) == ["Many ways ortho"]
    page = client.get(reverse("network:hospital_list"), {"specialty": "orthopedics"}).content.decode()
    assert page.count("Many ways ortho</a>") == 1


def test_the_directory_offers_only_countries_with_a_hospital_in_the_network(client):
    from medijourney.catalog.tests.factories import country

    in_network_hospital(name="Thai JCI", country=country("TH"))
    in_network_hospital(name="Thai two", country=country("TH"))
    in_network_hospital(name="Suspended in Turkey", country=country("TR"), status=Hospital.Status.SUSPENDED)
    in_network_hospital(
        name="Expired in Mexico", country=country("MX"), acc_valid_from=D(2019, 1, 1), acc_valid_to=D(2020, 1, 1)
    )
    page = client.get(reverse("network:hospital_list")).content.decode()
    select = page[page.index('name="country"') : page.index("</select>", page.index('name="country"'))]
    assert select.count('<option value="TH"') == 1
    assert 'value="TR"' not in select
    assert 'value="MX"' not in select
