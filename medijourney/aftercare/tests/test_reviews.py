"""Verified reviews: eligibility (home with that hospital, once per case, from 14 days after
discharge), published as written, redaction of personal data only with a reason, one reply by
the reviewed hospital only; and the hospital page's figures always with n."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from medijourney.accounts.roles import Role
from medijourney.accounts.tests.factories import UserFactory
from medijourney.aftercare.models import Review
from medijourney.aftercare.services import ReviewInput, review_redact, review_reply, review_submit
from medijourney.quotes.tests.factories import partner_hospital

from .factories import at, returned_home

pytestmark = pytest.mark.django_db

GOOD = ReviewInput(
    care=5,
    communication=4,
    cleanliness=5,
    value=4,
    would_recommend=True,
    text="Dr Rao and nurse Priya were kind. Call me on +91 98765 43210.",
)


def _after(follow_up, days=14):
    return time_machine.travel(at(follow_up.discharged_on + datetime.timedelta(days=days)), tick=False)


def test_a_review_before_14_days_or_for_another_hospital_is_refused():
    follow_up, _m, _p = returned_home()
    assert follow_up.case is not None
    patient = follow_up.case.patient
    with _after(follow_up, 13), pytest.raises(ValidationError) as exc:
        review_submit(case=follow_up.case, actor=patient, hospital=follow_up.hospital, data=GOOD)
    assert "case" in exc.value.message_dict
    other, _partner = partner_hospital()
    with _after(follow_up), pytest.raises(ValidationError) as exc:
        review_submit(case=follow_up.case, actor=patient, hospital=other, data=GOOD)
    assert "hospital" in exc.value.message_dict
    stranger = UserFactory(role=Role.PATIENT)
    with _after(follow_up), pytest.raises(ValidationError) as exc:
        review_submit(case=follow_up.case, actor=stranger, hospital=follow_up.hospital, data=GOOD)
    assert "case" in exc.value.message_dict
    assert not Review.objects.exists()


def test_once_per_case_month_shown_never_the_name():
    follow_up, _m, _p = returned_home()
    assert follow_up.case is not None
    patient = follow_up.case.patient
    with _after(follow_up):
        review = review_submit(case=follow_up.case, actor=patient, hospital=follow_up.hospital, data=GOOD)
        with pytest.raises(ValidationError) as exc:
            review_submit(case=follow_up.case, actor=patient, hospital=follow_up.hospital, data=GOOD)
    assert "case" in exc.value.message_dict
    assert review.month == follow_up.discharged_on.replace(day=1) and review.initials == ""
    page = Client().get(reverse("aftercare:hospital_reviews", args=[follow_up.hospital.public_id])).content.decode()
    assert "Dr Rao and nurse Priya were kind." in page
    assert patient.full_name not in page


def test_lead_redacts_only_personal_data_with_a_reason_and_never_hides():
    follow_up, _m, _p = returned_home()
    assert follow_up.case is not None
    lead = UserFactory(role=Role.QUALITY_LEAD)
    with _after(follow_up):
        review = review_submit(
            case=follow_up.case, actor=follow_up.case.patient, hospital=follow_up.hospital, data=GOOD
        )
    with pytest.raises(ValidationError) as exc:
        review_redact(review=review, actor=lead, phrases=["were kind"], reason="x")
    assert "phrases" in exc.value.message_dict  # not personal data
    with pytest.raises(ValidationError) as exc:
        review_redact(review=review, actor=lead, phrases=["+91 98765 43210"], reason="")
    assert "reason" in exc.value.message_dict
    manager = UserFactory(role=Role.CASE_MANAGER)
    with pytest.raises(ValidationError):
        review_redact(review=review, actor=manager, phrases=["+91 98765 43210"], reason="phone")
    review = review_redact(review=review, actor=lead, phrases=["+91 98765 43210", "Priya"], reason="A phone and a name")
    assert review.text == "Dr Rao and nurse [removed] were kind. Call me on [removed]."
    assert review.redaction_reason == "A phone and a name"
    assert Review.objects.filter(pk=review.pk).exists()


def test_hospital_replies_once_and_another_hospital_cannot():
    follow_up, _m, partner = returned_home()
    assert follow_up.case is not None
    with _after(follow_up):
        review = review_submit(
            case=follow_up.case, actor=follow_up.case.patient, hospital=follow_up.hospital, data=GOOD
        )
    _other, other_partner = partner_hospital()
    with pytest.raises(ValidationError) as exc:
        review_reply(review=review, actor=other_partner, text="Not ours")
    assert "hospital" in exc.value.message_dict
    client = Client()
    client.force_login(other_partner)
    assert client.post(reverse("aftercare:review_reply", args=[review.public_id]), {"reply": "x"}).status_code == 403
    review_reply(review=review, actor=partner, text="Thank you for your kind words.")
    with pytest.raises(ValidationError) as exc:
        review_reply(review=review, actor=partner, text="Again")
    assert "reply" in exc.value.message_dict
    assert Review.objects.get(pk=review.pk).reply == "Thank you for your kind words."


def test_patient_writes_through_the_page():
    follow_up, _m, _p = returned_home()
    assert follow_up.case is not None
    client = Client()
    url = reverse("aftercare:review_write", args=[follow_up.case.reference])
    with _after(follow_up, 3):
        client.force_login(follow_up.case.patient)
        assert "Reviews open 14 days after discharge" in client.get(url).content.decode()
    form = {
        "care": "5",
        "communication": "4",
        "cleanliness": "5",
        "value": "3",
        "would_recommend": "False",
        "text": "Slow.",
    }
    with _after(follow_up):
        client.force_login(follow_up.case.patient)
        bad = client.post(url, {**form, "care": "9"})
        assert bad.status_code == 400 and "Slow." in bad.content.decode()
        assert client.post(url, form).status_code == 302
    review = Review.objects.get(case=follow_up.case)
    assert review.would_recommend is False and review.value == 3  # a negative review is published as it is


def test_hospital_page_shows_figures_with_n_or_not_enough_data():
    follow_up, _m, _p = returned_home()
    page = Client().get(reverse("network:hospital_detail", args=[follow_up.hospital.public_id])).content.decode()
    assert "How patients did after returning home" in page
    assert "not enough data yet (n = 0)" in page
    assert "Follow-up completion" in page


def test_scorecards_show_outcomes_with_n():
    follow_up, _m, _p = returned_home()
    lead = UserFactory(role=Role.QUALITY_LEAD)
    client = Client()
    client.force_login(lead)
    page = client.get(reverse("quotes:scorecards")).content.decode()
    assert "Outcomes reported in follow-up check-ins" in page
    assert follow_up.hospital.name in page and "not enough data yet (n = 0)" in page
