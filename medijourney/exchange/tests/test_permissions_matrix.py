"""Every exchange route for anonymous and every role, owner and not owner; each refusal writes
an audited denial (the matrix helper checks it)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from medijourney.accounts.roles import Role
from medijourney.cases.tests.factories import make_case
from medijourney.catalog.tests.factories import specialty
from medijourney.exchange.models import Membership, Session, SpecialistProfile
from medijourney.network.tests.factories import DoctorFactory, LicenceFactory

from .factories import assigned_request, make_manager, make_programme, make_request, make_specialist

pytestmark = pytest.mark.django_db

STAFF_403 = {"partner": 403, "quality_lead": 200, "admin": 200}


def test_patient_second_opinion_page(matrix):
    def setup(user, owner):
        if owner and user is not None and user.role == Role.PATIENT:
            return make_case(patient=user, assigned_to=make_manager(), full_name=user.full_name)
        return make_case(assigned_to=make_manager())

    matrix.check(
        method="GET",
        url=lambda case: reverse("exchange:my_opinions", args=[case.reference]),
        setup=setup,
        expect={
            "anonymous": 302, "patient:owner": 200, "patient:other": 404, "case_manager": 403, "partner": 403,
            "quality_lead": 403, "specialist": 403, "clinician": 403, "admin": 403,
        },
    )  # fmt: skip


def test_case_team_panel(matrix):
    def setup(user, owner):
        manager = user if owner and user is not None and user.role == Role.CASE_MANAGER else make_manager()
        return make_request(manager=manager).case

    matrix.check(
        method="GET",
        url=lambda case: reverse("exchange:case_opinions", args=[case.reference]),
        setup=setup,
        expect={
            "anonymous": 302, "patient": 403, "case_manager:owner": 200, "case_manager:other": 404, "partner": 403,
            "quality_lead": 200, "specialist": 403, "clinician": 403, "admin": 200,
        },
    )  # fmt: skip


def test_assign_is_the_case_teams(matrix):
    def setup(user, owner):
        manager = user if owner and user is not None and user.role == Role.CASE_MANAGER else make_manager()
        request = make_request(manager=manager)
        return request, make_specialist()

    matrix.check(
        method="POST",
        url=lambda obj: reverse("exchange:assign", args=[obj[0].case.reference, obj[0].public_id]),
        setup=setup,
        data=lambda obj: {"specialist": obj[1].pk},
        expect={
            "anonymous": 302, "patient": 403, "case_manager:owner": 302, "case_manager:other": 404, "partner": 403,
            "quality_lead": 302, "specialist": 403, "clinician": 403, "admin": 302,
        },
    )  # fmt: skip


def test_specialist_workspace_and_request(matrix):
    def setup(user, owner):
        if owner and user is not None and user.role == Role.SPECIALIST:
            return assigned_request(specialist=make_specialist_for(user))[0]
        return assigned_request()[0]

    def make_specialist_for(user):
        doctor = DoctorFactory()
        doctor.specialties.add(specialty("orthopedics"))
        LicenceFactory(doctor=doctor, verification_status="verified")
        SpecialistProfile.objects.create(user=user, doctor=doctor)
        return user

    matrix.check(
        method="GET",
        url=lambda r: reverse("exchange:opinion", args=[r.public_id]),
        setup=setup,
        expect={
            "anonymous": 302, "patient": 403, "case_manager": 403, "partner": 403, "quality_lead": 403,
            "specialist:owner": 200, "specialist:other": 404, "clinician": 403, "admin": 403,
        },
    )  # fmt: skip
    matrix.check(
        method="GET",
        url=lambda obj: reverse("exchange:workspace"),
        expect={
            "anonymous": 302, "patient": 403, "case_manager": 403, "partner": 403, "quality_lead": 403,
            "specialist": 200, "clinician": 403, "admin": 403,
        },
    )  # fmt: skip


def _programme_for(user, owner):
    programme = make_programme()
    if owner and user is not None:
        if user.role == Role.SPECIALIST:
            programme.hub.add(user)
        if user.role == Role.CLINICIAN:
            Membership.objects.create(programme=programme, user=user, joined_at=timezone.now())
    return programme


MENTORING_VIEW = {
    "anonymous": 302, "patient": 403, "case_manager": 403, "partner": 403, "quality_lead": 200,
    "specialist:owner": 200, "specialist:other": 404, "clinician:owner": 200, "clinician:other": 404, "admin": 200,
}  # fmt: skip


def test_programme_and_session_pages(matrix):
    matrix.check(
        method="GET", url=lambda p: reverse("exchange:programme", args=[p.public_id]), setup=_programme_for,
        expect=MENTORING_VIEW,
    )  # fmt: skip
    matrix.check(
        method="GET", url=lambda p: reverse("exchange:session_ics", args=[p.sessions.get().public_id]),
        setup=lambda u, o: _with_session(_programme_for(u, o)), expect=MENTORING_VIEW,
    )  # fmt: skip


def _with_session(programme):
    Session.objects.create(programme=programme, starts_at=timezone.now() + datetime.timedelta(days=3))
    return programme


def test_programme_creation_and_figures(matrix):
    matrix.check(
        method="GET",
        url=lambda obj: reverse("exchange:programme_new"),
        expect={
            "anonymous": 302, "patient": 403, "case_manager": 403, "partner": 403, "quality_lead": 200,
            "specialist": 403, "clinician": 403, "admin": 200,
        },
    )  # fmt: skip
    matrix.check(
        method="GET", url=lambda p: reverse("exchange:figures", args=[p.public_id]), setup=_programme_for,
        expect={**MENTORING_VIEW, "clinician:owner": 403},
    )  # fmt: skip


def test_presenting_is_for_members_only(matrix):
    def setup(user, owner):
        return _with_session(_programme_for(user, owner)).sessions.get()

    matrix.check(
        method="POST",
        url=lambda s: reverse("exchange:present", args=[s.public_id]),
        setup=setup,
        data={"title": "Knee", "summary": "A woman with knee pain.", "question": "Surgery?", "confirmed": "on"},
        expect={**MENTORING_VIEW, "quality_lead": 403, "admin": 403, "specialist:owner": 403, "clinician:owner": 302},
    )  # fmt: skip


def test_certificate_for_participants(matrix):
    matrix.check(
        method="GET", url=lambda p: reverse("exchange:certificate", args=[p.public_id]), setup=_programme_for,
        expect={**MENTORING_VIEW, "quality_lead": 403, "admin": 403, "specialist:owner": 403, "clinician:owner": 409},
        audit_denials=False,
    )  # fmt: skip


def test_clinician_profile(matrix):
    matrix.check(
        method="GET",
        url=lambda obj: reverse("exchange:clinician_profile"),
        expect={
            "anonymous": 302, "patient": 403, "case_manager": 403, "partner": 403, "quality_lead": 403,
            "specialist": 403, "clinician": 200, "admin": 403,
        },
    )  # fmt: skip
