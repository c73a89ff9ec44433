"""Factories for exchange: specialists linked to licensed doctor records, second-opinion
requests made through the services, programmes with members and sessions."""

import datetime
from typing import Any

from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.tests.factories import UserFactory
from medijourney.cases.models import Case
from medijourney.cases.tests.factories import make_case
from medijourney.catalog.tests.factories import specialty
from medijourney.exchange.models import (
    ClinicianProfile,
    Membership,
    OpinionRequest,
    Programme,
    Session,
    SpecialistProfile,
)
from medijourney.exchange.services import opinion_assign, opinion_request_create
from medijourney.network.models import Hospital, VerificationStatus
from medijourney.network.tests.factories import DoctorFactory, HospitalFactory, LicenceFactory
from medijourney.quotes.models import Scope


def make_specialist(
    *, specialty_id: str = "orthopedics", hospital: Hospital | None = None, time_zone: str = "UTC",
    languages: list[str] | None = None, licensed: bool = True, **user: Any,
) -> User:  # fmt: skip
    person = UserFactory(role=Role.SPECIALIST, spoken_languages=languages or ["en"], **user)
    doctor = DoctorFactory(hospital=hospital or HospitalFactory(), full_name=person.full_name)
    doctor.specialties.add(specialty(specialty_id))
    LicenceFactory(
        doctor=doctor,
        verification_status=VerificationStatus.VERIFIED if licensed else VerificationStatus.PENDING,
    )
    SpecialistProfile.objects.create(user=person, doctor=doctor, time_zone=time_zone)
    return person


def make_manager(**kwargs: Any) -> User:
    return UserFactory(role=Role.CASE_MANAGER, spoken_languages=["en"], **kwargs)


def make_request(
    *, case: Case | None = None, manager: User | None = None, questions: tuple[str, ...] = ("Is surgery needed?",),
    scope: str = Scope.DEIDENTIFIED_SUMMARY, specialty_id: str = "orthopedics",
) -> OpinionRequest:  # fmt: skip
    if case is None:
        patient = UserFactory(role=Role.PATIENT)
        case = make_case(patient=patient, assigned_to=manager or make_manager(), full_name=patient.full_name)
    return opinion_request_create(
        case=case, specialty=specialty(specialty_id), questions=list(questions), scope=scope, actor=case.patient
    )


def assigned_request(**kwargs: Any) -> tuple[OpinionRequest, User]:
    specialist = kwargs.pop("specialist", None) or make_specialist()
    request = make_request(**kwargs)
    manager = request.case.assigned_to
    assert manager is not None
    request = opinion_assign(request=request, specialist=specialist, actor=manager)
    return request, specialist


def make_programme(*, hub: list[User] | None = None, threshold: int = 75) -> Programme:
    programme = Programme.objects.create(
        title="Bone and joint ECHO", specialty=specialty("orthopedics"), time_zone="Europe/Istanbul",
        certificate_threshold=threshold,
    )  # fmt: skip
    programme.hub.set(hub or [make_specialist()])
    return programme


def make_clinician(programme: Programme | None = None, country: str = "GH", **kwargs: Any) -> User:
    person = UserFactory(role=Role.CLINICIAN, **kwargs)
    ClinicianProfile.objects.create(user=person, country=country, facility="District Hospital", profession="doctor")
    if programme is not None:
        Membership.objects.create(programme=programme, user=person, joined_at=timezone.now())
    return person


def make_session(programme: Programme, *, days: float = 7, minutes: int = 60) -> Session:
    return Session.objects.create(
        programme=programme, starts_at=timezone.now() + datetime.timedelta(days=days), duration_minutes=minutes
    )
