"""Reads for cases. ``cases_visible_to(user)`` is THE filter every page, endpoint and export
uses; later apps extend it in one place with ``register_case_visibility`` (e.g. quotes adds
partner hospitals' consented cases) instead of writing their own."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case as Choose
from django.db.models import Count, F, Prefetch, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medijourney.accounts.models import User
from medijourney.accounts.permissions import has_perm, holders_of
from medijourney.cases.permissions import is_case_lead, is_case_team
from medijourney.catalog.models import Procedure

from .models import (
    FINAL_STAGES,
    OPEN_STAGES,
    Case,
    CaseEvent,
    CaseManagerAvailability,
    CaseNote,
    CaseTask,
    Document,
    EventKind,
    Message,
    Stage,
    Thread,
)

VisibilityRule = Callable[[Any], Q]


def first_response_window() -> timedelta:
    """How long the case team has for its first answer (``CASES_FIRST_RESPONSE_HOURS``)."""
    return timedelta(hours=getattr(settings, "CASES_FIRST_RESPONSE_HOURS", 24))


def clock_warning_before() -> timedelta:
    """How long before the deadline the clock warns (``CASES_CLOCK_WARNING_HOURS``): the warning
    task, the badge colour on the page and clock.js all read this one value."""
    return timedelta(hours=getattr(settings, "CASES_CLOCK_WARNING_HOURS", 4))


_EXTRA_RULES: dict[str, list[VisibilityRule]] = {}
_DOCUMENT_RULES: dict[str, VisibilityRule] = {}


def register_case_visibility(permission: str, rule: VisibilityRule) -> None:
    """Let a later app make more cases visible to the holders of a named permission: ``rule(user)``
    returns a Q on Case. Used by quotes for partner hospitals (only cases shared with their
    hospital under consent)."""
    _EXTRA_RULES.setdefault(permission, [])
    if rule not in _EXTRA_RULES[permission]:
        _EXTRA_RULES[permission].append(rule)


def register_document_visibility(permission: str, rule: VisibilityRule) -> None:
    """Narrow which documents of its visible cases the holders of a permission see: ``rule(user)``
    returns a Q on Document (quotes: only the documents a patient consented to share with that
    hospital)."""
    _DOCUMENT_RULES[permission] = rule


# Timeline kinds added by later apps (quotes: consents, requests, quotes): label and an optional
# function giving a few plain words about the row's data. Cases' own kinds are EventKind.
_EVENT_KINDS: dict[str, tuple[Any, Callable[[dict[str, Any]], str] | None]] = {}

Detail = Callable[[dict[str, Any]], str]


def _stage_words(data: dict[str, Any]) -> str:
    to = data.get("to")
    return f": {Stage(to).label}" if to in Stage.values else ""


def _message_words(data: dict[str, Any]) -> str:
    return str(_(" from your case team")) if data.get("from_staff") else str(_(" from you"))


# The patient's timeline. THE one place that decides which kinds of event a patient sees, and in
# which words: a kind listed here (or registered by a later app with ``patient_label``) is shown
# on the patient's case page and in their data export; every other kind is staff-only (internal
# notes, tasks, flags, clock warnings, escalations, an account holder's confirmation step). Its
# details never carry a stage change's reason, staff notes or who did what beyond "you" and
# "your case team".
_PATIENT_KINDS: dict[str, tuple[Any, Detail | None]] = {
    EventKind.INTAKE: (_("We received your inquiry"), None),
    EventKind.ASSIGNED: (_("A case manager took on your case"), None),
    EventKind.REASSIGNED: (_("Another case manager took over your case"), None),
    EventKind.STAGE_CHANGED: (_("Your case moved on"), _stage_words),
    EventKind.MESSAGE_SENT: (_("Message"), _message_words),
    EventKind.FIRST_RESPONSE: (_("Your case manager answered"), None),
    EventKind.DOCUMENT_ADDED: (_("Document added"), None),
    EventKind.CLOCK_BREACHED: (
        _("Our 24-hour answer time passed without an answer; the network's leads were told"),
        None,
    ),
    "owner_confirmed": (_("You added this inquiry to your account"), None),
}


def register_event_kind(
    kind: str,
    label: Any,
    detail: Detail | None = None,
    *,
    patient_label: Any = None,
    patient_detail: Detail | None = None,
) -> None:
    """A later app's timeline kind. With ``patient_label`` the patient sees it too, in those words
    (``patient_detail`` must give only what the patient may read); without, it is staff-only."""
    _EVENT_KINDS[kind] = (label, detail)
    if patient_label is not None:
        _PATIENT_KINDS[kind] = (patient_label, patient_detail)
    else:
        _PATIENT_KINDS.pop(kind, None)


def event_visible_to_patient(kind: str) -> bool:
    return kind in _PATIENT_KINDS


@dataclass(frozen=True)
class PatientEvent:
    occurred_at: datetime
    label: str
    detail: str


PATIENT_TIMELINE_SHOWN = 100


def patient_timeline(case: Case, limit: int = PATIENT_TIMELINE_SHOWN) -> list[PatientEvent]:
    """What happened on a case, as its patient may read it: the latest ``limit`` patient-visible
    events, oldest first (one query)."""
    rows = list(
        case.events.filter(kind__in=list(_PATIENT_KINDS))
        .only("kind", "occurred_at", "data")
        .order_by("-occurred_at", "-id")[:limit]
    )
    return [patient_event(e) for e in reversed(rows)]


def patient_event(event: CaseEvent) -> PatientEvent:
    label, detail = _PATIENT_KINDS[event.kind]
    return PatientEvent(event.occurred_at, str(label), detail(event.data or {}) if detail else "")


# Links from a case's page to what later apps hold about it (journeys: the itinerary). Each is
# (label, url name taking the case reference, show(user, case) -> bool); audience is "staff"
# (the case team's page) or "patient" (the patient's own case page).
_CASE_LINKS: dict[str, list[tuple[Any, str, Callable[[Any, Case], bool]]]] = {"staff": [], "patient": []}


def register_case_link(audience: str, label: Any, url_name: str, show: Callable[[Any, Case], bool]) -> None:
    links = _CASE_LINKS[audience]
    if all(existing[1] != url_name for existing in links):
        links.append((label, url_name, show))


def case_links(user: Any, case: Case, audience: str) -> list[tuple[str, str]]:
    """(label, url name) of the registered links this person should see on this case's page."""
    return [(str(label), url_name) for label, url_name, show in _CASE_LINKS.get(audience, []) if show(user, case)]


