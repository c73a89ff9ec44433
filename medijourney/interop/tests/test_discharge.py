"""The discharge summary: checked by field, versioned, audited, on the timeline, fed to the journey;
the partner's page and API, the patient's and the case manager's pages."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from medijourney.cases.models import CaseEvent, CaseTask
from medijourney.interop.models import DischargeSummary
from medijourney.interop.services import discharge_summary_save
from medijourney.journeys.models import StepKind
from medijourney.journeys.tests.factories import accepted_journey, step
from medijourney.privacy.models import AuditEvent
from medijourney.testing.html import without_glosses

from .factories import discharge_input, with_summary

pytestmark = pytest.mark.django_db


def test_first_version_is_stored_audited_and_on_the_timeline():
    journey, _manager, partner = accepted_journey()
    summary = with_summary(journey, partner)
    assert summary.version == 1
    assert summary.medications[0]["name"] == "Paracetamol 500 mg tablets"
    assert summary.devices[0]["serial"] == "SN-000123"
    assert CaseEvent.objects.filter(case=journey.case, kind="discharge_summary").count() == 1
    assert AuditEvent.objects.filter(action="discharge_summary.write", object_id=str(summary.public_id)).exists()


def test_a_dose_without_a_medicine_is_refused_naming_the_field_and_nothing_is_stored():
    journey, _manager, partner = accepted_journey()
    bad = discharge_input(medications=[{"name": "", "dose": "40 mg", "frequency": "daily", "until": ""}])
    with pytest.raises(ValidationError) as err:
        discharge_summary_save(journey=journey, data=bad, actor=partner)
    assert "medications[0].name" in err.value.error_dict
    assert not DischargeSummary.objects.exists()
    assert not CaseEvent.objects.filter(kind="discharge_summary").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"procedures": []}, "procedures[0].text"),
        ({"procedures": [{"text": "", "system": "snomed", "code": "1", "date": ""}]}, "procedures[0].text"),
        (
            {"procedures": [{"text": "A", "system": ""}, {"text": "B", "system": "", "code": "12"}]},
            "procedures[1].system",
        ),
        ({"procedures": [{"text": "A"}, {"text": "B", "date": "2999-01-01"}]}, "procedures[1].date"),
        ({"procedures": [{"text": "A"}, {"text": "B", "date": "2001-01-01"}]}, "procedures[1].date"),
        ({"procedures": [{"text": "A"}, {"text": "B", "date": "tomorrow"}]}, "procedures[1].date"),
        ({"surgeon": "  "}, "surgeon"),
        ({"diagnoses": []}, "diagnoses[0].text"),
        ({"diagnoses": [{"text": "x", "system": "", "code": "M17"}]}, "diagnoses[0].system"),
        ({"devices": [{"type": "", "manufacturer": "Acme", "model": "", "lot": "", "serial": ""}]}, "devices[0].type"),
        ({"allergies": [{"substance": "", "reaction": "hives"}]}, "allergies[0].substance"),
        ({"medications": [{"name": "X", "dose": "", "frequency": "", "until": "soon"}]}, "medications[0].until"),
        ({"fit_to_fly_date": None}, "fit_to_fly_date"),
        ({"procedure_date": datetime.date(2999, 1, 1)}, "procedure_date"),
    ],
)
def test_bad_fields_are_named(overrides, field):
    journey, _manager, partner = accepted_journey()
    with pytest.raises(ValidationError) as err:
        discharge_summary_save(journey=journey, data=discharge_input(**overrides), actor=partner)
    assert field in err.value.error_dict
    assert not DischargeSummary.objects.exists()


def test_a_correction_is_a_new_version_and_needs_a_reason():
    journey, _manager, partner = accepted_journey()
    first = with_summary(journey, partner)
    with pytest.raises(ValidationError) as err:
        with_summary(journey, partner, surgeon="Dr Arjun Demo")
    assert "correction_reason" in err.value.error_dict
    second = with_summary(journey, partner, surgeon="Dr Arjun Demo", correction_reason="Surgeon's name corrected")
    assert second.version == 2
    first.refresh_from_db()
    assert first.surgeon == "Dr Meera Demo"  # the old version is kept as written


def test_a_return_flight_before_the_surgeons_date_becomes_a_task_for_the_case_manager():
    journey, manager, partner = accepted_journey()
    back = step(journey, StepKind.RETURN_FLIGHT).day
    with_summary(journey, partner, fit_to_fly_date=back + datetime.timedelta(days=2))
    task = CaseTask.objects.get(case=journey.case)
    assert task.assignee == manager
    assert "fit-to-fly" in task.title


def test_a_fit_date_before_the_return_flight_makes_no_task():
    journey, _manager, partner = accepted_journey()
    back = step(journey, StepKind.RETURN_FLIGHT).day
    with_summary(journey, partner, fit_to_fly_date=back - datetime.timedelta(days=1))
    assert not CaseTask.objects.filter(case=journey.case).exists()


def test_partner_page_keeps_input_on_error_then_saves(client):
    journey, _manager, partner = accepted_journey()
    client.force_login(partner)
    url = reverse("interop:write", args=[journey.public_id])
    assert client.get(url).status_code == 200
    data = {
        "procedures[0].text": "Total knee replacement",
        "procedures[0].system": "snomed",
        "procedures[0].code": "609588000",
        "procedures[1].text": "Removal of a loose body",
        "procedures[1].date": "2020-01-03",
        "procedure_date": "2020-01-01",
        "surgeon": "Dr Meera Demo",
        "diagnoses[0].text": "Osteoarthritis",
        "medications[0].dose": "40 mg",
        "instructions": "Rest.",
        "follow_up": "Physiotherapy.",
        "fit_to_fly_date": "2020-01-10",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Enter the name" in body
    assert 'value="40 mg"' in body and 'value="Dr Meera Demo"' in body
    assert 'value="Removal of a loose body"' in body and 'value="2020-01-03"' in body
    data["medications[0].name"] = "Enoxaparin"
    response = client.post(url, data)
    assert response.status_code == 302
    saved = DischargeSummary.objects.get(journey=journey)
    assert saved.medications[0]["name"] == "Enoxaparin"
    assert saved.procedures == [
        {"text": "Total knee replacement", "system": "snomed", "code": "609588000", "date": ""},
        {"text": "Removal of a loose body", "system": "", "code": "", "date": "2020-01-03"},
    ]


def test_a_later_procedure_after_the_fit_to_fly_date_is_refused():
    journey, _manager, partner = accepted_journey()
    first = timezone.localdate() - datetime.timedelta(days=5)
    bad = discharge_input(
        procedure_date=first,
        procedures=[{"text": "A"}, {"text": "B", "date": (first + datetime.timedelta(days=3)).isoformat()}],
        fit_to_fly_date=first + datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as err:
        discharge_summary_save(journey=journey, data=bad, actor=partner)
    assert "fit_to_fly_date" in err.value.error_dict
    assert not DischargeSummary.objects.exists()


def test_patient_sees_every_procedure_in_plain_words(client):
    journey, _manager, partner = accepted_journey()
    day = timezone.localdate() - datetime.timedelta(days=4)
    with_summary(
        journey,
        partner,
        procedure_date=day,
        procedures=[
            {"text": "Coronary angiography", "system": "", "code": "", "date": ""},
            {"text": "Coronary stent insertion", "system": "snomed", "code": "36969009", "date": ""},
        ],
    )
    client.force_login(journey.case.patient)
    body = without_glosses(client.get(reverse("interop:summary", args=[journey.public_id])).content.decode())
    assert "Operations and treatments you had" in body
    assert "Coronary angiography" in body and "Coronary stent insertion" in body and "36969009" in body


def test_patient_reads_plain_words_and_an_old_version(client):
    journey, manager, partner = accepted_journey()
    with_summary(journey, partner)
    with_summary(journey, partner, surgeon="Dr Arjun Demo", correction_reason="Surgeon's name corrected")
    client.force_login(journey.case.patient)
    url = reverse("interop:summary", args=[journey.public_id])
    body = client.get(url).content.decode()
    assert "Medicines to take" in body and "Enoxaparin" in body and "Knee joint prosthesis" in body
    assert "Dr Arjun Demo" in body
    old = client.get(url + "?version=1").content.decode()
    assert "Dr Meera Demo" in old and "corrected since" in old
    assert client.get(url + "?version=9").status_code == 404
    assert AuditEvent.objects.filter(action="discharge_summary.view", outcome="allowed").count() == 2
    client.force_login(manager)
    assert "Medications at discharge" in client.get(url).content.decode()
    case_page = client.get(reverse("cases:detail", args=[journey.case.reference])).content.decode()
    assert reverse("interop:for_case", args=[journey.case.reference]) in case_page


def test_api_post_names_the_field_and_stores_nothing(client):
    journey, _manager, partner = accepted_journey()
    client.force_login(partner)
    url = f"/api/v1/partner/journeys/{journey.public_id}/discharge-summary"
    payload = {
        "procedures": [{"text": "Total knee replacement"}, {"text": "Patella resurfacing", "date": "2020-01-02"}],
        "procedure_date": "2020-01-01",
        "surgeon": "Dr Meera Demo",
        "diagnoses": [{"text": "Osteoarthritis"}],
        "medications": [{"dose": "40 mg"}],
        "instructions": "Rest.",
        "follow_up": "Physiotherapy.",
        "fit_to_fly_date": "2020-01-10",
    }
    response = client.post(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["medications[0].name"]
    assert not DischargeSummary.objects.exists()
    payload["medications"] = [{"name": "Enoxaparin", "dose": "40 mg", "until": "2020-02-01"}]
    response = client.post(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 1
    read = client.get(f"/api/v1/journeys/{journey.public_id}/discharge-summary?version=1")
    assert read.status_code == 200
    assert read.json()["medications"][0] == {
        "name": "Enoxaparin",
        "dose": "40 mg",
        "frequency": "",
        "until": "2020-02-01",
    }
    assert read.json()["procedures"] == [
        {"text": "Total knee replacement", "system": "", "code": "", "date": ""},
        {"text": "Patella resurfacing", "system": "", "code": "", "date": "2020-01-02"},
    ]
