"""Saved searches (issue 10, item 8): a signed-in patient saves a search from the results, finds
it under /my/searches/, opens it and deletes it. Stored as the search's parameters (no results,
no free text); nobody else sees or deletes them; exported and erased with the patient's data."""

import json
import zipfile
from io import BytesIO
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from medijourney.accounts.roles import Role
from medijourney.discovery.models import SavedSearch
from medijourney.discovery.portability import saved_searches_erase
from medijourney.discovery.services import SAVED_SEARCHES_MAX
from medijourney.discovery.tests.world import standard_world
from medijourney.privacy.models import AuditEvent
from medijourney.privacy.portability import patient_export_build

pytestmark = pytest.mark.django_db
SEARCH = reverse("discovery:search")
SAVE = reverse("discovery:search_save")
LIST = reverse("discovery:saved_searches")


def params(world, **extra):
    return {"procedure": world.procedure.slug, "origin": "GB", "currency": "GBP", "w_cost": "5", **extra}


def test_a_patient_sees_save_this_search_and_saves_the_parameters_only(client, make_user):
    world = standard_world()
    patient = make_user(Role.PATIENT)
    client.force_login(patient)
    page = client.get(
        SEARCH, {"q": "I need a new knee replacement", "origin": "GB", "currency": "GBP"}
    ).content.decode()
    assert "Save this search" in page
    response = client.post(SAVE, {"q": "I need a new knee replacement", "origin": "GB", "currency": "GBP"})
    assert response.status_code == 302 and response["Location"].startswith(SEARCH + "?")
    saved = SavedSearch.objects.get(owner=patient)
    assert saved.params["procedure"] == world.procedure.slug
    assert saved.params["origin"] == "GB" and saved.params["currency"] == "GBP"
    assert "q" not in saved.params  # the words typed about a condition are not kept
    assert "results" not in json.dumps(saved.params)
    assert world.procedure.name in saved.label and "GBP" in saved.label
    assert AuditEvent.objects.filter(action="saved_search.create", actor_id=patient.public_id).exists()


def test_the_list_opens_the_same_search_and_delete_removes_it(client, make_user):
    world = standard_world()
    patient = make_user(Role.PATIENT)
    client.force_login(patient)
    client.post(SAVE, params(world))
    client.post(SAVE, params(world))  # the same search twice is one row
    assert SavedSearch.objects.filter(owner=patient).count() == 1
    page = client.get(LIST).content.decode()
    saved = SavedSearch.objects.get(owner=patient)
    link = next(a for a in page.split('href="')[1:] if a.startswith(SEARCH + "?")).split('"')[0].replace("&amp;", "&")
    assert parse_qs(urlparse(link).query)["procedure"] == [world.procedure.slug]
    results = client.get(link).content.decode()
    assert "3 results for Total knee replacement" in results
    deleted = client.post(reverse("discovery:saved_search_delete", args=[saved.public_id]))
    assert deleted.status_code == 302
    assert not SavedSearch.objects.filter(owner=patient).exists()
    assert "No saved searches yet" in client.get(LIST).content.decode()


def test_nobody_else_can_delete_or_see_a_patients_saved_search(client, make_user):
    world = standard_world()
    owner, other = make_user(Role.PATIENT), make_user(Role.PATIENT)
    client.force_login(owner)
    client.post(SAVE, params(world))
    saved = SavedSearch.objects.get(owner=owner)
    client.force_login(other)
    assert saved.label not in client.get(LIST).content.decode()
    assert client.post(reverse("discovery:saved_search_delete", args=[saved.public_id])).status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()
    assert AuditEvent.objects.filter(action="saved_search.delete", outcome="denied").exists()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.PATIENT])
def test_other_roles_cannot_save_or_list(client, make_user, role):
    world = standard_world()
    client.force_login(make_user(role))
    assert "Save this search" not in client.get(SEARCH, params(world)).content.decode()
    client.post(SAVE, params(world))
    assert not SavedSearch.objects.exists()
    assert client.get(LIST).status_code == 403


def test_anonymous_visitors_are_offered_sign_in_or_sign_up(client):
    world = standard_world()
    page = client.get(SEARCH, params(world)).content.decode()
    assert "Save this search" not in page
    assert 'href="/accounts/signup/"' in page and "to save this search" in page
    response = client.post(SAVE, params(world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.get(LIST).status_code == 302
    assert not SavedSearch.objects.exists()


def test_an_invalid_search_is_not_saved(client, make_user):
    standard_world()
    patient = make_user(Role.PATIENT)
    client.force_login(patient)
    client.post(SAVE, {"procedure": "no-such-procedure", "origin": "GB"})
    client.post(SAVE, {"q": "hello", "origin": "GB"})  # no treatment chosen
    assert not SavedSearch.objects.exists()


def test_the_number_of_saved_searches_is_bounded(client, make_user):
    world = standard_world()
    patient = make_user(Role.PATIENT)
    SavedSearch.objects.bulk_create(
        [SavedSearch(owner=patient, label=f"s{i}", params={"n": i}) for i in range(SAVED_SEARCHES_MAX)]
    )
    client.force_login(patient)
    response = client.post(SAVE, params(world), follow=True)
    assert "the most we keep" in response.content.decode()
    assert SavedSearch.objects.filter(owner=patient).count() == SAVED_SEARCHES_MAX


def test_the_list_is_paged(client, make_user, django_assert_max_num_queries):
    patient = make_user(Role.PATIENT)
    SavedSearch.objects.bulk_create([SavedSearch(owner=patient, label=f"search {i}", params={}) for i in range(25)])
    client.force_login(patient)
    with django_assert_max_num_queries(12):
        first = client.get(LIST).content.decode()
    assert first.count('data-testid="saved-search"') == 20 and "Page 1 of 2" in first
    assert client.get(LIST, {"page": 2}).content.decode().count('data-testid="saved-search"') == 5


def test_saved_searches_are_exported_and_erased_with_the_patient(client, make_user):
    world = standard_world()
    patient = make_user(Role.PATIENT)
    client.force_login(patient)
    client.post(SAVE, params(world))
    archive = zipfile.ZipFile(BytesIO(patient_export_build(patient)))
    exported = json.loads(archive.read("discovery.json"))
    assert exported["saved_searches"][0]["params"]["procedure"] == world.procedure.slug
    assert saved_searches_erase(patient) == {"saved_searches": 1}
    assert not SavedSearch.objects.exists()