def event_label(event: CaseEvent) -> str:
    if event.kind in _EVENT_KINDS:
        return str(_EVENT_KINDS[event.kind][0])
    return str(event.get_kind_display())


def event_extra_detail(event: CaseEvent) -> str:
    found = _EVENT_KINDS.get(event.kind)
    return found[1](event.data or {}) if found and found[1] else ""


def _visibility_q(user: Any) -> Q | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    q: Q | None = None
    if is_case_lead(user):
        q = Q()  # every case
    elif is_case_team(user):
        q = Q(assigned_to=user)
    elif has_perm(user, "cases.view_own_cases"):
        q = Q(patient=user)
    for permission, rules in _EXTRA_RULES.items():
        if has_perm(user, permission):
            for rule in rules:
                q = rule(user) if q is None else q | rule(user)
    return q


def cases_visible_to(user: Any) -> QuerySet[Case]:
    q = _visibility_q(user)
    if q is None:
        return Case.objects.none()
    return Case.objects.filter(q).select_related("patient", "assigned_to")


def messages_visible_to(user: Any) -> QuerySet[Message]:
    """Messages on visible cases. A patient sees only their own thread."""
    q = _visibility_q(user)
    if q is None:
        return Message.objects.none()
    qs = Message.objects.filter(case__in=Case.objects.filter(q)).select_related("author", "case")
    if has_perm(user, "cases.view_own_cases"):
        qs = qs.filter(thread=Thread.PATIENT, case__patient=user)
    elif has_perm(user, "cases.use_partner_thread"):
        qs = qs.filter(thread=Thread.PARTNER)
    return qs


def notes_visible_to(user: Any) -> QuerySet[CaseNote]:
    """Internal notes: the case team only. Never a patient, whatever the case rules say."""
    if not has_perm(user, "cases.work_cases"):
        return CaseNote.objects.none()
    return CaseNote.objects.filter(case__in=cases_visible_to(user)).exclude(case__patient=user).select_related("author")


