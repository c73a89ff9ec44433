"""The permission matrix for every cases route (pages and API): anonymous, every role, owner and
not owner. Owner means: the patient of the case, or the case manager it is assigned to."""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medijourney.accounts.roles import Role
from medijourney.cases.consent import CURRENT_CONSENT_VERSION
from medijourney.cases.forms import new_form_token
from medijourney.cases.models import Stage
from medijourney.cases.services import note_add, task_add
from medijourney.testing.files import pdf_bytes

from .factories import case_manager, make_case

pytestmark = pytest.mark.django_db
_n = itertools.count()


def setup_case(user, owner):
    """A case the acting user owns (patient or assigned case manager) or not."""
    if user is not None and owner and user.role == Role.PATIENT:
        return make_case(patient=user)
    if user is not None and owner and user.role == Role.CASE_MANAGER:
        return make_case(assigned_to=user)
    return make_case(assigned_to=case_manager())  # someone else's case


def setup_case_with_doc(user, owner):
    from medijourney.core.uploads import validate_upload

    upload = validate_upload(SimpleUploadedFile("r.pdf", pdf_bytes(), content_type="application/pdf"))
    case = setup_case(user, owner)
    from medijourney.cases.services import documents_add

    documents_add(case=case, uploads=[upload], actor=case.patient)
    return case


def setup_case_with_task(user, owner):
    case = setup_case(user, owner)
    task_add(case=case, actor=case.patient, title="Call the patient")
    return case


# Expected statuses shared by routes with the same rule.
CASE_TEAM_ONLY = {
    "anonymous": 302,
    "patient:owner": 403,
    "patient:other": 403,
    "case_manager:owner": 200,
    "case_manager:other": 404,
    "partner": 403,
    "quality_lead": 200,
    "specialist": 403,
    "clinician": 403,
    "admin": 200,
}
PATIENT_OR_TEAM = {
    "anonymous": 302,
    "patient:owner": 200,
    "patient:other": 404,
    "case_manager:owner": 200,
    "case_manager:other": 404,
    "partner": 403,
    "quality_lead": 200,
    "specialist": 403,
    "clinician": 403,
    "admin": 200,
}


def with_status(expect, ok, anonymous=None):
    out = {k: (ok if v == 200 else v) for k, v in expect.items()}
    if anonymous is not None:
        out["anonymous"] = anonymous
    return out


ALL_ROLES = ["patient", "case_manager", "partner", "quality_lead", "specialist", "clinician", "admin"]


def test_inquiry_form_is_public(matrix):
    matrix.check(
        method="GET", url=lambda o: reverse("cases:inquiry"), expect={"anonymous": 200, **dict.fromkeys(ALL_ROLES, 200)}
    )


def _form(obj):
    return {
        "token": new_form_token(),
        "consent_version": CURRENT_CONSENT_VERSION,
        "full_name": "Someone",
        "email": f"someone{next(_n)}@example.test",
        "phone": "+44 20 7946 0958",
        "country_of_residence": "GB",
        "passport_country": "GB",
        "preferred_language": "en",
        "need": "Hip pain",
        "consent": "on",
    }


def test_inquiry_post_is_public(matrix):
    matrix.check(
        method="POST",
        url=lambda o: reverse("cases:inquiry"),
        data=_form,
        expect={"anonymous": 302, **dict.fromkeys(ALL_ROLES, 302)},
    )


def test_inquiry_received_needs_a_submission_in_the_session(matrix):
    matrix.check(
        method="GET",
        url=lambda o: reverse("cases:inquiry_received"),
        expect={"anonymous": 302, **dict.fromkeys(ALL_ROLES, 302)},
    )


@pytest.mark.parametrize("name", ["cases:queue", "cases:board"])
def test_queue_and_board(matrix, name):
    matrix.check(
        method="GET",
        url=lambda o: reverse(name),
        expect={
            "anonymous": 302,
            "patient": 403,
            "case_manager": 200,
            "partner": 403,
            "quality_lead": 200,
            "specialist": 403,
            "clinician": 403,
            "admin": 200,
        },
    )


def test_availability_view_and_edit(matrix):
    view = {
        "anonymous": 302,
        "patient": 403,
        "case_manager": 200,
        "partner": 403,
        "quality_lead": 200,
        "specialist": 403,
        "clinician": 403,
        "admin": 200,
    }
    matrix.check(method="GET", url=lambda o: reverse("cases:availability"), expect=view)
    matrix.check(
        method="POST",
        url=lambda o: reverse("cases:availability"),
        data={"out_of_office": "on"},
        expect={**view, "case_manager": 302, "quality_lead": 403, "admin": 403},
    )


def test_case_workspace(matrix):
    matrix.check(
        method="GET", url=lambda c: reverse("cases:detail", args=[c.reference]), setup=setup_case, expect=CASE_TEAM_ONLY
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cases:note_add", {"body": "note"}),
        ("cases:task_add", {"title": "task"}),
        ("cases:stage", {"to": Stage.IN_REVIEW}),
    ],
)
def test_workspace_actions(matrix, name, data):
    matrix.check(
        method="POST",
        url=lambda c: reverse(name, args=[c.reference]),
        setup=setup_case,
        data=data,
        expect=with_status(CASE_TEAM_ONLY, 302),
    )


