"""Reads for knowledge exchange. ``opinion_requests_visible_to(user)`` and
``programmes_visible_to(user)`` are THE filters every page, endpoint and export uses."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.accounts.permissions import has_perm, holders_of
from medijourney.cases.models import Case, Document
from medijourney.cases.selectors import cases_visible_to
from medijourney.network.models import DoctorLicence
from medijourney.quotes.models import QuoteRequest

from .models import (
    OPEN_OPINION_STATUSES,
    Attendance,
    AttendanceStatus,
    CasePresentation,
    Clarification,
    Membership,
    Opinion,
    OpinionConsent,
    OpinionRequest,
    OpinionStatus,
    Programme,
    Recommendation,
    Session,
    SpecialistProfile,
)

PROPOSED = 3


def opinion_requests_visible_to(user: Any) -> QuerySet[OpinionRequest]:
    base = OpinionRequest.objects.select_related("case", "specialty", "specialist__specialist_profile", "patient")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return base.none()
    q = Q(pk__in=[])
    if has_perm(user, "exchange.request_opinion"):
        q |= Q(patient=user)
    if has_perm(user, "exchange.manage_opinions"):
        q |= Q(case__in=cases_visible_to(user).values("pk"))
    if has_perm(user, "exchange.give_opinions"):
        # A specialist sees only what is assigned to them, never a request waiting for someone.
        q |= Q(specialist=user) & ~Q(status=OpinionStatus.REQUESTED)
    return base.filter(q)


def active_opinion_consent(case: Case) -> OpinionConsent | None:
    return OpinionConsent.objects.filter(case=case, revoked_at__isnull=True).first()


def case_opinion_requests(case: Case) -> QuerySet[OpinionRequest]:
    return (
        OpinionRequest.objects.filter(case=case)
        .select_related("specialty", "specialist__specialist_profile")
        .order_by("-requested_at")
    )


def opinion_of(request: OpinionRequest) -> Opinion | None:
    return Opinion.objects.filter(request=request).first()


def clarifications_of(request: OpinionRequest) -> list[Clarification]:
    return list(request.clarifications.all())


def shared_documents(request: OpinionRequest) -> QuerySet[Document]:
    """The documents shared with the specialist: only while the consent includes reports."""
    if not request.consent.includes_reports or request.consent.revoked_at is not None:
        return Document.objects.none()
    return request.documents.all()


def quoting_hospital_ids(case: Case) -> set[int]:
    """Hospitals that quoted (or were asked to quote) on the case: their doctors can't opine."""
    return set(QuoteRequest.objects.filter(case=case).values_list("hospital_id", flat=True))


def specialist_open_load() -> dict[int, int]:
    rows = (
        OpinionRequest.objects.filter(status__in=OPEN_OPINION_STATUSES, specialist__isnull=False)
        .values("specialist")
        .annotate(n=Count("id"))
    )
    return {r["specialist"]: r["n"] for r in rows}


def eligible_specialists(*, specialty_id: str, case: Case, day: datetime.date | None = None) -> QuerySet[User]:
    """Specialists linked to a doctor record of that specialty with a verified, current licence
    (network's rule, ``DoctorLicence.objects.verified_current``), not a doctor of a hospital that
    quoted on the case."""
    day = day or timezone.localdate()
    licensed = DoctorLicence.objects.verified_current(day).filter(doctor=OuterRef("specialist_profile__doctor"))
    return (
        holders_of("exchange.give_opinions")
        .filter(specialist_profile__accepting=True, specialist_profile__doctor__specialties__id=specialty_id)
        .filter(Exists(licensed))
        .exclude(specialist_profile__doctor__hospital_id__in=quoting_hospital_ids(case))
        .select_related("specialist_profile__doctor__hospital")
        .distinct()
    )


def _primary(tag: str) -> str:
    return (tag or "").split("-")[0].lower()


def proposed_specialists(request: OpinionRequest, *, manager: User | None = None) -> list[User]:
    """The three eligible specialists with the lowest open load who speak a language in common
    with the case manager (ties: name)."""
    manager = manager or request.case.assigned_to
    languages = {_primary(t) for t in ((manager.spoken_languages if manager else []) or [])}
    load = specialist_open_load()
    people = [
        u
        for u in eligible_specialists(specialty_id=request.specialty_id, case=request.case)
        if not languages or languages & {_primary(t) for t in (u.spoken_languages or [])}
    ]
    people.sort(key=lambda u: (load.get(u.pk, 0), u.full_name, u.pk))
    for u in people:
        u.open_load = load.get(u.pk, 0)  # type: ignore[attr-defined]
    return people[:PROPOSED]


def specialist_queue(user: Any, *, past: bool = False) -> QuerySet[OpinionRequest]:
    qs = opinion_requests_visible_to(user).filter(specialist=user)
    if past:
        return qs.filter(status=OpinionStatus.ANSWERED).order_by("-answered_at", "id")
    return qs.filter(status__in=[OpinionStatus.ASSIGNED, OpinionStatus.CLARIFYING]).order_by("due_at", "id")