def documents_visible_to(user: Any) -> QuerySet[Document]:
    q = _visibility_q(user)
    if q is None:
        return Document.objects.none()
    qs = Document.objects.filter(case__in=Case.objects.filter(q)).select_related("case", "case__patient", "uploaded_by")
    for permission, rule in _DOCUMENT_RULES.items():
        if has_perm(user, permission):
            qs = qs.filter(rule(user))
    return qs


# --- Queue, board and case page ------------------------------------------------------------------


def case_queue(*, user: Any, scope: str = "mine", stage: str = "") -> QuerySet[Case]:
    """Open cases ordered by first-response time left (running clocks first, most urgent at the
    top). Unanswered cases whose words named emergency warning signs come first of all; for leads,
    unassigned cases come next."""
    qs = cases_visible_to(user).filter(stage__in=OPEN_STAGES)
    if stage:
        qs = qs.filter(stage=stage)
    lead = is_case_lead(user)
    if lead:
        if scope == "unassigned":
            qs = qs.filter(assigned_to__isnull=True)
        elif scope == "mine":
            qs = qs.filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
    order: list[Any] = [
        F("first_responded_at").asc(nulls_first=True),
        "first_response_due_at",
        "created_at",
    ]
    if lead:
        order.insert(0, F("assigned_to").asc(nulls_first=True))
    order.insert(0, Choose(When(emergency_flagged=True, first_responded_at__isnull=True, then=0), default=1))
    return qs.order_by(*order)


def case_board(*, user: Any) -> list[tuple[str, str, list[Case]]]:
    """Visible cases grouped by stage (closed and cancelled only for the last 30 days)."""
    since = timezone.now() - timedelta(days=30)
    qs = cases_visible_to(user).filter(Q(stage__in=OPEN_STAGES) | Q(closed_at__gte=since))
    qs = qs.order_by(F("first_responded_at").asc(nulls_first=True), "first_response_due_at")[:500]
    columns: dict[str, list[Case]] = {s.value: [] for s in Stage}
    for case in qs:
        columns[case.stage].append(case)
    return [(s.value, str(s.label), columns[s.value]) for s in Stage]


