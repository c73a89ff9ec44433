"""Reads for interop. Every summary is reached through ``journeys_visible_to`` (journeys' one
filter: leads, the assigned case manager, the patient, the hospital while the consent is current)."""

from typing import Any

from django.db.models import QuerySet

from medijourney.cases.models import Case
from medijourney.journeys.models import Journey
from medijourney.journeys.selectors import journeys_visible_to

from .ips import IpsSource
from .models import DischargeSummary


def summaries_visible_to(user: Any) -> QuerySet[DischargeSummary]:
    return DischargeSummary.objects.filter(journey__in=journeys_visible_to(user).values("pk")).select_related(
        "journey__case__patient", "journey__hospital", "author"
    )


def current_summary(journey: Journey) -> DischargeSummary | None:
    return DischargeSummary.objects.filter(journey=journey).order_by("-version").first()


def summary_versions(journey: Journey) -> list[DischargeSummary]:
    return list(DischargeSummary.objects.filter(journey=journey).select_related("author").order_by("-version"))


def ips_source(case: Case) -> IpsSource:
    """What the patient summary of a case is built from: the journey's latest discharge summary."""
    journey = Journey.objects.filter(case=case).select_related("hospital__country", "quote__doctor").first()
    if journey is None:
        return IpsSource(case=case, summary=None)
    return IpsSource(
        case=case,
        summary=current_summary(journey),
        hospital_name=journey.hospital.name,
        hospital_country=journey.hospital.country.name if journey.hospital.country_id else "",
        surgeon=journey.quote.doctor.full_name,
    )
