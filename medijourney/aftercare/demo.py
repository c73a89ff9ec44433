"""Demo aftercare for `make run` (DEMO_MODE only, from ``setup_demo``): Grace Demo, an invented
patient, is home from a total knee replacement at the FICTIONAL "Demo Multispeciality Hospital New
Delhi" (the demo partner's hospital). Her case goes through the real services: inquiry, consent,
request, quote, acceptance (the itinerary), the hospital records admission and discharge, she says
she is home (which schedules her check-ins). The itinerary's dates are moved into the past so that
she was discharged 8 days ago: the day-2 check-in is answered, the day-7 one waits for her.

The hospital page's outcome figures need n >= 10: twelve invented follow-ups and reviews of
invented patients (no case, every row ``is_demo``) at the same demo hospital, labelled "demo" on
every page. Refused on any hospital that is not a fictional demo hospital. Idempotent."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_DOMAIN, DEMO_PASSWORD, demo_email, user_create
from medijourney.cases.models import Case, IntakeRequest, Source, Stage
from medijourney.cases.services import InquiryData, case_transition, inquiry_owner_confirm, inquiry_submit
from medijourney.catalog.models import Procedure
from medijourney.journeys.demo import demo_plan
from medijourney.journeys.models import Journey, StepKind
from medijourney.journeys.services import step_record_happened
from medijourney.network.demo import partner_demo_hospital
from medijourney.network.models import Hospital, PartnerMembership
from medijourney.quotes.models import Scope
from medijourney.quotes.selectors import summary_draft
from medijourney.quotes.services import (
    PlanInput,
    consent_grant,
    quote_accept,
    quote_requests_send,
    quote_submit,
)

from .models import CheckIn, FollowUp, Review, Status
from .rules import Group
from .services import check_in_submit, follow_ups_sweep

DEMO_KEY = "demo:aftercare"
DEMO_PATIENT = f"patient-grace@{DEMO_DOMAIN}"
DISCHARGED_DAYS_AGO = 8
DEMO_TEXTS = (
    "Demo review (invented): the physiotherapists had me walking on day one.",
    "Demo review (invented): clear explanations before the operation, slow discharge paperwork.",
    "Demo review (invented): the room was clean; the food was not to my taste.",
    "Demo review (invented): good care, but the airport transfer was late.",
)


def _patient() -> User:
    user = User.objects.filter(email__iexact=DEMO_PATIENT).first()
    if user is None:
        user = user_create(
            email=DEMO_PATIENT,
            password=DEMO_PASSWORD,
            role=Role.PATIENT,
            full_name="Grace Demo",
            spoken_languages=["en"],
        )
    User.objects.filter(pk=user.pk).update(is_demo=True)
    return user


def _plan(hospital: Hospital, procedure: Procedure) -> PlanInput | None:
    return demo_plan(
        hospital, procedure,
        summary="Demo plan: elective total knee replacement. Demo data: an invented plan.",
        included={"surgeon": Decimal("180000"), "anaesthesia": Decimal("30000"), "room_per_night": Decimal("40000"),
                  "implant": Decimal("90000"), "physiotherapy": Decimal("15000"), "pre_op_tests": Decimal("12000"),
                  "medicines": Decimal("10000")},
        not_applicable=("icu", "other"), pre_op_days=1, inpatient_nights=4, days_before_flying=10,
    )  # fmt: skip


def _case(patient: User, manager: User) -> Case:
    data = InquiryData(
        full_name="Grace Demo",
        email=DEMO_PATIENT,
        phone="+234 803 765 4321",
        country_of_residence="NG",
        passport_country="NG",
        preferred_language="en",
        need="Demo inquiry (invented): my left knee is worn out and my surgeon in Abuja recommends a replacement.",
        consent=True,
        procedure_requested="Total knee replacement",
        destinations=["IN"],
    )
    case = inquiry_submit(data=data, key=DEMO_KEY, source=Source.DEMO).case
    if case.patient_id != patient.pk:
        case = inquiry_owner_confirm(case=case, owner=patient)
    Case.objects.filter(pk=case.pk).update(assigned_to=manager)
    case.refresh_from_db()
    case_transition(case=case, to=Stage.IN_REVIEW, actor=manager)
    return case


def _home(journey: Journey, partner: User, patient: User) -> None:
    """Move the itinerary into the past (demo only) and record the trip with the real service."""
    steps = {s.kind: s for s in journey.steps.all()}
    target = timezone.localdate() - datetime.timedelta(days=DISCHARGED_DAYS_AGO)
    shift = steps[StepKind.DISCHARGE].day - target
    journey.steps.update(day=F("day") - shift)  # the return flight lands before today (10 days after surgery)
    steps = {s.kind: s for s in journey.steps.all()}
    step_record_happened(step=steps[StepKind.ADMISSION], actor=partner)
    step_record_happened(step=steps[StepKind.DISCHARGE], actor=partner)
    step_record_happened(step=steps[StepKind.RETURN_FLIGHT], actor=patient)


def _follow_up_dates(follow_up: FollowUp) -> None:
    """The discharge was recorded today by the demo: date it back to the itinerary's day."""
    day = timezone.localdate() - datetime.timedelta(days=DISCHARGED_DAYS_AGO)
    FollowUp.objects.filter(pk=follow_up.pk).update(discharged_on=day)
    for c in follow_up.check_ins.all():
        CheckIn.objects.filter(pk=c.pk).update(due_on=day + datetime.timedelta(days=c.day))


