"""Hospital search by name ignores accents and letter case (issue 10, item 14): "Charite" finds
Charité, "Biblica" finds Bíblica, on /hospitals/, the API and the quality lead's list. The match
runs in the database (SQLite and PostgreSQL)."""

import pytest
from django.urls import reverse

from medijourney.accounts.roles import Role
from medijourney.accounts.services import user_create
from medijourney.core.text import accent_insensitive_regex, fold
from medijourney.network.tests.factories import in_network_hospital

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospitals():
    return {
        "charite": in_network_hospital(name="Charité – Universitätsmedizin Berlin", city="Berlin"),
        "biblica": in_network_hospital(name="Hospital Clínica Bíblica", city="San José"),
        "istanbul": in_network_hospital(name="Acıbadem Maslak", city="İstanbul"),
        "other": in_network_hospital(name="Apollo Hospitals", city="Chennai"),
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Charite", "charite"),
        ("charité", "charite"),
        ("CHARITE", "charite"),
        ("Biblica", "biblica"),
        ("clinica biblica", "biblica"),
        ("san jose", "biblica"),  # the city too
        ("istanbul", "istanbul"),
        ("acibadem", "istanbul"),
        ("Universitatsmedizin", "charite"),
    ],
)
def test_the_public_list_finds_a_hospital_however_its_accents_are_typed(client, hospitals, typed, expected):
    page = client.get(reverse("network:hospital_list"), {"q": typed}).content.decode()
    assert hospitals[expected].name in page
    others = [h for key, h in hospitals.items() if key != expected]
    assert all(h.name not in page for h in others)


def test_the_api_finds_charite_without_the_accent(client, hospitals):
    body = client.get("/api/v1/hospitals", {"q": "charite"}).json()
    assert [h["name"] for h in body["items"]] == [hospitals["charite"].name]


def test_the_quality_leads_list_finds_biblica_without_the_accent(client, make_user, hospitals):
    client.force_login(make_user(Role.QUALITY_LEAD))
    page = client.get(reverse("network:staff_hospital_list"), {"q": "Biblica"}).content.decode()
    assert hospitals["biblica"].name in page and hospitals["charite"].name not in page


def test_punctuation_in_the_term_is_matched_literally(client, hospitals):
    in_network_hospital(name="St. Mary's (Demo) Hospital", city="London")
    page = client.get(reverse("network:hospital_list"), {"q": "mary's (demo"}).content.decode()
    assert "St. Mary&#x27;s (Demo) Hospital" in page
    assert client.get(reverse("network:hospital_list"), {"q": ".*"}).content.decode().count("Apollo Hospitals") == 0


def test_fold_and_pattern():
    assert fold("Charité İstanbul Łódź") == "charite istanbul lodz"
    assert accent_insensitive_regex("a.").startswith("[aA")


def test_the_admin_search_ignores_accents_too(client, hospitals):
    admin_user = user_create(email="ops@example.test", password="x" * 12, role=Role.ADMIN)
    client.force_login(admin_user)
    page = client.get("/admin/network/hospital/", {"q": "charite"}).content.decode()
    assert hospitals["charite"].name in page and hospitals["other"].name not in page
