"""Second-opinion pages through HTTP: the whole flow, what each page shows, bad input kept in
the form, and the audited reads."""

import pytest
from django.test import Client
from django.urls import reverse

from medijourney.accounts.roles import Role
from medijourney.accounts.tests.factories import UserFactory
from medijourney.cases.tests.factories import make_case
from medijourney.catalog.tests.factories import specialty
from medijourney.exchange.models import OpinionRequest, OpinionStatus
from medijourney.privacy.models import AuditEvent
from medijourney.quotes.tests.factories import add_report
from medijourney.testing.queries import assert_flat

from .factories import assigned_request, make_manager, make_specialist

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_whole_flow_through_the_pages():
    ortho = specialty("orthopedics")
    manager = make_manager()
    patient = UserFactory(role=Role.PATIENT)
    case = make_case(patient=patient, assigned_to=manager, full_name=patient.full_name)
    specialist = make_specialist(full_name="Dr Sofia Example")
    p, m, s = login(patient), login(manager), login(specialist)

    # The case page links to the second opinion page.
    assert (
        reverse("exchange:my_opinions", args=[case.reference])
        in p.get(reverse("cases:my_case", args=[case.reference])).content.decode()
    )
    url = reverse("exchange:my_opinions", args=[case.reference])
    unticked = p.post(url, {"specialty": ortho.pk, "question_1": "Do I need it?", "scope": "deidentified_summary"})
    assert unticked.status_code == 422
    assert "Tick the box to agree" in unticked.content.decode() and "Do I need it?" in unticked.content.decode()
    empty = p.post(url, {"specialty": ortho.pk, "question_1": "", "scope": "deidentified_summary", "agree": "on"})
    assert empty.status_code == 422 and "Write between 1 and 5 questions" in empty.content.decode()
    assert not OpinionRequest.objects.filter(case=case).exists()
    ok = p.post(
        url,
        {
            "specialty": ortho.pk,
            "question_1": "Do I need a knee replacement?",
            "scope": "deidentified_summary",
            "agree": "on",
        },
    )
    assert ok.status_code == 302
    request = OpinionRequest.objects.get(case=case)

    panel = reverse("exchange:case_opinions", args=[case.reference])
    assert "Dr Sofia Example" in m.get(panel).content.decode()
    assert (
        m.post(
            reverse("exchange:assign", args=[case.reference, request.public_id]), {"specialist": specialist.pk}
        ).status_code
        == 302
    )
    request.refresh_from_db()
    assert request.status == OpinionStatus.ASSIGNED

    work = s.get(reverse("exchange:workspace")).content.decode()
    assert request.code in work and case.reference not in work
    detail = reverse("exchange:opinion", args=[request.public_id])
    before = s.get(detail).content.decode()
    assert (
        "Conflict of interest" in before and "Do I need a knee replacement?" not in before
    )  # nothing before the declaration
    s.post(detail, {"action": "declare", "declared": "on"})
    after = s.get(detail).content.decode()
    assert "Do I need a knee replacement?" in after and patient.full_name not in after and case.email not in after
    assert AuditEvent.objects.filter(
        action="opinion_request.view", actor_id=specialist.public_id, outcome="allowed"
    ).exists()

    s.post(detail, {"action": "clarify", "question": "Which knee?"})
    request.refresh_from_db()
    assert request.status == OpinionStatus.CLARIFYING
    assert "clock paused" in s.get(reverse("exchange:workspace")).content.decode()
    clar = request.clarifications.get()
    assert (
        m.post(
            reverse("exchange:answer", args=[case.reference, request.public_id, clar.public_id]),
            {"answer": "The right knee."},
        ).status_code
        == 302
    )

    missing = s.post(
        detail,
        {
            "action": "submit",
            "understood_summary": "Right knee arthritis.",
            "agreement": "agree",
            "confidence": "high",
            "plain_summary": "Surgery is reasonable.",
        },
    )
    assert missing.status_code == 422
    assert "Answer question 1." in missing.content.decode() and "Right knee arthritis." in missing.content.decode()
    done = s.post(
        detail,
        {
            "action": "submit",
            "understood_summary": "Right knee arthritis.",
            "answer_1": "Yes, in time.",
            "agreement": "agree",
            "confidence": "high",
            "plain_summary": "Surgery is reasonable.",
        },
    )
    assert done.status_code == 302

    mine = p.get(url).content.decode()
    assert (
        "Surgery is reasonable." in mine
        and "Yes, in time." in mine
        and "Agree with the proposed treatment plan" in mine
    )


def test_the_specialist_reaches_only_shared_material():
    request, specialist = assigned_request(scope="summary_with_reports")
    case = request.case
    shared, unshared = add_report(case, "shared"), add_report(case, "not shared")
    request.documents.set([shared])
    s = login(specialist)
    doc_url = lambda d: reverse("exchange:opinion_document", args=[request.public_id, d.public_id])  # noqa: E731
    assert s.get(doc_url(shared)).status_code == 404  # not before the declaration
    s.post(reverse("exchange:opinion", args=[request.public_id]), {"action": "declare", "declared": "on"})
    assert s.get(doc_url(shared)).status_code == 200
    assert s.get(doc_url(unshared)).status_code == 404
    assert AuditEvent.objects.filter(
        action="opinion_document.download", outcome="denied", actor_id=specialist.public_id
    ).exists()
    # The case itself and its documents are never reachable through the cases routes.
    assert s.get(reverse("cases:detail", args=[case.reference])).status_code in (403, 404)
    other = make_specialist()
    assert login(other).get(reverse("exchange:opinion", args=[request.public_id])).status_code == 404
    assert AuditEvent.objects.filter(action="opinion_request.view", outcome="denied", actor_id=other.public_id).exists()


def test_workspace_query_count_is_flat():
    specialist = make_specialist()
    client = login(specialist)
    assigned_request(specialist=specialist)
    assert_flat(
        lambda: client.get(reverse("exchange:workspace")),
        lambda: [assigned_request(specialist=specialist) for _ in range(2)],
    )
