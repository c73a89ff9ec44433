"""Demo rows for knowledge exchange, added by ``setup_demo`` (DEMO_MODE only).

* The demo specialist account (Sofia Demo) is linked to an invented doctor record, "Dr Sofia Demo
  (demo specialist)", at a fictional "Demo …" hospital that did not quote on the demo cases, with
  an invented licence from the demo medical council (verified, flagged demo).
* One answered and one pending second opinion, on the demo patients' cases, made through the
  real services (consent, request, assignment, declaration, a clarifying question, the opinion).
* One demo programme (its title says demo) with the demo specialist as hub and the demo spoke
  clinician (Kwame Demo) as member: two past sessions with attendance, a presented case with a
  recommendation, and one upcoming session where the clinician returns with an update.

Idempotent: a second run finds the rows and adds nothing."""

import datetime

from django.db import transaction
from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import demo_email
from medijourney.cases.models import Case, IntakeRequest
from medijourney.catalog.models import Specialty
from medijourney.network.demo import DEMO_REGISTRY, demo_hospitals
from medijourney.network.models import Doctor, DoctorLicence, VerificationStatus
from medijourney.quotes.models import QuoteRequest, Scope

from .models import (
    CasePresentation,
    ClinicianProfile,
    Membership,
    OpinionRequest,
    Profession,
    Programme,
    Recommendation,
    SpecialistProfile,
)
from .services import (
    attendance_record,
    clarification_answer,
    clarification_ask,
    opinion_assign,
    opinion_coi_declare,
    opinion_request_create,
    opinion_save,
    presentation_submit,
    programme_create,
    session_schedule,
)

SPECIALTY = "orthopedics"
PROGRAMME_TITLE = "Demo ECHO: knee and hip arthritis (demo programme)"


def _case(key: str) -> Case | None:
    row = IntakeRequest.objects.select_related("case").filter(key=key).first()
    return row.case if row else None


def _specialist(specialty: Specialty) -> User | None:
    user = User.objects.filter(email=demo_email(Role.SPECIALIST)).first()
    if user is None:
        return None
    if SpecialistProfile.objects.filter(user=user).exists():
        return user
    quoting = set(QuoteRequest.objects.filter(is_demo=True).values_list("hospital_id", flat=True))
    hospital = demo_hospitals().exclude(pk__in=quoting).order_by("name").first()
    if hospital is None:
        return None
    doctor = Doctor.objects.create(
        hospital=hospital, full_name="Dr Sofia Demo (demo specialist)",
        qualifications="MD, specialist in orthopaedics (demo: invented)", languages=["en", "pt"], is_demo=True,
    )  # fmt: skip
    doctor.specialties.add(specialty)
    today = timezone.localdate()
    DoctorLicence.objects.create(
        doctor=doctor, registry=DEMO_REGISTRY, number="DEMO-SPEC-0001", country_id=hospital.country_id,
        valid_from=today - datetime.timedelta(days=365), valid_to=today + datetime.timedelta(days=730),
        verification_status=VerificationStatus.VERIFIED, verified_at=timezone.now(),
        verification_note="Demo data: an invented licence.", is_demo=True,
    )  # fmt: skip
    SpecialistProfile.objects.create(user=user, doctor=doctor, time_zone="Europe/Lisbon")
    return user


def _opinions(specialty: Specialty, specialist: User) -> list[str]:
    if OpinionRequest.objects.filter(is_demo=True).exists():
        return []
    answered_case, pending_case = _case("demo:1"), _case("demo:4")
    notes = []
    if answered_case is not None and answered_case.assigned_to is not None:
        manager = answered_case.assigned_to
        request = opinion_request_create(
            case=answered_case, specialty=specialty, scope=Scope.DEIDENTIFIED_SUMMARY, actor=answered_case.patient,
            questions=["Do I need a total knee replacement now, or can I wait?", "What should I try first?"],
            is_demo=True,
        )  # fmt: skip
        request = opinion_assign(request=request, specialist=specialist, actor=manager)
        request = opinion_coi_declare(request=request, actor=specialist, declared=True)
        question = clarification_ask(
            request=request, actor=specialist, question="How far can the patient walk without pain?"
        )
        clarification_answer(clarification=question, actor=manager, answer="About 300 metres, then she must rest.")
        opinion_save(
            request=request, actor=specialist, submit=True,
            data={
                "understood_summary": "Adult with two years of right knee pain, limited walking, X-ray showing joint space narrowing.",
                "answers": [
                    "A knee replacement is a reasonable option, but it is not urgent: it can wait a few months.",
                    "Physiotherapy for 12 weeks, weight loss if needed, and pain relief agreed with your doctor.",
                ],
                "agreement": "agree_with_changes",
                "alternatives": "Physiotherapy and an injection into the knee before deciding on surgery.",
                "further_tests": "A standing (weight-bearing) X-ray of both knees.",
                "confidence": "medium",
                "references": "NICE guideline NG226, Osteoarthritis in over 16s (2022): https://www.nice.org.uk/guidance/ng226",
                "plain_summary": (
                    "Demo opinion (invented): surgery is a reasonable choice for your knee, but you do not need to rush. "
                    "Try 12 weeks of physiotherapy first, then decide with your surgeon."
                ),
            },
        )  # fmt: skip
        notes.append("answered")
    if pending_case is not None and pending_case.assigned_to is not None:
        request = opinion_request_create(
            case=pending_case, specialty=specialty, scope=Scope.DEIDENTIFIED_SUMMARY, actor=pending_case.patient,
            questions=["Is spine surgery the right choice for my back pain?"], is_demo=True,
        )  # fmt: skip
        opinion_assign(request=request, specialist=specialist, actor=pending_case.assigned_to)
        notes.append("pending")
    return [f"Second opinions: {', '.join(notes)} (demo, by the demo specialist)."] if notes else []


