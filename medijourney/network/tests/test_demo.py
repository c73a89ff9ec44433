from decimal import Decimal

import pytest
from django.test import override_settings

from medijourney.accounts.services import demo_accounts_ensure
from medijourney.catalog.tests.factories import ProcedureFactory, ReferencePriceFactory, country
from medijourney.network.demo import network_demo_setup
from medijourney.network.models import Accreditation, Doctor, DoctorLicence, Hospital, Offer, PartnerMembership
from medijourney.network.selectors import hospitals_in_network
from medijourney.network.tests.factories import HospitalFactory, body, in_network_hospital

pytestmark = pytest.mark.django_db


@override_settings(DEMO_MODE=True)
def test_demo_rows_are_flagged_and_the_hook_is_idempotent():
    assert network_demo_setup() == ["Network demo skipped: no hospitals imported (run import_reference_data first)."]
    demo_accounts_ensure()
    body("JCI")
    cabg = ProcedureFactory(slug="cabg")
    ProcedureFactory(slug="knee-replacement")
    ProcedureFactory(slug="hip-replacement")
    ReferencePriceFactory(
        procedure=cabg, country=country("TH"), price=Decimal("15000"), source="HighYa", data_year="2011"
    )
    indian = in_network_hospital(name="Real NABH", source=Hospital.Source.NABH_REGISTER, latitude=19.0, longitude=72.8)
    thai = HospitalFactory(
        name="Thai Wikidata Hospital",
        country=country("TH"),
        source=Hospital.Source.WIKIDATA,
        website="https://t.example",
    )
    assert not hospitals_in_network().filter(pk=thai.pk).exists()

    notes = network_demo_setup()
    assert "2 sample hospitals" in notes[0]
    thai.refresh_from_db()
    indian.refresh_from_db()
    assert thai.is_demo and not indian.is_demo  # the real NABH hospital stays real
    assert hospitals_in_network().filter(pk=thai.pk).exists()
    assert Accreditation.objects.filter(is_demo=True, hospital=thai).count() == 1
    assert not Accreditation.objects.filter(hospital=indian, is_demo=False).exclude(number__startswith="H-").exists()
    assert all(o.is_demo for o in Offer.objects.all()) and Offer.objects.count() >= 2
    assert all(d.is_demo for d in Doctor.objects.all()) and all(lic.is_demo for lic in DoctorLicence.objects.all())
    estimate = Offer.objects.filter(hospital=thai, procedure=cabg).first()
    if estimate is not None:
        assert (
            estimate.source_kind == "estimate_from_country_data"
            and estimate.source_note == "estimate from HighYa, 2011"
        )
    invented = Offer.objects.filter(source_kind="hospital_submitted")
    assert all(o.source_note == "Demo data: an invented price, as if submitted by the hospital" for o in invented)
    assert PartnerMembership.objects.get().hospital == indian

    counts = (Accreditation.objects.count(), Offer.objects.count(), Doctor.objects.count())
    again = network_demo_setup()
    assert "present" in again[0]
    assert (Accreditation.objects.count(), Offer.objects.count(), Doctor.objects.count()) == counts


def test_demo_prefers_general_hospitals_over_specialised_or_odd_entries():
    from medijourney.network.demo import _sample_hospitals

    country("TH")
    for name in ("1 Example Street", "Bangkok Psychiatric Hospital", "Children's Hospital Bangkok", "Zeta Clinic"):
        HospitalFactory(name=name, country_id="TH", source=Hospital.Source.WIKIDATA, website="https://x.example")
    general = HospitalFactory(
        name="Sukhumvit General Hospital", country_id="TH", source=Hospital.Source.WIKIDATA, website="https://x.example"
    )
    known = HospitalFactory(name="Bumrungrad Hospital", country_id="TH", source=Hospital.Source.WIKIDATA, website="")
    assert _sample_hospitals("TH") == [known, general]