def _invented_outcomes(hospital: Hospital, procedure: Procedure) -> None:
    """Twelve invented follow-ups and reviews (no case, no person) so the demo hospital page shows
    demo figures above n = 10."""
    today = timezone.localdate()
    for i in range(12):
        discharged = today - datetime.timedelta(days=60 + 9 * i)
        fu = FollowUp.objects.create(
            hospital=hospital, procedure=procedure, group=Group.JOINT, discharged_on=discharged, is_demo=True
        )
        for day in (2, 7, 14, 30):
            answered = not (i == 5 and day >= 14)  # one patient went silent
            CheckIn.objects.create(
                follow_up=fu,
                day=day,
                due_on=discharged + datetime.timedelta(days=day),
                status=Status.ANSWERED if answered else Status.SENT,
                answered_at=timezone.now() if answered else None,
                flagged=answered and i in (2, 9) and day == 7,
                red_flags=["wound_discharge"] if answered and i in (2, 9) and day == 7 else [],
                pain=max(0, 6 - day // 7 - i % 2) if answered else None,
                readmitted=(i == 9 and day == 14) if answered else None,
            )
        Review.objects.create(
            hospital=hospital,
            procedure=procedure,
            group=Group.JOINT,
            month=discharged.replace(day=1),
            care=4 + (i % 2),
            communication=3 + (i % 3),
            cleanliness=4,
            value=3 + (i % 3),
            would_recommend=i not in (4, 9),
            text=DEMO_TEXTS[i % len(DEMO_TEXTS)],
            is_demo=True,
        )


def aftercare_demo_setup() -> list[str]:
    if FollowUp.objects.filter(is_demo=True, case__isnull=False).exists():
        return [f"Demo follow-up present (log in as {DEMO_PATIENT})."]
    hospital = partner_demo_hospital()
    procedure = Procedure.objects.filter(slug="knee-replacement").first()
    partner = User.objects.filter(email__iexact=demo_email(Role.PARTNER)).first()
    manager = User.objects.filter(email__iexact=demo_email(Role.CASE_MANAGER)).first()
    if hospital is None or procedure is None or partner is None or manager is None:
        return ["Aftercare demo skipped: the demo partner hospital, the knee replacement or a demo account is missing."]
    if not hospital.is_demo or not hospital.name.startswith("Demo"):
        return ["Aftercare demo skipped: the partner's hospital is not a fictional demo hospital."]
    if not PartnerMembership.objects.filter(user=partner, hospital=hospital).exists():
        return ["Aftercare demo skipped: the demo partner does not belong to the demo hospital."]
    if IntakeRequest.objects.filter(key=DEMO_KEY).exists():
        return ["Aftercare demo skipped: its demo case exists but has no follow-up (it was changed by hand)."]
    plan = _plan(hospital, procedure)
    if plan is None:
        return ["Aftercare demo skipped: no verified doctor at the demo hospital."]
    with transaction.atomic():
        patient = _patient()
        case = _case(patient, manager)
        consent_grant(case=case, hospital=hospital, scope=Scope.DEIDENTIFIED_SUMMARY, actor=patient)
        request = quote_requests_send(
            case=case,
            hospitals=[hospital],
            summary=summary_draft(case),
            actor=manager,
            procedure=procedure,
            is_demo=True,
        )[0]
        quote = quote_submit(request=request, actor=partner, plan=plan, is_demo=True)
        quote_accept(quote=quote, actor=patient)
        journey = Journey.objects.get(case=case)
        _home(journey, partner, patient)
        follow_up = FollowUp.objects.get(case=case)
        FollowUp.objects.filter(pk=follow_up.pk).update(is_demo=True)
        _follow_up_dates(follow_up)
        follow_ups_sweep()
        first = CheckIn.objects.get(follow_up=follow_up, day=2)
        check_in_submit(
            check_in=first,
            actor=patient,
            data={
                "pain": 5,
                "temperature": 37.1,
                "wound": "dry",
                "breathing": "normal",
                "activities": "worse",
                "satisfaction": 4,
                "free_text": "Demo answer (invented): sore but walking with a frame.",
            },
        )
        _invented_outcomes(hospital, procedure)
    return [
        f"Demo follow-up: {case.reference} (Grace Demo) is home from a knee replacement at {hospital.name}; the day-2 "
        f"check-in is answered and the day-7 one is waiting (log in as {DEMO_PATIENT}). Invented demo follow-ups and "
        "reviews give that hospital's page demo outcome figures."
    ]
