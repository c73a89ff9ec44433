"""Demo cases for `make run`: invented patients (every name says "Demo"), made through the real
intake service so they look and behave like real cases, with clocks in different states.
Idempotent: each demo inquiry has a fixed idempotency key."""

import io
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from reportlab.pdfgen import canvas

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_DOMAIN, demo_email
from medijourney.core.uploads import validate_upload

from .models import Case, IntakeRequest, Source, Stage
from .services import (
    InquiryData,
    case_transition,
    inquiry_owner_confirm,
    inquiry_submit,
    message_send,
    note_add,
    task_add,
)


@dataclass(frozen=True)
class DemoInquiry:
    key: str
    name: str
    email: str
    language: str
    country: str
    phone: str
    need: str
    procedure: str
    destinations: tuple[str, ...]
    hours_ago: float  # when the inquiry arrived
    stage: str = Stage.NEW
    answered_after_hours: float | None = None
    unassigned: bool = False


DEMO_INQUIRIES = (
    DemoInquiry(
        "demo:1", "Amina Demo", demo_email(Role.PATIENT), "en", "NG", "+234 803 123 4567",
        "My right knee has hurt for two years and I can barely climb stairs. My orthopaedic surgeon in Lagos "
        "says I need a total knee replacement.", "Total knee replacement", ("IN", "TR"), 30, Stage.IN_REVIEW, 3,
    ),
    DemoInquiry(
        "demo:2", "Amina Demo", demo_email(Role.PATIENT), "en", "NG", "+234 803 123 4567",
        "I lost two back teeth and would like dental implants.", "Dental implants", ("TR",), 4,
    ),
    DemoInquiry(
        "demo:3", "Jonas Demo", f"patient-jonas@{DEMO_DOMAIN}", "de", "DE", "+49 30 901820",
        "Ich habe seit Monaten Brustschmerzen beim Treppensteigen; mein Kardiologe empfiehlt eine Bypass-Operation.",
        "", ("IN",), 21,
    ),
    DemoInquiry(
        "demo:4", "Fatima Demo", f"patient-fatima@{DEMO_DOMAIN}", "ar", "AE", "+971 50 123 4567",
        "أعاني من آلام في الظهر منذ سنوات وأحتاج إلى رأي حول جراحة العمود الفقري", "", ("IN", "DE"), 26,
    ),
    DemoInquiry(
        "demo:5", "Rosa Demo", f"patient-rosa@{DEMO_DOMAIN}", "es", "MX", "+52 55 1234 5678",
        "Tengo cataratas en ambos ojos y quiero operarme este año.", "Cirugía de cataratas", ("CO", "CR"), 50,
        Stage.AWAITING_INFORMATION, 20,
    ),
    DemoInquiry(
        "demo:6", "Kwame Demo", f"patient-kwame@{DEMO_DOMAIN}", "en", "GH", "+233 20 123 4567",
        "We have tried to have a baby for four years and our doctor suggested IVF.", "IVF", ("IN", "TH"), 1,
        unassigned=True,
    ),
)  # fmt: skip

DEMO_REPORT = "DEMO report (invented for the demo): X-ray of the right knee shows narrowing of the joint space."


def _demo_pdf() -> SimpleUploadedFile:
    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    page.drawString(72, 720, DEMO_REPORT)
    page.showPage()
    page.save()
    return SimpleUploadedFile("demo-knee-xray-report.pdf", buf.getvalue(), content_type="application/pdf")


def cases_demo_setup() -> list[str]:
    """Create the demo cases once (re-running changes nothing). Returns notes for the summary."""
    if IntakeRequest.objects.filter(key__startswith="demo:").count() >= len(DEMO_INQUIRIES):
        return ["Demo cases already present."]
    manager = User.objects.filter(email=demo_email(Role.CASE_MANAGER)).first()
    created = 0
    for item in DEMO_INQUIRIES:
        if IntakeRequest.objects.filter(key=item.key).exists():
            continue
        uploads = [validate_upload(_demo_pdf())] if item.key == "demo:1" else []
        data = InquiryData(
            full_name=item.name,
            email=item.email,
            phone=item.phone,
            country_of_residence=item.country,
            passport_country=item.country,
            preferred_language=item.language,
            need=item.need,
            consent=True,
            procedure_requested=item.procedure,
            destinations=list(item.destinations),
        )
        case = inquiry_submit(data=data, uploads=uploads, key=item.key, source=Source.DEMO).case
        owner = User.objects.filter(email__iexact=item.email, role=Role.PATIENT).first()
        if owner is not None and case.patient_id != owner.pk:
            # the demo patient's own address: sent, then confirmed by the owner (the real flow)
            case = inquiry_owner_confirm(case=case, owner=owner)
        _shape(case, item, manager)
        created += 1
    return [f"Demo cases: {created} created (invented patients, every name says Demo)."]


def _shape(case: Case, item: DemoInquiry, manager: User | None) -> None:
    """Move a fresh demo case back in time and through its stages, with real services."""
    with transaction.atomic():
        User.objects.filter(pk=case.patient_id, email__endswith=f"@{DEMO_DOMAIN}").update(is_demo=True)
        arrived = timezone.now() - timedelta(hours=item.hours_ago)
        Case.objects.filter(pk=case.pk).update(
            created_at=arrived, consent_given_at=arrived, first_response_due_at=arrived + timedelta(hours=24)
        )
        if item.unassigned:
            Case.objects.filter(pk=case.pk).update(assigned_to=None, assigned_at=None, escalated_at=timezone.now())
        case.events.update(occurred_at=arrived)
        case.refresh_from_db()
        staff = case.assigned_to or manager
        if staff is None:
            return
        if item.answered_after_hours is not None:
            message_send(
                case=case,
                author=staff,
                body="Hello, I am your case manager. Thank you for the report. Could you also send a recent "
                "blood test and tell me which months suit you for travel?",
            )
            answered = arrived + timedelta(hours=item.answered_after_hours)
            Case.objects.filter(pk=case.pk).update(first_responded_at=answered)
            case.messages.filter(author=staff).update(created_at=answered)
            case.events.filter(kind__in=["message_sent", "first_response"]).update(occurred_at=answered)
            case.events.filter(kind="first_response").update(data={"within": True})
            message_send(case=case, author=case.patient, body="Thank you! I will send the blood test this week.")
        if item.stage != Stage.NEW:
            case_transition(case=case, to=Stage.IN_REVIEW, actor=staff)
            if item.stage == Stage.AWAITING_INFORMATION:
                case_transition(case=case, to=Stage.AWAITING_INFORMATION, actor=staff, reason="blood test")
        if item.key == "demo:1":
            note_add(
                case=case, author=staff, body="Demo note: ask about previous knee surgery before requesting quotes."
            )
            task_add(case=case, actor=staff, title="Request quotes from two JCI hospitals", assignee=staff)
