"""Reads for aftercare. ``follow_ups_visible_to(user)`` / ``check_ins_visible_to(user)`` are the
one filter of every page, endpoint and export; the aggregate selectors at the end are also read by
other apps (insights, discovery): their signatures are stable.

Aggregate counts (``outcome_counts``) come from GROUP BY queries, one per source table, never from
loading rows; ``outcome_figures`` turns them into figures with n, share and a Wilson 95 % interval
(``stats.figure``: "not enough data yet" below n = 10)."""

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from medijourney.accounts.permissions import has_perm
from medijourney.network.models import Hospital, PartnerMembership

from .models import CheckIn, Escalation, FollowUp, Review, Status
from .rules import RED_FLAG_WINDOW_DAYS, Group
from .stats import Figure, figure


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def follow_ups_visible_to(user: Any) -> QuerySet[FollowUp]:
    """Leads: all. Case manager: their assigned cases'. Patient: their own. Partner desk: its
    hospital's (for escalations). Else none. Erased follow-ups (no case) are visible to nobody."""
    if not _signed_in(user):
        return FollowUp.objects.none()
    qs = FollowUp.objects.filter(case__isnull=False)
    if has_perm(user, "aftercare.oversee_follow_ups"):
        pass
    elif has_perm(user, "aftercare.manage_follow_ups"):
        qs = qs.filter(case__assigned_to=user)
    elif has_perm(user, "aftercare.answer_check_ins"):
        qs = qs.filter(case__patient=user)
    elif has_perm(user, "aftercare.answer_escalations"):
        qs = qs.filter(hospital__in=PartnerMembership.objects.filter(user=user).values("hospital"))
    else:
        return FollowUp.objects.none()
    return qs.select_related("case", "case__patient", "case__assigned_to", "hospital", "procedure")


def check_ins_visible_to(user: Any) -> QuerySet[CheckIn]:
    """Check-ins of the visible follow-ups; a partner desk sees only flagged ones (escalations)."""
    qs = CheckIn.objects.filter(follow_up__in=follow_ups_visible_to(user))
    if _signed_in(user) and not (
        has_perm(user, "aftercare.oversee_follow_ups")
        or has_perm(user, "aftercare.manage_follow_ups")
        or has_perm(user, "aftercare.answer_check_ins")
    ):
        qs = qs.filter(flagged=True)
    return qs.select_related(
        "follow_up", "follow_up__case", "follow_up__case__patient", "follow_up__hospital", "follow_up__procedure"
    )


def escalations_visible_to(user: Any) -> QuerySet[Escalation]:
    if not _signed_in(user) or not (
        has_perm(user, "aftercare.oversee_follow_ups")
        or has_perm(user, "aftercare.manage_follow_ups")
        or has_perm(user, "aftercare.answer_escalations")
    ):
        return Escalation.objects.none()
    return Escalation.objects.filter(check_in__follow_up__in=follow_ups_visible_to(user)).select_related(
        "case", "case__patient", "hospital", "check_in", "check_in__follow_up", "acknowledged_by"
    )


def due_check_ins(user: Any) -> QuerySet[CheckIn]:
    """The patient's check-ins waiting for an answer (sent, not answered or skipped)."""
    return check_ins_visible_to(user).filter(status=Status.SENT).order_by("due_on")


def public_reviews(*, hospital_id: int | None = None) -> QuerySet[Review]:
    """Every review is published (redactions replace personal data only)."""
    qs = Review.objects.select_related("hospital", "procedure")
    if hospital_id is not None:
        qs = qs.filter(hospital_id=hospital_id)
    return qs.order_by("-created_at")


# --- Aggregates (read by insights and discovery; keep the shapes stable) -------------------------


@dataclass(frozen=True)
class OutcomeCounts:
    """Counts for one hospital × procedure group. Shares are k ÷ n of the pairs below."""

    hospital_id: int
    group: str
    follow_ups: int  # follow-ups scheduled
    check_ins_scheduled: int  # check-ins due by ``today`` (sent or answered or open), skipped left out
    check_ins_answered: int
    red_flag_30d: int  # follow-ups with a red flag in an answered check-in of day <= 30
    red_flag_30d_n: int  # follow-ups with at least one answered check-in of day <= 30
    readmitted: int  # follow-ups where the patient reported an unplanned return to hospital
    readmitted_n: int  # follow-ups with at least one answered check-in
    would_recommend: int  # reviews answering "would recommend"
    reviews: int


Key = tuple[int, str]


def _keyed(rows: Iterable[Any], hospital: str, group: str) -> dict[Key, dict[str, int]]:
    out: dict[Key, dict[str, int]] = {}
    for row in rows:
        values = dict(row)
        out[(values.pop(hospital), values.pop(group))] = values
    return out


def _followup_counts(hospital_ids: Iterable[int] | None) -> dict[Key, dict[str, int]]:
    qs = FollowUp.objects.all()
    if hospital_ids is not None:
        qs = qs.filter(hospital_id__in=list(hospital_ids))
    answered = Q(check_ins__status=Status.ANSWERED)
    early = answered & Q(check_ins__day__lte=RED_FLAG_WINDOW_DAYS)
    rows = qs.values("hospital_id", "group").annotate(
        follow_ups=Count("id", distinct=True),
        red_flag_30d=Count("id", distinct=True, filter=early & Q(check_ins__flagged=True)),
        red_flag_30d_n=Count("id", distinct=True, filter=early),
        readmitted=Count("id", distinct=True, filter=answered & Q(check_ins__readmitted=True)),
        readmitted_n=Count("id", distinct=True, filter=answered),
    )
    return _keyed(rows, "hospital_id", "group")


