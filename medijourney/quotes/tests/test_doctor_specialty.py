"""The partner's quote form offers only doctors of the procedure's specialty (issue 10, item 15),
and the service refuses any other doctor whatever the route (page or API)."""

from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from medijourney.catalog.tests.factories import ProcedureFactory, specialty
from medijourney.network.tests.factories import DoctorFactory, LicenceFactory
from medijourney.quotes.forms import QuoteForm
from medijourney.quotes.models import Quote, QuoteRequest
from medijourney.quotes.services import quote_submit

from .factories import knee, plan, shared_request

pytestmark = pytest.mark.django_db


def dentist(hospital):
    doctor = DoctorFactory(hospital=hospital, full_name="Dr Dental Example", qualifications="BDS")
    doctor.specialties.add(specialty("dentistry", "Dentistry"))
    LicenceFactory(doctor=doctor)
    return doctor


def implant():
    return ProcedureFactory(slug="dental-implant", name="Dental implant", specialty=specialty("dentistry", "Dentistry"))


def _doctors(form: QuoteForm) -> list[Any]:
    field = form.fields["doctor"]
    assert isinstance(field, forms.ModelChoiceField)
    assert field.queryset is not None
    return list(field.queryset)


def test_the_choice_list_holds_only_doctors_of_the_procedures_specialty():
    request = shared_request()
    hospital = request.hospital
    surgeon = hospital.doctors.get()
    dental = dentist(hospital)
    for_knee = QuoteForm(hospital=hospital, initial={"procedure": knee()})
    assert _doctors(for_knee) == [surgeon]
    assert "Orthopedics" in str(for_knee.fields["doctor"].help_text)
    for_teeth = QuoteForm(hospital=hospital, initial={"procedure": implant()})
    assert _doctors(for_teeth) == [dental]
    # A bound form follows the procedure posted.
    posted = QuoteForm({"procedure": str(implant().pk)}, hospital=hospital)
    assert _doctors(posted) == [dental]


def test_the_service_refuses_a_doctor_of_another_specialty():
    request = shared_request()
    dental = dentist(request.hospital)
    partner = request.hospital.memberships.get().user
    with pytest.raises(ValidationError) as refused:
        quote_submit(request=request, actor=partner, plan=plan(request.hospital, doctor=dental))
    assert "doctor" in refused.value.message_dict
    assert "Dr Dental Example is not listed for Orthopedics" in refused.value.message_dict["doctor"][0]
    assert not Quote.objects.exists()


def test_the_page_refuses_a_doctor_of_another_specialty_by_field(client):
    request = shared_request()
    QuoteRequest.objects.filter(pk=request.pk).update(procedure=knee())  # the request names the procedure
    dental = dentist(request.hospital)
    partner = request.hospital.memberships.get().user
    client.force_login(partner)
    page = client.get(reverse("quotes:partner_request", args=[request.public_id])).content.decode()
    assert "Dr Dental Example" not in page
    response = client.post(
        reverse("quotes:partner_quote", args=[request.public_id]),
        {"clinical_summary": "Plan", "procedure": str(knee().pk), "doctor": str(dental.pk)},
    )
    assert response.status_code == 422
    assert "Choose one of your doctors of Orthopedics" in response.content.decode()
    assert not Quote.objects.exists()


def test_the_api_refuses_a_doctor_of_another_specialty(client):
    request = shared_request()
    dental = dentist(request.hospital)
    partner = request.hospital.memberships.get().user
    client.force_login(partner)
    good = plan(request.hospital)
    body = {
        "clinical_summary": good.clinical_summary,
        "procedure": knee().slug,
        "doctor": str(dental.public_id),
        "pre_op_days": 2,
        "inpatient_nights": 4,
        "days_before_flying": 10,
        "currency": "USD",
        "valid_until": str(good.valid_until),
        "lines": {
            k: {"status": v.status, "amount": str(v.amount) if v.amount is not None else None}
            for k, v in good.lines.items()
        },
    }
    response = client.post(f"/api/v1/partner/requests/{request.public_id}/quote", body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert any(e["field"] == "doctor" for e in response.json()["errors"])
    assert not Quote.objects.exists()