def case_events(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("occurred_at", "id")


def staff_names(events: list[CaseEvent]) -> dict[str, str]:
    """Names of the people timeline rows refer to by public id (one query)."""
    ids = {
        str(e.data.get(k))
        for e in events
        if e.kind in (EventKind.ASSIGNED, EventKind.REASSIGNED)
        for k in ("to", "previous")
        if e.data.get(k)
    }
    if not ids:
        return {}
    return {str(u.public_id): u.get_full_name() for u in User.objects.filter(public_id__in=ids)}


def case_tasks(case: Case) -> QuerySet[CaseTask]:
    return case.tasks.select_related("assignee", "done_by").order_by(
        F("done_at").asc(nulls_first=True), F("due_on").asc(nulls_last=True), "created_at"
    )


THREAD_SHOWN = 50  # a case page shows the newest messages and documents; the rest on request


def latest(rows: QuerySet[Any], *, limit: int | None = THREAD_SHOWN) -> tuple[list[Any], int]:
    """The newest ``limit`` rows of an oldest-first queryset, still oldest first, and how many
    earlier rows are left out (two queries; ``limit=None``: every row)."""
    if limit is None:
        return list(rows), 0
    total = rows.count()
    hidden = max(total - limit, 0)
    return list(rows[hidden:]), hidden


def case_messages(*, user: Any, case: Case) -> QuerySet[Message]:
    return messages_visible_to(user).filter(case=case).order_by("created_at", "id")


def case_documents(*, user: Any, case: Case) -> QuerySet[Document]:
    return documents_visible_to(user).filter(case=case).order_by("created_at", "id")


def case_notes(*, user: Any, case: Case) -> QuerySet[CaseNote]:
    return notes_visible_to(user).filter(case=case)


def case_team_members() -> QuerySet[User]:
    """People who can hold a case or a task: active case managers and leads."""
    return holders_of("cases.work_cases").order_by("full_name", "email")


def case_managers_with_load() -> QuerySet[User]:
    """Every active case manager with their open case count and availability, for leads."""
    return (
        holders_of("cases.take_assignments")
        .annotate(open_cases=Count("assigned_cases", filter=~Q(assigned_cases__stage__in=FINAL_STAGES)))
        .prefetch_related(Prefetch("case_availability", queryset=CaseManagerAvailability.objects.all()))
        .order_by("full_name", "email")
    )


def availability_for(user: Any) -> CaseManagerAvailability | None:
    return CaseManagerAvailability.objects.filter(user=user).first()


# --- First-response figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class FirstResponseStats:
    measured: int  # cases whose clock has stopped or run out
    within: int  # answered within the deadline
    late: int  # answered late, or not answered and overdue
    running: int  # clocks still running and not yet overdue
    since: datetime | None
    computed_at: datetime

    @property
    def share(self) -> float | None:
        return self.within / self.measured if self.measured else None

    @property
    def percent(self) -> str:
        return "—" if self.share is None else f"{self.share * 100:.0f}%"


def first_response_stats(*, since: datetime | None = None, now: datetime | None = None) -> FirstResponseStats:
    """Share of first responses within the deadline, computed from the case rows (not stored).
    Cancelled cases that were never answered are left out of the measure."""
    now = now or timezone.now()
    qs = Case.objects.all()
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    qs = qs.exclude(stage=Stage.CANCELLED, first_responded_at__isnull=True)
    counts = qs.aggregate(
        within=Count(
            "id", filter=Q(first_responded_at__isnull=False, first_responded_at__lte=F("first_response_due_at"))
        ),
        answered_late=Count(
            "id", filter=Q(first_responded_at__isnull=False, first_responded_at__gt=F("first_response_due_at"))
        ),
        overdue=Count("id", filter=Q(first_responded_at__isnull=True, first_response_due_at__lte=now)),
        running=Count("id", filter=Q(first_responded_at__isnull=True, first_response_due_at__gt=now)),
    )
    late = counts["answered_late"] + counts["overdue"]
    return FirstResponseStats(
        measured=counts["within"] + late,
        within=counts["within"],
        late=late,
        running=counts["running"],
        since=since,
        computed_at=now,
    )


def stage_counts(*, user: Any) -> Counter[str]:
    rows = cases_visible_to(user).values("stage").annotate(n=Count("id")).order_by()
    return Counter({r["stage"]: r["n"] for r in rows})


TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.NEW: (Stage.IN_REVIEW, Stage.AWAITING_INFORMATION),
    Stage.IN_REVIEW: (Stage.AWAITING_INFORMATION, Stage.QUOTES_REQUESTED),
    Stage.AWAITING_INFORMATION: (Stage.IN_REVIEW, Stage.QUOTES_REQUESTED),
    Stage.QUOTES_REQUESTED: (Stage.QUOTES_READY, Stage.AWAITING_INFORMATION),
    Stage.QUOTES_READY: (Stage.PLAN_ACCEPTED, Stage.QUOTES_REQUESTED),
    Stage.PLAN_ACCEPTED: (Stage.TRAVEL_PLANNING,),
    Stage.TRAVEL_PLANNING: (Stage.IN_TREATMENT,),
    Stage.IN_TREATMENT: (Stage.RECOVERING,),
    Stage.RECOVERING: (Stage.RETURNED_HOME,),
    Stage.RETURNED_HOME: (Stage.FOLLOW_UP, Stage.CLOSED),
    Stage.FOLLOW_UP: (Stage.CLOSED,),
    Stage.CLOSED: (),
    Stage.CANCELLED: (),
}


def allowed_transitions(stage: str) -> tuple[str, ...]:
    """The stages a case can move to next: the workflow, plus cancelled from any open stage."""
    following = TRANSITIONS.get(stage, ())
    if stage in FINAL_STAGES:
        return following
    return (*following, Stage.CANCELLED)


def case_treatments(cases: list[Case]) -> dict[int, str]:
    """Each case's treatment in words, for the patient's list (one query for the whole page): the
    procedure the patient named, else the catalogue procedure the inquiry was routed to, else the
    specialty ("Orthopaedics: treatment not chosen yet"), else "Treatment not chosen yet"."""
    slugs = {c.procedure_slug for c in cases if c.procedure_slug and not c.procedure_requested}
    names = dict(Procedure.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}
    out: dict[int, str] = {}
    for case in cases:
        if case.procedure_requested:
            out[case.pk] = case.procedure_requested
        elif case.procedure_slug in names:
            out[case.pk] = names[case.procedure_slug]
        elif case.specialty_id:
            out[case.pk] = str(_("%(specialty)s: treatment not chosen yet") % {"specialty": case.specialty_name})
        else:
            out[case.pk] = str(_("Treatment not chosen yet"))
    return out
