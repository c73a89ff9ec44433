"""A small fixed data set whose figures are counted by hand in test_figures.py. Rows are written
with the ORM directly (the figures read rows; how they got there is other apps' business), and
each helper sets the case's milestone columns as the services that make the step happen do
(quotes: requested, received, accepted; the stage change: travelled, home, follow-up done)."""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.tests.factories import UserFactory
from medijourney.cases.models import Case, CaseEvent, EventKind, Stage
from medijourney.cases.services.workflow import case_milestone_mark, stage_milestones
from medijourney.catalog.models import Procedure
from medijourney.catalog.tests.factories import ProcedureFactory, ReferencePriceFactory, country, rate, specialty
from medijourney.insights.models import Team, TeamMembership
from medijourney.network.models import Hospital
from medijourney.network.tests.factories import DoctorFactory, in_network_hospital
from medijourney.quotes.models import Quote, QuoteRequest, RequestStatus

H = datetime.timedelta(hours=1)
_refs = itertools.count(1)


@dataclass
class World:
    today: datetime.date
    start: datetime.date
    now: datetime.datetime
    knee: Procedure
    india: Hospital
    turkey: Hospital
    ana: User
    bo: User
    team: Team
    cases: dict[str, Case]

    def params(self, **extra: str) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.today.isoformat(), **extra}


def add_case(
    *,
    created: datetime.datetime,
    origin: str = "NG",
    language: str = "en",
    manager: User | None = None,
    responded_after: datetime.timedelta | None = None,
    stage: str = Stage.NEW,
    specialty_id: str = "orthopedics",
) -> Case:
    n = next(_refs)
    patient = UserFactory(role=Role.PATIENT)
    case = Case.objects.create(
        reference=f"MJ-T{n:05d}",
        patient=patient,
        assigned_to=manager,
        stage=stage,
        full_name=f"Patient {n}",
        email=f"p{n}@example.test",
        phone="+2348031234567",
        country_of_residence=origin,
        passport_country=origin,
        preferred_language=language,
        need="Knee pain.",
        specialty_id=specialty_id,
        consent_version="v1",
        consent_given_at=created,
        first_response_due_at=created + 24 * H,
        first_responded_at=created + responded_after if responded_after is not None else None,
    )
    Case.objects.filter(pk=case.pk).update(created_at=created)
    case.created_at = created
    return case


def request_to(
    case: Case,
    hospital: Hospital,
    procedure: Procedure,
    *,
    status: str,
    answer_after: datetime.timedelta | None,
    total: str = "0",
    currency: str = "USD",
) -> QuoteRequest:
    sent = case.created_at + 48 * H
    req = QuoteRequest.objects.create(
        case=case,
        patient=case.patient,
        hospital=hospital,
        procedure=procedure,
        scope="summary",
        summary="Adult with knee pain.",
        sent_at=sent,
        respond_by=sent + 48 * H,
        status=status,
        responded_at=sent + answer_after if answer_after is not None else None,
    )
    case_milestone_mark(case=case, milestone="quotes_requested_at", at=sent)
    if status == RequestStatus.ACCEPTED:
        case_milestone_mark(case=case, milestone="plan_accepted_at", at=sent + (answer_after or H))
    if answer_after is not None:
        case_milestone_mark(case=case, milestone="quote_received_at", at=sent + answer_after)
        Quote.objects.create(
            request=req,
            procedure=procedure,
            doctor=hospital.doctors.get(),
            pre_op_days=2,
            inpatient_nights=4,
            days_before_flying=10,
            currency=currency,
            total=Decimal(total),
            valid_until=timezone.localdate(),
            submitted_at=sent + answer_after,
        )
    return req


def moved(case: Case, *path: str, reason: str = "") -> None:
    """Stage-change events along ``path`` (from the case's first stage), an hour apart."""
    at = case.created_at + 72 * H
    previous: str = Stage.QUOTES_READY
    for stage in path:
        data: dict[str, Any] = {"from": previous, "to": stage}
        if reason and stage == Stage.CANCELLED:
            data["reason"] = reason
        CaseEvent.objects.create(case=case, kind=EventKind.STAGE_CHANGED, occurred_at=at, data=data)
        for milestone in stage_milestones(previous, stage):
            case_milestone_mark(case=case, milestone=milestone, at=at)
        previous, at = stage, at + H


