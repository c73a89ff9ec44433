"""The demo network: fictional hospitals whose names say Demo, in real cities; nothing invented on a
real hospital; doctors' degrees match their specialty; an old install's invented rows are retired."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from medijourney.accounts.models import User
from medijourney.accounts.services import demo_accounts_ensure, demo_email
from medijourney.catalog.tests.factories import AirportFactory, ProcedureFactory, ReferencePriceFactory, country
from medijourney.catalog.tests.factories import specialty as make_specialty
from medijourney.network.demo import (
    DEMO_HOSPITALS,
    THEMES,
    hospitals_with_invented_rows,
    network_demo_retire,
    network_demo_setup,
)
from medijourney.network.models import Accreditation, Doctor, DoctorLicence, Hospital, Offer, PartnerMembership
from medijourney.network.selectors import hospitals_in_network
from medijourney.network.tests.factories import (
    AccreditationFactory,
    DoctorFactory,
    HospitalFactory,
    OfferFactory,
    body,
    in_network_hospital,
)

pytestmark = pytest.mark.django_db


def _reference_data():
    demo_accounts_ensure()
    body("JCI")
    for code in {h.country for h in DEMO_HOSPITALS}:
        country(code)
    for theme in THEMES.values():
        sp = make_specialty(theme.specialty, theme.specialty.title())
        for slug in theme.procedures:
            ProcedureFactory(slug=slug, specialty=sp)
    AirportFactory(ident="LTFM", iata="IST", name="İstanbul Airport", city="Istanbul", country=country("TR"))


@override_settings(DEMO_MODE=True)
def test_only_fictional_demo_hospitals_carry_invented_rows():
    assert network_demo_setup()[0].startswith("Network demo skipped")
    _reference_data()
    ReferencePriceFactory(
        procedure=ProcedureFactory(slug="cabg"),
        country=country("TH"),
        price=Decimal("15000"),
        source="HighYa",
        data_year="2011",
    )
    real = in_network_hospital(name="Real NABH", source=Hospital.Source.NABH_REGISTER, latitude=19.0, longitude=72.8)
    wikidata = HospitalFactory(name="Thai Wikidata Hospital", country=country("TH"), source=Hospital.Source.WIKIDATA)

    notes = network_demo_setup()
    assert "fictional hospitals" in notes[0] and "real hospitals carry only their real data" in notes[0]
    demo = Hospital.objects.filter(is_demo=True)
    assert demo.count() == len(DEMO_HOSPITALS)
    assert all(h.name.startswith("Demo ") and (h.source_key or "").startswith("demo:") for h in demo)
    assert all(h.latitude is None for h in demo)  # no invented coordinates
    # Nothing invented on the real hospitals; the real NABH accreditation is untouched.
    for hospital in (real, wikidata):
        hospital.refresh_from_db()
        assert not hospital.is_demo
        assert not hospital.offers.exists() and not hospital.doctors.exists()
        assert not hospital.accreditations.filter(is_demo=True).exists()
    assert not hospitals_in_network().filter(pk=wikidata.pk).exists()
    assert hospitals_with_invented_rows().count() == 0
    # Every invented row is flagged and sits on a demo hospital.
    for model in (Offer, Doctor, Accreditation):
        assert not model.objects.filter(is_demo=True).exclude(hospital__is_demo=True).exists()
    assert all(lic.is_demo for lic in DoctorLicence.objects.all())
    istanbul = Hospital.objects.get(name="Demo Orthopaedic Hospital Istanbul")
    assert istanbul.nearest_airport_id == "LTFM" and istanbul.airport_basis == "city"  # its city's airport
    assert hospitals_in_network().filter(pk=istanbul.pk).exists()
    partner = PartnerMembership.objects.get(user__email=demo_email("partner"))
    assert partner.hospital.name == "Demo Multispeciality Hospital New Delhi"

    counts = (Accreditation.objects.count(), Offer.objects.count(), Doctor.objects.count())
    assert "present" in network_demo_setup()[0]
    assert (Accreditation.objects.count(), Offer.objects.count(), Doctor.objects.count()) == counts


@override_settings(DEMO_MODE=True)
def test_doctors_degrees_match_their_specialty():
    _reference_data()
    network_demo_setup()
    for doctor in Doctor.objects.prefetch_related("specialties").select_related("hospital"):
        [sp] = list(doctor.specialties.all())
        theme = next(t for t in THEMES.values() if t.specialty == sp.pk)
        expected = theme.degrees_india if doctor.hospital.country_id == "IN" else theme.degrees
        assert doctor.qualifications == f"{expected} (demo)"
    knee_surgeons = Doctor.objects.filter(hospital__name="Demo Orthopaedic Hospital Istanbul")
    assert knee_surgeons.count() == 2
    assert all("orthopaedics" in d.qualifications for d in knee_surgeons)
    assert not Doctor.objects.filter(specialties="orthopedics", qualifications__contains="BDS").exists()


@override_settings(DEMO_MODE=True)
def test_prices_include_what_the_procedure_needs_except_the_berlin_example():
    _reference_data()
    network_demo_setup()
    knee = Offer.objects.filter(procedure__slug="knee-replacement")
    whole = knee.exclude(hospital__name="Demo Orthopaedic Clinic Berlin")
    assert whole.exists() and all(o.inclusions["implant"] and o.inclusions["physiotherapy"] for o in whole)
    berlin = knee.get(hospital__name="Demo Orthopaedic Clinic Berlin")
    assert not berlin.inclusions["implant"] and not berlin.inclusions["physiotherapy"]
    invented = Offer.objects.filter(source_kind="hospital_submitted")
    assert all(o.source_note == "Demo data: an invented price, as if submitted by the hospital" for o in invented)


def test_an_old_install_loses_its_invented_rows_on_real_hospitals():
    real = HospitalFactory(name="Charité", country=country("DE"), source=Hospital.Source.WIKIDATA, is_demo=True)
    AccreditationFactory(hospital=real, body=body("JCI"), number="DEMO-JCI-DE-1", is_demo=True)
    DoctorFactory(hospital=real, is_demo=True)
    OfferFactory(hospital=real, is_demo=True)
    nabh = in_network_hospital(name="Real NABH", acc_number="H-2024-0001", acc_valid_to=datetime.date(2030, 1, 1))
    DoctorFactory(hospital=nabh, is_demo=True)
    user = User.objects.create_user(email="partner@demo.medijourney.test", password="x", role="partner")
    PartnerMembership.objects.create(user=user, hospital=nabh)
    User.objects.filter(pk=user.pk).update(is_demo=True)
    stale = list(hospitals_with_invented_rows())
    assert set(stale) == {real, nabh}
    assert network_demo_retire(stale) == 2
    real.refresh_from_db()
    assert not real.is_demo and not real.accreditations.exists() and not real.offers.exists()
    assert not real.doctors.exists() and not nabh.doctors.exists()
    assert nabh.accreditations.get().number == "H-2024-0001"  # the real accreditation stays
    assert not PartnerMembership.objects.exists()
    assert hospitals_with_invented_rows().count() == 0