def test_task_toggle(matrix):
    matrix.check(
        method="POST",
        url=lambda c: reverse("cases:task_toggle", args=[c.reference, c.tasks.get().public_id]),
        setup=setup_case_with_task,
        data={"done": "1"},
        expect=with_status(CASE_TEAM_ONLY, 302),
    )


def test_reassign_is_for_leads(make_user, matrix):
    target = make_user(Role.CASE_MANAGER)
    matrix.check(
        method="POST",
        url=lambda c: reverse("cases:reassign", args=[c.reference]),
        setup=setup_case,
        data={"assigned_to": target.pk},
        expect={
            "anonymous": 302,
            "patient:owner": 403,
            "patient:other": 403,
            "case_manager:owner": 403,
            "case_manager:other": 403,
            "partner": 403,
            "quality_lead": 302,
            "specialist": 403,
            "clinician": 403,
            "admin": 302,
        },
    )


def test_send_message(matrix):
    matrix.check(
        method="POST",
        url=lambda c: reverse("cases:message_send", args=[c.reference]),
        setup=setup_case,
        data={"body": "hello"},
        expect=with_status(PATIENT_OR_TEAM, 302),
    )


def test_upload_document(matrix):
    matrix.check(
        method="POST",
        url=lambda c: reverse("cases:document_upload", args=[c.reference]),
        setup=setup_case,
        data=lambda c: {"documents": [SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf")]},
        expect=with_status(PATIENT_OR_TEAM, 302),
    )


def test_download_document(matrix):
    matrix.check(
        method="GET",
        url=lambda c: reverse("cases:document_download", args=[c.reference, c.documents.get().public_id]),
        setup=setup_case_with_doc,
        expect=PATIENT_OR_TEAM,
    )


def test_patient_portal(matrix):
    others = {
        "case_manager": 403,
        "partner": 403,
        "quality_lead": 403,
        "specialist": 403,
        "clinician": 403,
        "admin": 403,
    }
    matrix.check(
        method="GET", url=lambda o: reverse("cases:my_cases"), expect={"anonymous": 302, "patient": 200, **others}
    )
    matrix.check(
        method="GET",
        url=lambda c: reverse("cases:my_case", args=[c.reference]),
        setup=setup_case,
        expect={"anonymous": 302, "patient:owner": 200, "patient:other": 404, **others},
    )


# --- API -----------------------------------------------------------------------------------------

API_READ = {**PATIENT_OR_TEAM, "anonymous": 401}


def _api_inquiry(obj):
    return {
        "full_name": "Api Person",
        "email": f"api{next(_n)}@example.test",
        "phone": "+44 20 7946 0958",
        "country_of_residence": "GB",
        "passport_country": "GB",
        "preferred_language": "en",
        "need": "Cataract in my left eye",
        "consent": True,
    }


def test_api_inquiry_is_public(matrix):
    matrix.check(
        method="POST",
        url=lambda o: "/api/v1/inquiries",
        data=_api_inquiry,
        content_type="application/json",
        expect={"anonymous": 201, **dict.fromkeys(ALL_ROLES, 201)},
    )


def test_api_inquiry_documents_need_the_upload_token(matrix):
    matrix.check(
        method="POST",
        url=lambda c: f"/api/v1/inquiries/{c.reference}/documents",
        setup=setup_case,
        data=lambda c: {"files": [SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf")]},
        headers={"X-Upload-Token": "wrong"},
        expect={"anonymous": 404, **dict.fromkeys(ALL_ROLES, 404)},
    )


def test_api_case_list(matrix):
    matrix.check(
        method="GET",
        url=lambda o: "/api/v1/cases",
        expect={
            "anonymous": 401,
            "patient": 200,
            "case_manager": 200,
            "partner": 403,
            "quality_lead": 200,
            "specialist": 403,
            "clinician": 403,
            "admin": 200,
        },
    )


@pytest.mark.parametrize("suffix", ["", "/messages", "/documents"])
def test_api_case_reads(matrix, suffix):
    matrix.check(method="GET", url=lambda c: f"/api/v1/cases/{c.reference}{suffix}", setup=setup_case, expect=API_READ)


def test_api_send_message(matrix):
    matrix.check(
        method="POST",
        url=lambda c: f"/api/v1/cases/{c.reference}/messages",
        setup=setup_case,
        data={"body": "hello"},
        content_type="application/json",
        expect=with_status(API_READ, 201),
    )


def test_api_upload_document(matrix):
    matrix.check(
        method="POST",
        url=lambda c: f"/api/v1/cases/{c.reference}/documents",
        setup=setup_case,
        data=lambda c: {"files": [SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf")]},
        expect=with_status(API_READ, 201),
    )


def test_api_notes_are_for_the_case_team_only(matrix):
    def setup(user, owner):
        case = setup_case(user, owner)
        note_add(case=case, author=case.patient, body="internal")
        return case

    matrix.check(
        method="GET",
        url=lambda c: f"/api/v1/cases/{c.reference}/notes",
        setup=setup,
        expect={**CASE_TEAM_ONLY, "anonymous": 401},
    )


def test_api_transitions(matrix):
    matrix.check(
        method="POST",
        url=lambda c: f"/api/v1/cases/{c.reference}/transitions",
        setup=setup_case,
        data={"to": Stage.IN_REVIEW},
        content_type="application/json",
        expect={**CASE_TEAM_ONLY, "anonymous": 401},
    )
