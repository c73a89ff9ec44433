"""Synthetic cases for the insights benchmark (bench only; see the management command).

Every row is invented: case references start ``SYN-``, patients and case managers have
``@synthetic.invalid`` addresses, hospitals are named "Synthetic benchmark hospital N" and hold
no accreditation (so they are never in the network and no patient page shows them). Cases are
spread evenly over the last two years with a realistic funnel: most are answered, some get quote
requests, fewer accept a plan, travel, return and finish follow-up; a few are cancelled."""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.cases.models import Case, CaseEvent, EventKind, Stage
from medijourney.cases.services.workflow import stage_milestones
from medijourney.catalog.models import Country, Procedure, Specialty
from medijourney.network.models import Doctor, Hospital
from medijourney.quotes.models import Quote, QuoteRequest, RequestStatus

from .models import Team, TeamMembership

PREFIX = "SYN-"
EMAIL_DOMAIN = "synthetic.invalid"
DESTINATIONS = ["IN", "TR", "TH", "MX", "DE", "AE", "MY", "KR"]
ORIGINS = ["NG", "GB", "US", "KE", "AE", "CA", "AU", "FR", "DE", "BD"]
LANGUAGES = ["en", "en", "en", "fr", "ar", "es", "pt", "ru"]
REASONS = ["too expensive", "chose treatment at home", "no reply from patient", "medical advice against travel", ""]
JOURNEY = [Stage.PLAN_ACCEPTED, Stage.TRAVEL_PLANNING, Stage.IN_TREATMENT, Stage.RECOVERING, Stage.RETURNED_HOME]
H = datetime.timedelta(hours=1)
BATCH = 2000


@dataclass
class Pools:
    patients: list[User]
    managers: list[User]
    hospitals: list[Hospital]
    doctors: dict[int, Doctor]
    procedures: list[Procedure]
    specialty_of: dict[int, str]


@dataclass
class Batch:
    cases: list[Case] = field(default_factory=list)
    created: list[datetime.datetime] = field(default_factory=list)
    requests: list[tuple[int, QuoteRequest]] = field(default_factory=list)  # (case index, request)
    quotes: list[tuple[int, Quote]] = field(default_factory=list)  # (request index, quote)
    events: list[tuple[int, CaseEvent]] = field(default_factory=list)


def remove() -> int:
    with transaction.atomic():
        cases = Case.objects.filter(reference__startswith=PREFIX)
        QuoteRequest.objects.filter(case__in=cases).delete()
        n, _ = cases.delete()
        User.objects.filter(email__endswith="@" + EMAIL_DOMAIN).delete()
        Hospital.objects.filter(name__startswith="Synthetic benchmark hospital").delete()
        Team.objects.filter(slug__startswith="synthetic-").delete()
    return n


def _pools(rng: random.Random) -> Pools:
    countries = {c.code: c for c in Country.objects.filter(code__in=DESTINATIONS + ORIGINS)}
    for code in DESTINATIONS + ORIGINS:
        if code not in countries:
            countries[code] = Country.objects.create(code=code, name=f"Country {code}")
    patients = User.objects.bulk_create(
        [User(email=f"patient{i}@{EMAIL_DOMAIN}", full_name=f"Synthetic patient {i}") for i in range(2000)]
    )
    teams = [Team.objects.create(name=f"Synthetic team {t}", slug=f"synthetic-{t}") for t in range(4)]
    managers = User.objects.bulk_create(
        [
            User(email=f"cm{i}@{EMAIL_DOMAIN}", full_name=f"Synthetic manager {i}", role=Role.CASE_MANAGER)
            for i in range(40)
        ]
    )
    TeamMembership.objects.bulk_create([TeamMembership(team=teams[i % 4], user=m) for i, m in enumerate(managers)])
    hospitals = Hospital.objects.bulk_create(
        [
            Hospital(
                name=f"Synthetic benchmark hospital {i}",
                country=countries[DESTINATIONS[i % len(DESTINATIONS)]],
                city="Synthetic",
                is_demo=True,
            )
            for i in range(60)
        ]
    )
    doctors = Doctor.objects.bulk_create(
        [Doctor(hospital=h, full_name="Dr Synthetic", is_demo=True) for h in hospitals]
    )
    procedures = list(Procedure.objects.all()[:40])
    if not procedures:
        spec = Specialty.objects.get_or_create(id="synthetic", defaults={"name": "Synthetic specialty"})[0]
        procedures = [Procedure.objects.create(slug="synthetic-procedure", name="Synthetic procedure", specialty=spec)]
    rng.shuffle(procedures)
    return Pools(
        patients=patients,
        managers=managers,
        hospitals=hospitals,
        doctors={d.hospital_id: d for d in doctors},
        procedures=procedures,
        specialty_of={p.pk: p.specialty_id for p in procedures},
    )


def _stage_path(rng: random.Random, accepted: bool) -> tuple[list[str], str]:
    """The stages a case went through after quotes were ready, and where it is now."""
    if rng.random() < 0.06:
        return [Stage.CANCELLED], Stage.CANCELLED
    if not accepted:
        return [], Stage.QUOTES_READY
    depth = rng.choices(range(1, len(JOURNEY) + 1), weights=[2, 2, 1, 1, 4])[0]
    path: list[str] = list(JOURNEY[:depth])
    if depth == len(JOURNEY) and rng.random() < 0.7:
        path += [Stage.FOLLOW_UP, Stage.CLOSED]
    return path, path[-1]