def profile_of(user: Any) -> SpecialistProfile | None:
    return SpecialistProfile.objects.filter(user=user).select_related("doctor").first()


def requests_needing_attention(user: Any) -> QuerySet[OpinionRequest]:
    """For the case team: requests waiting for a specialist, questions waiting for an answer,
    and re-assignment offers."""
    return opinion_requests_visible_to(user).filter(
        Q(status=OpinionStatus.REQUESTED)
        | Q(status=OpinionStatus.CLARIFYING)
        | Q(reassign_offered_at__isnull=False, status=OpinionStatus.ASSIGNED)
    )


# --- Tele-mentoring ----------------------------------------------------------------------------------


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    base = Programme.objects.select_related("specialty")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return base.none()
    if has_perm(user, "exchange.manage_programmes"):
        return base.all()
    q = Q(pk__in=[])
    if has_perm(user, "exchange.run_sessions"):
        q |= Q(hub=user)
    if has_perm(user, "exchange.join_programmes"):
        q |= Q(memberships__user=user)
    return base.filter(q).distinct()


def sessions_visible_to(user: Any) -> QuerySet[Session]:
    return Session.objects.filter(programme__in=programmes_visible_to(user).values("pk")).select_related("programme")


def presentations_visible_to(user: Any) -> QuerySet[CasePresentation]:
    """A clinician sees their own presentations and the others of sessions in their programmes
    (the ECHO model is case-based learning among the spokes); the hub and leads all of theirs."""
    return CasePresentation.objects.filter(session__in=sessions_visible_to(user).values("pk")).select_related(
        "session", "session__programme", "presenter", "follow_up_of"
    )


def programme_sessions(programme: Programme) -> QuerySet[Session]:
    return programme.sessions.order_by("starts_at", "id")


def held_sessions(programme: Programme, now: datetime.datetime | None = None) -> QuerySet[Session]:
    return programme.sessions.filter(starts_at__lte=now or timezone.now())


def participants(programme: Programme) -> QuerySet[User]:
    return User.objects.filter(spoke_memberships__programme=programme).select_related("clinician_profile")


@dataclass
class Participation:
    user: User
    held: int
    attended: int
    minutes: int
    threshold: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)

    @property
    def share(self) -> float:
        return self.attended / self.held if self.held else 0.0

    @property
    def eligible(self) -> bool:
        return self.held > 0 and self.attended * 100 >= self.threshold * self.held


def participation(programme: Programme, user: User, now: datetime.datetime | None = None) -> Participation:
    held = held_sessions(programme, now)
    rows = Attendance.objects.filter(session__in=held, user=user)
    attended = rows.filter(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE])
    minutes = sum(a.minutes for a in attended)
    return Participation(user, held.count(), attended.count(), minutes, programme.certificate_threshold)


def participations(programme: Programme, now: datetime.datetime | None = None) -> list[Participation]:
    held = list(held_sessions(programme, now).values_list("pk", flat=True))
    stats: dict[int, list[int]] = {}
    for a in Attendance.objects.filter(session_id__in=held).values("user_id", "status", "minutes"):
        s = stats.setdefault(a["user_id"], [0, 0])
        if a["status"] != AttendanceStatus.ABSENT:
            s[0] += 1
            s[1] += a["minutes"]
    return [
        Participation(
            u, len(held), stats.get(u.pk, [0, 0])[0], stats.get(u.pk, [0, 0])[1], programme.certificate_threshold
        )
        for u in participants(programme).order_by("full_name", "pk")
    ]


@dataclass
class ProgrammeFigures:
    sessions_held: int
    sessions_upcoming: int
    attendance: list[tuple[Session, int, int]] = field(default_factory=list)  # session, attended, members
    spokes_by_country: list[tuple[str, int]] = field(default_factory=list)
    cases_presented: int = 0
    follow_ups: int = 0
    recommendations: int = 0


def programme_figures(programme: Programme, now: datetime.datetime | None = None) -> ProgrammeFigures:
    now = now or timezone.now()
    held = list(
        programme.sessions.filter(starts_at__lte=now)
        .annotate(
            attended=Count("attendance", filter=~Q(attendance__status=AttendanceStatus.ABSENT), distinct=True),
        )
        .order_by("starts_at")
    )
    members = Membership.objects.filter(programme=programme).count()
    countries = (
        Membership.objects.filter(programme=programme)
        .values("user__clinician_profile__country")
        .annotate(n=Count("id"))
        .order_by("-n", "user__clinician_profile__country")
    )
    presentations = CasePresentation.objects.filter(session__programme=programme)
    return ProgrammeFigures(
        sessions_held=len(held),
        sessions_upcoming=programme.sessions.filter(starts_at__gt=now).count(),
        attendance=[(s, s.attended, members) for s in held],
        spokes_by_country=[(r["user__clinician_profile__country"] or "", r["n"]) for r in countries],
        cases_presented=presentations.count(),
        follow_ups=presentations.filter(follow_up_of__isnull=False).count(),
        recommendations=Recommendation.objects.filter(presentation__session__programme=programme).count(),
    )
