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
from django.utils.translation import gettext as _

from medijourney.accounts.permissions import has_perm
from medijourney.discovery.quality import QualityNote
from medijourney.network.models import Hospital, PartnerMembership
from medijourney.quotes.selectors import active_consent_exists

from .models import CheckIn, Escalation, FollowUp, Review, Status
from .rules import RED_FLAG_WINDOW_DAYS, Group
from .stats import MIN_N, Figure, figure


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def follow_ups_visible_to(user: Any) -> QuerySet[FollowUp]:
    """Leads: all. Case manager: their assigned cases'. Patient: their own. Partner desk: its
    hospital's (for escalations) while the patient's consent for that hospital is active. Else none. Erased follow-ups (no case) are visible to nobody."""
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
        qs = qs.filter(hospital__in=PartnerMembership.objects.filter(user=user).values("hospital")).filter(
            active_consent_exists("case", "hospital")  # the patient's consent for that hospital, on every call
        )
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


@dataclass(frozen=True)
class Median:
    """A median with its sample size; ``value`` is None below ``stats.MIN_N`` ("not enough data yet")."""

    value: float | None
    n: int

    @property
    def enough(self) -> bool:
        return self.value is not None


def median_of(values: list[int], min_n: int = MIN_N) -> Median:
    return Median(statistics.median(values) if len(values) >= min_n and values else None, len(values))


def _pain_day30(hospital_ids: Iterable[int] | None) -> dict[Key, list[int]]:
    """Pain (0–10) of every answered day-30 check-in, by hospital × group, in one query. A median
    needs the values (SQLite has no median aggregate): one small integer per answer, nothing else."""
    qs = CheckIn.objects.filter(day=30, status=Status.ANSWERED, pain__isnull=False)
    if hospital_ids is not None:
        qs = qs.filter(follow_up__hospital_id__in=list(hospital_ids))
    out: dict[Key, list[int]] = {}
    for hospital_id, group, pain in qs.values_list("follow_up__hospital_id", "follow_up__group", "pain"):
        if pain is not None:  # filtered out above; the check is for the type
            out.setdefault((hospital_id, group), []).append(pain)
    return out


def median_pain_day30(*, hospital_id: int, group: str) -> Median:
    """Median pain (0–10) at the day-30 check-in with its n; no value below 10 answers."""
    return median_of(_pain_day30([hospital_id]).get((hospital_id, group), []))


@dataclass(frozen=True)
class OutcomeFigures:
    """What a page shows for one hospital × group: each outcome with n and its interval (the
    median pain at day 30 with its n), and the follow-up completion rate beside them (so silent
    patients cannot make a hospital look good)."""

    hospital_id: int
    group: str
    completion: Figure  # answered ÷ scheduled
    red_flag_30d: Figure
    readmitted: Figure
    would_recommend: Figure
    pain_day30: Median = Median(None, 0)
    is_demo: bool = False

    @property
    def group_label(self) -> str:
        return str(Group(self.group).label) if self.group in Group.values else self.group

    @property
    def any_enough(self) -> bool:
        return any(f.enough for f in (self.red_flag_30d, self.readmitted, self.would_recommend, self.pain_day30))


def figures_from(counts: OutcomeCounts, *, pains: list[int] | None = None, is_demo: bool = False) -> OutcomeFigures:
    return OutcomeFigures(
        hospital_id=counts.hospital_id,
        group=counts.group,
        completion=figure(counts.check_ins_answered, counts.check_ins_scheduled),
        red_flag_30d=figure(counts.red_flag_30d, counts.red_flag_30d_n),
        readmitted=figure(counts.readmitted, counts.readmitted_n),
        would_recommend=figure(counts.would_recommend, counts.reviews),
        pain_day30=median_of(pains or []),
        is_demo=is_demo,
    )


def outcome_figures(
    *, hospital_ids: Iterable[int] | None = None, today: datetime.date | None = None
) -> list[OutcomeFigures]:
    """Figures per hospital × group (``outcome_counts`` with n, share and Wilson interval; the
    median pain at day 30 with its n). Five queries whatever the number of hospitals."""
    wanted = list(hospital_ids) if hospital_ids is not None else None
    from_counts = outcome_counts(hospital_ids=wanted, today=today)
    pains = _pain_day30(wanted)
    ids = [c.hospital_id for c in from_counts]
    demo = set(Hospital.objects.filter(pk__in=ids, is_demo=True).values_list("pk", flat=True))
    return [
        figures_from(c, pains=pains.get((c.hospital_id, c.group)), is_demo=c.hospital_id in demo) for c in from_counts
    ]


def quality_signal(hospital_ids: Iterable[int]) -> dict[int, OutcomeFigures]:
    """For discovery: per hospital, the group figures with n >= 10 on at least one outcome (the
    only ones search may show as a quality signal). One call per results page."""
    out: dict[int, OutcomeFigures] = {}
    for fig in outcome_figures(hospital_ids=hospital_ids):
        if fig.any_enough and fig.hospital_id not in out:
            out[fig.hospital_id] = fig
    return out


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f} %"


def figure_text(label: str, fig: Figure) -> str:
    """ "label: 82 % (95 % CI 70–90 %, n = 34)", or "label: not enough data yet (n = 7)"."""
    if not fig.enough:
        return _("%(label)s: not enough data yet (n = %(n)s)") % {"label": label, "n": fig.n}
    return _("%(label)s: %(share)s (95 %% CI %(low)s–%(high)s, n = %(n)s)") % {
        "label": label,
        "share": _pct(fig.share),
        "low": _pct(fig.low),
        "high": _pct(fig.high),
        "n": fig.n,
    }


def median_text(label: str, median: Median) -> str:
    if not median.enough:
        return _("%(label)s: not enough data yet (n = %(n)s)") % {"label": label, "n": median.n}
    return _("%(label)s: %(value)s of 10 (median, n = %(n)s)") % {
        "label": label,
        "value": f"{median.value:g}",
        "n": median.n,
    }


def outcome_note(fig: OutcomeFigures) -> QualityNote:
    """One search result's outcome signal: the outcomes with n >= 10 only, and the follow-up
    completion rate always beside them."""
    parts = [
        figure_text(str(label), f)
        for label, f in (
            (_("would recommend"), fig.would_recommend),
            (_("red flag within 30 days"), fig.red_flag_30d),
            (_("unplanned return to hospital"), fig.readmitted),
        )
        if f.enough
    ]
    if fig.pain_day30.enough:
        parts.append(median_text(str(_("pain at day 30")), fig.pain_day30))
    parts.append(figure_text(str(_("follow-up completion")), fig.completion))
    source = _(
        "MediJourney's follow-up check-ins and verified reviews, %(group)s, counted today; Wilson 95 %% "
        "intervals; outcomes below n = 10 are left out."
    ) % {"group": fig.group_label}
    if fig.is_demo:
        source = _("Demo figures: invented follow-ups at a fictional demo hospital, not real outcomes.") + " " + source
    return QualityNote(
        title=str(_("Outcomes after returning home")), parts=tuple(parts), source=source, is_demo=fig.is_demo
    )


def outcome_notes(hospital_ids: Iterable[int]) -> dict[int, QualityNote]:
    """The search results' quality signal (``discovery.quality``): ``quality_signal`` as notes."""
    return {pk: outcome_note(fig) for pk, fig in quality_signal(hospital_ids).items()}
