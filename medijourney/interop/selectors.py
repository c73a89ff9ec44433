"""Reads for interop. Every summary is reached through ``journeys_visible_to`` (journeys' one
filter: leads, the assigned case manager, the patient, the hospital while the consent is current)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medijourney.aftercare.models import CheckIn
from medijourney.cases.models import Case
from medijourney.journeys.models import Journey
from medijourney.journeys.selectors import journeys_visible_to

from .ips import IpsSource
from .models import DischargeSummary, DoctorLink, DoctorLinkAccess, DoctorReply, LinkOutcome
from .services.links import MAX_FAILED


def summaries_visible_to(user: Any) -> QuerySet[DischargeSummary]:
    return DischargeSummary.objects.filter(journey__in=journeys_visible_to(user).values("pk")).select_related(
        "journey__case__patient", "journey__hospital", "author"
    )


def current_summary(journey: Journey) -> DischargeSummary | None:
    return DischargeSummary.objects.filter(journey=journey).order_by("-version").first()


def summary_versions(journey: Journey) -> list[DischargeSummary]:
    return list(DischargeSummary.objects.filter(journey=journey).select_related("author").order_by("-version"))


def procedures_of(summary: DischargeSummary | None) -> list[dict[str, Any]]:
    """The procedures performed, each with its day as a date (its own or the summary's)."""
    if summary is None:
        return []
    return [{**p, "day": datetime.date.fromisoformat(summary.procedure_day(p))} for p in summary.procedures]


def _check_ins(case: Case) -> tuple[tuple[int, datetime.date, str, dict[str, Any] | None], ...]:
    rows = CheckIn.objects.filter(follow_up__case=case).order_by("day")
    return tuple((c.day, c.due_on, str(c.get_status_display()), c.response) for c in rows)


def ips_source(case: Case) -> IpsSource:
    """What the patient summary of a case is built from: the journey's latest discharge summary."""
    journey = Journey.objects.filter(case=case).select_related("hospital__country", "quote__doctor").first()
    if journey is None:
        return IpsSource(case=case, summary=None, check_ins=_check_ins(case))
    return IpsSource(
        case=case,
        summary=current_summary(journey),
        check_ins=_check_ins(case),
        hospital_name=journey.hospital.name,
        hospital_country=journey.hospital.country.name if journey.hospital.country_id else "",
        surgeon=journey.quote.doctor.full_name,
    )


@dataclass(frozen=True)
class LinkRow:
    link: DoctorLink
    status: str
    opened: int
    refused: int
    accesses: list[DoctorLinkAccess]


def _status(link: DoctorLink, now: datetime.datetime) -> str:
    if link.revoked_at is not None:
        return str(_("revoked"))
    if link.expires_at <= now:
        return str(_("expired"))
    if link.failed_attempts >= MAX_FAILED:
        return str(_("locked (too many wrong passcodes)"))
    return str(_("active"))


def link_rows(case: Case) -> list[LinkRow]:
    """The patient's links with every access (time and outcome) and the counts."""
    now = timezone.now()
    links = (
        DoctorLink.objects.filter(case=case)
        .defer("ciphertext")
        .prefetch_related(Prefetch("accesses", queryset=DoctorLinkAccess.objects.order_by("-at", "-id")))
    )
    rows = []
    for link in links:
        accesses = list(link.accesses.all())
        opened = sum(1 for a in accesses if a.outcome == LinkOutcome.SERVED)
        rows.append(LinkRow(link, _status(link, now), opened, len(accesses) - opened, accesses))
    return rows


def doctor_replies(case: Case) -> list[DoctorReply]:
    return list(DoctorReply.objects.filter(link__case=case).select_related("link").order_by("-created_at"))