def build_world() -> World:
    now = timezone.now()
    today = timezone.localdate()
    day = now - datetime.timedelta(days=10)
    specialty("orthopedics", "Orthopaedics")
    knee = ProcedureFactory(slug="knee-replacement", name="Knee replacement")
    india = in_network_hospital(name="Demo Hospital Pune", country=country("IN"))
    turkey = in_network_hospital(name="Demo Hospital Istanbul", country=country("TR"), city="Istanbul")
    for h in (india, turkey):
        DoctorFactory(hospital=h)
    country("NG")
    country("GB")
    ReferencePriceFactory(procedure=knee, country=country("NG"), currency="USD", price=Decimal("20000"))
    ReferencePriceFactory(procedure=knee, country=country("NG"), currency="USD", price=Decimal("25000"))
    rate("USD", today, "1.100000")
    ana = UserFactory(role=Role.CASE_MANAGER, full_name="Ana Manager")
    bo = UserFactory(role=Role.CASE_MANAGER, full_name="Bo Manager")
    team = Team.objects.create(name="North", slug="north")
    TeamMembership.objects.create(team=team, user=ana)

    c: dict[str, Case] = {}
    c["c1"] = add_case(created=day, manager=ana, responded_after=2 * H, stage=Stage.CLOSED)
    request_to(c["c1"], india, knee, status=RequestStatus.ACCEPTED, answer_after=20 * H, total="5000")
    moved(
        c["c1"],
        Stage.PLAN_ACCEPTED,
        Stage.TRAVEL_PLANNING,
        Stage.IN_TREATMENT,
        Stage.RECOVERING,
        Stage.RETURNED_HOME,
        Stage.FOLLOW_UP,
        Stage.CLOSED,
    )
    c["c2"] = add_case(created=day, manager=ana, responded_after=30 * H, stage=Stage.IN_TREATMENT)
    request_to(c["c2"], india, knee, status=RequestStatus.ACCEPTED, answer_after=20 * H, total="6000")
    moved(c["c2"], Stage.PLAN_ACCEPTED, Stage.TRAVEL_PLANNING, Stage.IN_TREATMENT)
    c["c3"] = add_case(created=day, origin="GB", manager=bo, responded_after=5 * H, stage=Stage.PLAN_ACCEPTED)
    request_to(c["c3"], turkey, knee, status=RequestStatus.ACCEPTED, answer_after=20 * H, total="4000", currency="EUR")
    moved(c["c3"], Stage.PLAN_ACCEPTED)
    c["c4"] = add_case(created=day, language="fr", manager=bo, responded_after=1 * H, stage=Stage.QUOTES_READY)
    request_to(c["c4"], turkey, knee, status=RequestStatus.QUOTED, answer_after=60 * H, total="4500")
    c["c5"] = add_case(created=day, language="fr")
    c["c6"] = add_case(created=day, manager=ana, responded_after=3 * H, stage=Stage.CANCELLED)
    CaseEvent.objects.create(
        case=c["c6"],
        kind=EventKind.STAGE_CHANGED,
        occurred_at=day + 4 * H,
        data={"from": Stage.IN_REVIEW, "to": Stage.CANCELLED, "reason": " Too expensive "},
    )
    # Outside the range (60 days ago), still open: only the workload counts it.
    c["c7"] = add_case(created=now - datetime.timedelta(days=60), manager=ana, responded_after=H, stage=Stage.FOLLOW_UP)
    request_to(c["c7"], india, knee, status=RequestStatus.ACCEPTED, answer_after=20 * H, total="5000")
    return World(
        today=today,
        start=today - datetime.timedelta(days=30),
        now=now,
        knee=knee,
        india=india,
        turkey=turkey,
        ana=ana,
        bo=bo,
        team=team,
        cases=c,
    )


def more_cases(world: World, n: int) -> None:
    """``n`` more answered inquiries with accepted plans in India (for growth and public n)."""
    day = world.now - datetime.timedelta(days=5)
    for _ in range(n):
        case = add_case(created=day, manager=world.bo, responded_after=2 * H, stage=Stage.PLAN_ACCEPTED)
        request_to(case, world.india, world.knee, status=RequestStatus.ACCEPTED, answer_after=10 * H, total="5000")
        moved(case, Stage.PLAN_ACCEPTED)
