"""Words, not codes (issue 10, item 14): the quality lead reads a proposed change's specialties
and procedure by name; the room line's label says what the quote's amount is (all nights)."""

import pytest
from django.urls import reverse

from medijourney.catalog.tests.factories import ProcedureFactory, specialty
from medijourney.network import services
from medijourney.network.offer_items import OFFER_ITEM_LABELS
from medijourney.network.tests.factories import in_network_hospital
from medijourney.testing.html import contains

pytestmark = pytest.mark.django_db


def test_a_proposed_doctor_shows_specialty_names_to_the_quality_lead(client, make_user):
    lead, partner = make_user("quality_lead"), make_user("partner")
    hospital = in_network_hospital()
    specialty("orthopedics", "Orthopaedics")
    specialty("cardiology", "Cardiology")
    change = services.change_submit(
        hospital=hospital,
        actor=partner,
        kind="doctor",
        data={"full_name": "Dr New", "specialties": ["orthopedics", "cardiology"]},
    )
    client.force_login(lead)
    page = client.get(reverse("network:change_review", args=[change.public_id])).content.decode()
    assert "Cardiology, Orthopaedics" in page
    assert "orthopedics" not in page and "cardiology," not in page


def test_a_proposed_offer_shows_the_procedure_by_name(client, make_user):
    lead, partner = make_user("quality_lead"), make_user("partner")
    hospital = in_network_hospital()
    ProcedureFactory(slug="knee-replacement", name="Total knee replacement")
    change = services.change_submit(
        hospital=hospital,
        actor=partner,
        kind="offer",
        data={"procedure": "knee-replacement", "currency": "USD", "price_min": "5000", "price_max": "6500",
              "inclusions": {"surgeon": True}, "wait_days": 10},
    )  # fmt: skip
    client.force_login(lead)
    page = client.get(reverse("network:change_review", args=[change.public_id])).content.decode()
    assert contains(page, "<td>Total knee replacement</td>")
    assert not contains(page, "<td>knee-replacement</td>")


def test_the_room_label_and_its_help_agree_with_the_quote_total():
    label = str(OFFER_ITEM_LABELS["room_per_night"])
    assert "per night" not in label and "all nights" in label
