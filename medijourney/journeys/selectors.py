"""Reads for journeys. ``journeys_visible_to(user)`` is the one filter every page, endpoint and
download uses."""

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet

from medijourney.accounts.permissions import has_perm
from medijourney.catalog.selectors import VisaRequirement, visa_requirement
from medijourney.network.models import PartnerMembership
from medijourney.quotes.selectors import active_consent_exists

from .models import ChecklistItem, CompanionLink, InvitationLetter, Journey, Passport, Step, StepKind
from .services.documents import token_digest
from .services.itinerary import fit_date


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def journeys_visible_to(user: Any) -> QuerySet[Journey]:
    """Leads: all. Case manager: journeys of their assigned cases. Patient: their own. Partner:
    its hospital's journeys while the patient's consent for that hospital is active. Else none."""
    if not _signed_in(user):
        return Journey.objects.none()
    if has_perm(user, "journeys.oversee_journeys"):
        qs = Journey.objects.all()
    elif has_perm(user, "journeys.plan_journeys"):
        qs = Journey.objects.filter(case__assigned_to=user)
    elif has_perm(user, "journeys.view_own_journey"):
        qs = Journey.objects.filter(case__patient=user)
    elif has_perm(user, "journeys.host_journeys"):
        qs = Journey.objects.filter(hospital__in=PartnerMembership.objects.filter(user=user).values("hospital")).filter(
            active_consent_exists("case", "hospital")
        )
    else:
        return Journey.objects.none()
    return qs.select_related(
        "case", "case__patient", "case__assigned_to", "hospital", "hospital__country", "procedure", "quote__doctor"
    )


def journey_with_parts(qs: QuerySet[Journey]) -> QuerySet[Journey]:
    return qs.prefetch_related(
        Prefetch("steps", queryset=Step.objects.order_by("position")),
        Prefetch("checklist", queryset=ChecklistItem.objects.select_related("document").order_by("position")),
        Prefetch("letters", queryset=InvitationLetter.objects.order_by("-issued_at")),
        Prefetch("passports", queryset=Passport.objects.order_by("person")),
    )


def journey_by_feed_token(token: str) -> Journey | None:
    if not token:
        return None
    return journey_with_parts(Journey.objects.filter(feed_digest=token_digest(token))).first()


def companion_link_by_token(token: str) -> CompanionLink | None:
    if not token:
        return None
    return (
        CompanionLink.objects.filter(digest=token_digest(token), revoked_at__isnull=True)
        .select_related("journey", "journey__hospital", "journey__case__patient")
        .first()
    )


@dataclass(frozen=True)
class StepView:
    step: Step
    local: str  # the step's own time zone
    other_tz: str
    other: datetime.datetime | None  # the same moment in the other time zone (when a time is set)


def step_views(journey: Journey) -> list[StepView]:
    out = []
    for step in journey.steps.all():
        other_tz = journey.destination_tz if step.at_home else journey.home_tz
        start = step.starts()
        out.append(
            StepView(step, step.tz, other_tz, start.astimezone(ZoneInfo(other_tz)) if start is not None else None)
        )
    return out


def steps_by_kind(journey: Journey) -> dict[str, Step]:
    return {s.kind: s for s in journey.steps.all()}


def journey_fit_date(journey: Journey) -> datetime.date:
    return fit_date(journey, steps_by_kind(journey)[StepKind.PROCEDURE].day)


def override_in_effect(journey: Journey) -> bool:
    steps = steps_by_kind(journey)
    return bool(journey.fit_override_reason) and steps[StepKind.RETURN_FLIGHT].day < journey_fit_date(journey)


def current_letter(journey: Journey) -> InvitationLetter | None:
    return next((letter for letter in journey.letters.all() if letter.revoked_at is None), None)


def journey_visa(journey: Journey) -> VisaRequirement | None:
    return visa_requirement(str(journey.case.passport_country), journey.destination_country)


def partner_journeys(user: Any) -> QuerySet[Journey]:
    return journeys_visible_to(user).filter(Q(case__closed_at__isnull=True)).order_by("-created_at", "-id")