def _checkin_counts(hospital_ids: Iterable[int] | None, today: datetime.date) -> dict[Key, dict[str, int]]:
    qs = CheckIn.objects.exclude(status=Status.SKIPPED)
    if hospital_ids is not None:
        qs = qs.filter(follow_up__hospital_id__in=list(hospital_ids))
    rows = qs.values("follow_up__hospital_id", "follow_up__group").annotate(
        check_ins_scheduled=Count("id", filter=Q(due_on__lte=today) | Q(status=Status.ANSWERED)),
        check_ins_answered=Count("id", filter=Q(status=Status.ANSWERED)),
    )
    return _keyed(rows, "follow_up__hospital_id", "follow_up__group")


def _review_counts(hospital_ids: Iterable[int] | None) -> dict[Key, dict[str, int]]:
    qs = Review.objects.all()
    if hospital_ids is not None:
        qs = qs.filter(hospital_id__in=list(hospital_ids))
    rows = qs.values("hospital_id", "group").annotate(
        reviews=Count("id"), would_recommend=Count("id", filter=Q(would_recommend=True))
    )
    return _keyed(rows, "hospital_id", "group")


def outcome_counts(
    *, hospital_ids: Iterable[int] | None = None, today: datetime.date | None = None
) -> list[OutcomeCounts]:
    """Counts per (hospital, procedure group), three GROUP BY queries in all. ``hospital_ids``
    None means every hospital; rows are sorted by hospital id then group."""
    ids = list(hospital_ids) if hospital_ids is not None else None
    day = today or timezone.localdate()
    parts = (_followup_counts(ids), _checkin_counts(ids, day), _review_counts(ids))
    keys = sorted(set().union(*parts))
    zero = {
        "follow_ups": 0,
        "check_ins_scheduled": 0,
        "check_ins_answered": 0,
        "red_flag_30d": 0,
        "red_flag_30d_n": 0,
        "readmitted": 0,
        "readmitted_n": 0,
        "would_recommend": 0,
        "reviews": 0,
    }
    out = []
    for key in keys:
        values = dict(zero)
        for part in parts:
            values.update(part.get(key, {}))
        out.append(OutcomeCounts(hospital_id=key[0], group=key[1], **values))
    return out


def median_pain_day30(*, hospital_id: int, group: str) -> tuple[float | None, int]:
    """(median pain 0–10 at the day-30 check-in, n); None below 10 answers."""
    pains = (
        CheckIn.objects.filter(
            follow_up__hospital_id=hospital_id, follow_up__group=group, day=30, status=Status.ANSWERED
        )
        .filter(pain__isnull=False)
        .values_list("pain", flat=True)
    )
    values = [p for p in pains if p is not None]
    return (statistics.median(values) if len(values) >= 10 else None), len(values)


@dataclass(frozen=True)
class OutcomeFigures:
    """What a page shows for one hospital × group: each outcome with n and its interval, and the
    follow-up completion rate beside them (so silent patients cannot make a hospital look good)."""

    hospital_id: int
    group: str
    completion: Figure  # answered ÷ scheduled
    red_flag_30d: Figure
    readmitted: Figure
    would_recommend: Figure
    is_demo: bool = False

    @property
    def group_label(self) -> str:
        return str(Group(self.group).label) if self.group in Group.values else self.group

    @property
    def any_enough(self) -> bool:
        return any(f.enough for f in (self.red_flag_30d, self.readmitted, self.would_recommend))


def figures_from(counts: OutcomeCounts, *, is_demo: bool = False) -> OutcomeFigures:
    return OutcomeFigures(
        hospital_id=counts.hospital_id,
        group=counts.group,
        completion=figure(counts.check_ins_answered, counts.check_ins_scheduled),
        red_flag_30d=figure(counts.red_flag_30d, counts.red_flag_30d_n),
        readmitted=figure(counts.readmitted, counts.readmitted_n),
        would_recommend=figure(counts.would_recommend, counts.reviews),
        is_demo=is_demo,
    )


def outcome_figures(
    *, hospital_ids: Iterable[int] | None = None, today: datetime.date | None = None
) -> list[OutcomeFigures]:
    """Figures per hospital × group (``outcome_counts`` with n, share and Wilson interval)."""
    from_counts = outcome_counts(hospital_ids=hospital_ids, today=today)
    ids = [c.hospital_id for c in from_counts]
    demo = set(Hospital.objects.filter(pk__in=ids, is_demo=True).values_list("pk", flat=True))
    return [figures_from(c, is_demo=c.hospital_id in demo) for c in from_counts]


def quality_signal(hospital_ids: Iterable[int]) -> dict[int, OutcomeFigures]:
    """For discovery: per hospital, the group figures with n >= 10 on at least one outcome (the
    only ones search may show as a quality signal). One call per results page."""
    out: dict[int, OutcomeFigures] = {}
    for fig in outcome_figures(hospital_ids=hospital_ids):
        if fig.any_enough and fig.hospital_id not in out:
            out[fig.hospital_id] = fig
    return out