def _programme(specialty: Specialty, specialist: User) -> list[str]:
    if Programme.objects.filter(is_demo=True).exists():
        return []
    lead = User.objects.filter(email=demo_email(Role.QUALITY_LEAD)).first()
    clinician = User.objects.filter(email=demo_email(Role.CLINICIAN)).first()
    if lead is None or clinician is None:
        return []
    programme = programme_create(
        actor=lead, title=PROGRAMME_TITLE, specialty=specialty, hub=[specialist], time_zone="Europe/Lisbon",
        cadence="fortnightly", certificate_threshold=75, is_demo=True,
        description="Demo data: an invented programme. Spoke clinicians present de-identified cases; the hub recommends.",
    )  # fmt: skip
    ClinicianProfile.objects.get_or_create(
        user=clinician,
        defaults={"country": "GH", "facility": "Demo District Hospital Tamale (demo)", "profession": Profession.DOCTOR},
    )
    Membership.objects.get_or_create(programme=programme, user=clinician, defaults={"joined_at": timezone.now()})
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    past = [
        session_schedule(
            programme=programme,
            actor=lead,
            starts_at=now - datetime.timedelta(days=days),
            duration_minutes=60,
            didactic_title=title,
            didactic_presenter="Dr Sofia Demo (demo specialist)",
            allow_past=True,
            video_link="https://meet.example.org/demo-echo",
        )
        for days, title in ((28, "Who needs a knee replacement?"), (14, "Physiotherapy that works"))
    ]
    upcoming = session_schedule(
        programme=programme, actor=lead, starts_at=now + datetime.timedelta(days=14), duration_minutes=60,
        didactic_title="Hip arthritis in younger adults", didactic_presenter="Dr Sofia Demo (demo specialist)",
        video_link="https://meet.example.org/demo-echo",
    )  # fmt: skip
    attendance_record(session=past[0], user=clinician, status="present", minutes=60, actor=specialist)
    attendance_record(session=past[1], user=clinician, status="late", minutes=45, actor=specialist)
    # A case presented at the first past session (history: written directly, as it would have been then).
    first = CasePresentation.objects.create(
        session=past[0], presenter=clinician, title="Demo case: knee pain in a farmer in his sixties",
        summary="Demo (invented): a man in his sixties with two years of knee pain; walks 500 m; no X-ray available.",
        question="Should he be referred for surgery?", created_by=clinician,
    )  # fmt: skip
    Recommendation.objects.create(
        presentation=first, recorded_by=specialist, created_by=specialist,
        text="Demo (invented): get a standing X-ray, start physiotherapy, review at a later session.",
    )  # fmt: skip
    presentation_submit(
        session=upcoming, presenter=clinician, title="Demo case update: the farmer after physiotherapy",
        summary="Demo (invented): after 10 weeks of physiotherapy he walks 1 km; X-ray shows moderate arthritis.",
        question="Can surgery be avoided for now?", follow_up_of=first, confirmed=True,
    )  # fmt: skip
    return [f"Tele-mentoring: '{PROGRAMME_TITLE}' with two past sessions and one upcoming."]


def exchange_demo_setup() -> list[str]:
    specialty = Specialty.objects.filter(pk=SPECIALTY).first()
    if specialty is None:
        return ["Exchange demo skipped: the catalogue has no orthopedics specialty (import reference data first)."]
    with transaction.atomic():
        specialist = _specialist(specialty)
        if specialist is None:
            return ["Exchange demo skipped: no demo specialist or demo hospital."]
        return _opinions(specialty, specialist) + _programme(specialty, specialist)
