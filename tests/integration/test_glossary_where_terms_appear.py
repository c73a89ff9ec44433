"""Issue 17 item 5: glossary terms are explained where they appear (procedure pages, the quotes'
treatment plans, discharge summaries, check-in questions), through HTTP, and messages between people
are never altered."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medijourney.aftercare.services import follow_ups_sweep, send_at
from medijourney.aftercare.tests.factories import check_in, returned_home
from medijourney.cases.services import message_send
from medijourney.cases.tests.factories import case_manager, make_case
from medijourney.catalog.tests.factories import ProcedureFactory
from medijourney.interop.tests.factories import with_summary
from medijourney.journeys.tests.factories import accepted_journey
from medijourney.quotes.tests.factories import answered, case_of, shared_request
from medijourney.testing.html import squash

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS_ENABLED = False


def summaries(html: str) -> list[str]:
    return [part.split("</summary>")[0] for part in squash(html).split('<details class="gloss"><summary>')[1:]]


def _as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_procedure_page_explains_the_terms_of_its_description_in_the_readers_language(client):
    p = ProcedureFactory(slug="lap-chole", description="Keyhole surgery under general anaesthesia; a biopsy.")
    html = client.get(reverse("catalog:procedure_detail", args=[p.slug])).content.decode()
    assert summaries(html) == ["Keyhole surgery", "general anaesthesia", "biopsy"]
    assert '<div class="lead">' in html and '<p class="lead">' not in html  # no <details> inside a <p>
    ar = client.get(reverse("catalog:procedure_detail", args=[p.slug]), headers={"Accept-Language": "ar"})
    assert "أخذ خلايا أو أنسجة ليفحصها طبيب علم الأمراض." in ar.content.decode()


def test_the_procedure_page_makes_no_more_queries_with_many_terms(client):
    plain = ProcedureFactory(slug="plain-one", description="A plain description.")
    rich = ProcedureFactory(slug="rich-one", description="Biopsy, stent, hernia, CT scan, catheter and sutures.")
    counts = []
    for p in (plain, rich, plain):
        with CaptureQueriesContext(connection) as q:
            client.get(reverse("catalog:procedure_detail", args=[p.slug]))
        counts.append(len(q))
    assert counts[1] == counts[2]


def test_the_treatment_plan_in_the_quote_comparison_explains_its_terms():
    request = shared_request()
    answered(request, clinical_summary="Arthroplasty under spinal anaesthesia.\nThen physiotherapy <b>daily</b>.")
    html = _as(case_of(request).patient).get(reverse("quotes:compare", args=[case_of(request).reference]))
    body = html.content.decode()
    assert summaries(body) == ["Arthroplasty", "anaesthesia", "physiotherapy"]
    assert "<br>" in body.split("Arthroplasty")[-1] and "&lt;b&gt;daily&lt;/b&gt;" in body


def test_the_discharge_summary_explains_its_terms_for_the_patient():
    journey, _manager, partner = accepted_journey()
    with_summary(
        journey,
        partner,
        procedures=[{"text": "Coronary stent insertion", "system": "", "code": "", "date": ""}],
        complications="Small haematoma at the wound.",
    )
    body = _as(journey.case.patient).get(reverse("interop:summary", args=[journey.public_id])).content.decode()
    found = summaries(body)
    for term in ("stent", "haematoma", "wound", "Physiotherapy"):
        assert term in found, term
    assert found.count("wound") == 1  # complications, instructions and follow-up: explained once
    assert "A device placed in a body structure" in body


def test_check_in_questions_explain_their_terms_beside_the_label():
    follow_up, _manager, _partner = returned_home()
    item = check_in(follow_up, 7)
    follow_ups_sweep(now=send_at(item))
    body = _as(follow_up.case.patient).get(reverse("aftercare:check_in", args=[item.public_id])).content.decode()
    found = summaries(body)
    for term in ("wound", "calf", "confusion"):
        assert f"What does “{term}” mean?" in found, term
    flat = squash(body)
    assert "<legend>Your wound</legend>" in flat  # the legend itself stays plain text
    for tag in ("label", "legend"):  # <details> is not allowed in either
        for chunk in flat.split(f"<{tag}")[1:]:
            assert "<details" not in chunk.split(f"</{tag}>")[0]


def test_messages_between_people_are_never_altered():
    manager = case_manager()
    case = make_case(assigned_to=manager)
    text = "Your biopsy and the stent are booked; bring your anticoagulant."
    message_send(case=case, author=manager, body=text)
    for user, url in ((manager, "cases:detail"), (case.patient, "cases:my_case")):
        body = _as(user).get(reverse(url, args=[case.reference])).content.decode()
        assert text in body, url
        assert 'class="gloss"' not in body, url