def _case(rng: random.Random, pools: Pools, n: int, created: datetime.datetime, now: datetime.datetime) -> Case:
    procedure = rng.choice(pools.procedures)
    answered = rng.random() < 0.92
    hours = rng.lognormvariate(1.8, 0.9) if answered else None
    responded = created + datetime.timedelta(hours=hours) if hours is not None and created + hours * H < now else None
    origin = rng.choice(ORIGINS)
    return Case(
        reference=f"{PREFIX}{n:07d}",
        patient=rng.choice(pools.patients),
        assigned_to=rng.choice(pools.managers) if rng.random() < 0.97 else None,
        full_name="Synthetic patient",
        email="patient@synthetic.invalid",
        phone="+2348031234567",
        country_of_residence=origin,
        passport_country=origin,
        preferred_language=rng.choice(LANGUAGES),
        need="Synthetic benchmark case.",
        specialty_id=pools.specialty_of[procedure.pk],
        procedure_slug=procedure.slug,
        consent_version="synthetic",
        consent_given_at=created,
        first_response_due_at=created + 24 * H,
        first_responded_at=responded,
    )


def _requests(
    rng: random.Random, pools: Pools, batch: Batch, index: int, case: Case, created: datetime.datetime
) -> bool:
    """Quote requests (and quotes) for about 60% of answered cases; True when a plan was accepted."""
    if case.first_responded_at is None or rng.random() > 0.6:
        return False
    procedure = rng.choice(pools.procedures)
    hospitals = rng.sample(pools.hospitals, rng.randint(1, 3))
    accepted_at = rng.randrange(len(hospitals)) if rng.random() < 0.45 else None
    for i, hospital in enumerate(hospitals):
        sent = created + 36 * H
        answered = rng.random() < 0.85
        hours = rng.lognormvariate(3.2, 0.6)
        status = (
            RequestStatus.ACCEPTED if i == accepted_at else (RequestStatus.QUOTED if answered else RequestStatus.SENT)
        )
        request = QuoteRequest(
            case=case, patient_id=case.patient_id, hospital=hospital, procedure=procedure, scope="summary",
            summary="Synthetic.", sent_at=sent, respond_by=sent + 48 * H, status=status,
            responded_at=sent + hours * H if answered or status == RequestStatus.ACCEPTED else None,
            is_demo=True,
        )  # fmt: skip
        batch.requests.append((index, request))
        case.quotes_requested_at = case.quotes_requested_at or sent
        if status == RequestStatus.ACCEPTED:
            case.plan_accepted_at = request.responded_at
        if request.responded_at is not None:
            case.quote_received_at = min(filter(None, (case.quote_received_at, request.responded_at)))
            quote = Quote(
                procedure=procedure, doctor=pools.doctors[hospital.pk], pre_op_days=2, inpatient_nights=4,
                days_before_flying=10, currency=rng.choice(["USD", "USD", "EUR"]),
                total=Decimal(rng.randrange(2000, 30000)), valid_until=timezone.localdate(),
                submitted_at=request.responded_at, is_demo=True,
            )  # fmt: skip
            batch.quotes.append((len(batch.requests) - 1, quote))
    return accepted_at is not None


def _events(
    rng: random.Random, batch: Batch, index: int, case: Case, created: datetime.datetime, accepted: bool
) -> None:
    if not batch.requests or batch.requests[-1][0] != index:
        if rng.random() < 0.04:
            case.stage = Stage.CANCELLED
            cancel = {"from": Stage.IN_REVIEW, "to": Stage.CANCELLED, "reason": rng.choice(REASONS)}
            batch.events.append(
                (index, CaseEvent(case=case, kind=EventKind.STAGE_CHANGED, occurred_at=created + 30 * H, data=cancel))
            )
        else:
            case.stage = Stage.IN_REVIEW if case.first_responded_at else Stage.NEW
        return
    path, case.stage = _stage_path(rng, accepted)
    previous: str = Stage.QUOTES_READY
    at = created + 96 * H
    for stage in path:
        data: dict[str, Any] = {"from": previous, "to": stage}
        if stage == Stage.CANCELLED:
            data["reason"] = rng.choice(REASONS)
        batch.events.append((index, CaseEvent(case=case, kind=EventKind.STAGE_CHANGED, occurred_at=at, data=data)))
        for milestone in stage_milestones(previous, stage):
            setattr(case, milestone, getattr(case, milestone) or at)
        previous, at = stage, at + 72 * H


def _write(batch: Batch) -> None:
    with transaction.atomic():
        cases = Case.objects.bulk_create(batch.cases)
        for case, created in zip(cases, batch.created, strict=True):
            case.created_at = created  # auto_now_add set "now" on insert
        Case.objects.bulk_update(cases, ["created_at"], batch_size=500)
        for index, request in batch.requests:
            request.case = cases[index]
        requests = QuoteRequest.objects.bulk_create([r for _i, r in batch.requests])
        for req_index, quote in batch.quotes:
            quote.request = requests[req_index]
        Quote.objects.bulk_create([q for _i, q in batch.quotes])
        for index, event in batch.events:
            event.case = cases[index]
        CaseEvent.objects.bulk_create([e for _i, e in batch.events])


def build(n: int, *, seed: int = 19, days: int = 730) -> int:
    rng = random.Random(seed)  # noqa: S311 - invented benchmark data, not security
    pools = _pools(rng)
    now = timezone.now()
    first = now - datetime.timedelta(days=days)
    step = (now - first) / max(n, 1)
    batch = Batch()
    for i in range(n):
        created = first + step * i
        case = _case(rng, pools, i, created, now)
        index = len(batch.cases)
        batch.cases.append(case)
        batch.created.append(created)
        accepted = _requests(rng, pools, batch, index, case, created)
        _events(rng, batch, index, case, created, accepted)
        if len(batch.cases) >= BATCH:
            _write(batch)
            batch = Batch()
    if batch.cases:
        _write(batch)
    return n
