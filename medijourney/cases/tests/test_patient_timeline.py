"""Case pages in words (issue 10, item 15): the patient's list shows treatment and stage, the
patient's case page has a timeline without internal events, a reply updates the timelines
without a reload (htmx out-of-band swap), the travel window is never "? – ?", the board wraps."""

import datetime
import json
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from medijourney.accounts.roles import Role
from medijourney.accounts.tests.factories import UserFactory
from medijourney.cases.models import Case, EventKind, Stage
from medijourney.cases.selectors import event_visible_to_patient, patient_timeline
from medijourney.cases.services import case_event_add, case_transition, message_send, note_add, task_add
from medijourney.catalog.tests.factories import ProcedureFactory
from medijourney.privacy.portability import patient_export_build
from medijourney.testing.html import contains

from .factories import case_manager, make_case

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_patients_list_shows_the_treatment_and_the_stage_in_words(client):
    patient = UserFactory(role=Role.PATIENT)
    named = make_case(patient=patient, procedure_requested="Hip replacement")
    ProcedureFactory(slug="routed-knee", name="Total knee replacement (routed)")
    routed = make_case(patient=patient, procedure_requested="")
    Case.objects.filter(pk=routed.pk).update(procedure_slug="routed-knee")
    client.force_login(patient)
    page = client.get(reverse("cases:my_cases")).content.decode()
    assert "Hip replacement" in page and "Total knee replacement (routed)" in page
    assert "Stage: <span" in page and ">New<" in page
    assert "routed-knee" not in page  # no codes
    assert f"Reference {named.reference}" in page
    assert str(datetime.date.today().year) in page and f"-{datetime.date.today().month:02d}-" not in page


def test_a_case_without_a_procedure_says_so_in_words(client, fake_triage):
    patient = UserFactory(role=Role.PATIENT)
    case = make_case(patient=patient, procedure_requested="")
    Case.objects.filter(pk=case.pk).update(procedure_slug="")
    client.force_login(patient)
    page = client.get(reverse("cases:my_cases")).content.decode()
    assert "Orthopaedics: treatment not chosen yet" in page
    assert "orthopedics" not in page


def busy_case():
    patient = UserFactory(role=Role.PATIENT)
    manager = case_manager()
    case = make_case(patient=patient, assigned_to=manager)
    note_add(case=case, author=manager, body="Internal: patient sounded anxious, check insurance")
    task_add(case=case, actor=manager, title="Call the Delhi desk")
    case_event_add(case=case, kind=EventKind.CLOCK_WARNING)
    case_event_add(case=case, kind=EventKind.MESSAGE_FLAGGED, reasons=["phone"])
    message_send(case=case, author=manager, body="Hello, I am your case manager.")
    case_transition(case=case, to=Stage.IN_REVIEW, actor=manager, reason="reports look complete")
    return case, patient, manager


def test_the_patient_timeline_shows_what_happened_without_internal_events(client):
    case, patient, _manager = busy_case()
    client.force_login(patient)
    page = client.get(reverse("cases:my_case", args=[case.reference])).content.decode()
    timeline = page[page.index('id="patient-timeline"') :]
    timeline = timeline[: timeline.index("</section>")]
    assert "We received your inquiry" in timeline
    assert "Message</strong> from your case team" in timeline
    assert "Your case manager answered" in timeline
    assert "Your case moved on</strong>: In review" in timeline
    for hidden in ("note", "Task", "4 hours", "flagged", "reports look complete", "anxious", "Delhi"):
        assert hidden not in timeline, hidden


def test_visibility_is_decided_per_kind_in_one_place():
    for kind in (EventKind.NOTE_ADDED, EventKind.TASK_ADDED, EventKind.TASK_DONE, EventKind.CLOCK_WARNING,
                 EventKind.MESSAGE_FLAGGED, EventKind.UNASSIGNED_ESCALATED, "owner_pending", "quote_overdue",
                 "final_bill", "some_future_kind"):  # fmt: skip
        assert not event_visible_to_patient(kind), kind
    for kind in (
        EventKind.INTAKE,
        EventKind.STAGE_CHANGED,
        EventKind.MESSAGE_SENT,
        "quote_received",
        "consent_granted",
    ):
        assert event_visible_to_patient(kind), kind


def test_the_export_uses_the_same_rule(client):
    case, patient, _manager = busy_case()
    shown = [e.label for e in patient_timeline(case)]
    archive = zipfile.ZipFile(BytesIO(patient_export_build(patient)))
    exported = json.loads(archive.read("cases.json"))
    whats = [row["what"] for c in exported["cases"] for row in c["timeline"]]
    assert len(whats) == len(shown) and all(any(w.startswith(s) for s in shown) for w in whats)
    assert not any("note" in w.lower() or "task" in w.lower() for w in whats)


def test_a_patients_message_updates_their_timeline_out_of_band(client):
    case, patient, _manager = busy_case()
    client.force_login(patient)
    response = client.post(reverse("cases:message_send", args=[case.reference]), {"body": "Thank you!"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert contains(html, 'id="patient-timeline" class="card-section" hx-swap-oob="true"')
    assert contains(html, "Message</strong> from you")


def test_a_case_managers_reply_updates_the_timeline_out_of_band(client):
    case, _patient, manager = busy_case()
    client.force_login(manager)
    before = client.get(reverse("cases:detail", args=[case.reference])).content.decode().count("Message sent")
    response = client.post(reverse("cases:message_send", args=[case.reference]), {"body": "Any news?"}, **HTMX)
    html = response.content.decode()
    assert contains(html, 'id="timeline" class="card-section" hx-swap-oob="true"')
    oob = html[html.index('id="timeline"') :]
    assert oob.count("Message sent") == before + 1


@pytest.mark.parametrize(
    ("earliest", "latest", "shown"),
    [
        (None, None, "not given yet"),
        (datetime.date(2027, 3, 8), None, "from 8 Mar 2027"),
        (None, datetime.date(2027, 4, 1), "until 1 Apr 2027"),
        (datetime.date(2027, 3, 8), datetime.date(2027, 4, 1), "8 Mar 2027 – 1 Apr 2027"),
    ],
)
def test_the_travel_window_is_in_words_never_question_marks(client, earliest, latest, shown):
    manager = case_manager()
    case = make_case(assigned_to=manager)
    Case.objects.filter(pk=case.pk).update(travel_earliest=earliest, travel_latest=latest)
    client.force_login(manager)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert contains(page, f"<dt>Travel window</dt><dd>{shown}</dd>")
    assert "? – ?" not in page


def test_the_board_wraps_its_columns_instead_of_cutting_them_off(client):
    manager = case_manager()
    make_case(assigned_to=manager)
    client.force_login(manager)
    page = client.get(reverse("cases:board")).content.decode()
    assert page.count('class="board-column"') >= len([s for s in Stage if s != Stage.CANCELLED])
    css = (Path(settings.BASE_DIR) / "medijourney/cases/static/cases/cases.css").read_text()
    board_rule = next(line for line in css.splitlines() if line.startswith(".board {"))
    assert "auto-fill" in board_rule and "overflow-x" not in board_rule and "grid-auto-flow: column" not in board_rule
