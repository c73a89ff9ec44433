"""The journey's planning rules in one place: the fit-to-fly interval and where it comes from, the
time zones, how the draft spaces the steps, and the checklist's due dates. Every rule that a person
sees is written with its source (published guidance, the hospital's plan, or our own planning
rule, said as such)."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.catalog.models import Airport, Procedure
from medijourney.catalog.selectors import airport_get, city_main_airport

from .models import ItemKind, Provider

if TYPE_CHECKING:
    from medijourney.network.models import Hospital

# How far ahead the draft plans when the patient's window has passed or was not given.
DRAFT_LEAD_DAYS = 21
# Our planning rule for when each checklist item should be ready (days before departure); the
# page says these are ours, not an embassy's.
DUE_BEFORE_DEPARTURE: dict[str, int] = {
    ItemKind.PASSPORT: 45,
    ItemKind.LETTER: 35,
    ItemKind.VISA: 30,
    ItemKind.COMPANION: 30,
    ItemKind.REPORTS: 14,
    ItemKind.INSURANCE: 7,
}
PROVIDERS: dict[str, str] = {
    ItemKind.PASSPORT: Provider.PATIENT,
    ItemKind.VISA: Provider.PATIENT,
    ItemKind.LETTER: Provider.HOSPITAL,
    ItemKind.REPORTS: Provider.PATIENT,
    ItemKind.INSURANCE: Provider.PATIENT,
    ItemKind.FIT_CERTIFICATE: Provider.HOSPITAL,
    ItemKind.COMPANION: Provider.COMPANION,
}


@dataclass(frozen=True)
class FitRule:
    days: int
    published: bool
    text: str
    authority: str
    source_url: str
    data_date: datetime.date | None


def fit_rule(procedure: Procedure, plan_days: int) -> FitRule:
    """The published minimum interval before flying (CAA guidance in the catalogue) when there is
    one; otherwise the hospital's plan, said plainly: no published interval, the surgeon decides."""
    guidance = procedure.fit_to_fly
    if guidance is not None and guidance.min_days_before_flying is not None:
        days = int(guidance.min_days_before_flying)
        return FitRule(
            days=days,
            published=True,
            text=_("%(authority)s: at least %(n)d day(s) after %(what)s before flying")
            % {"authority": guidance.authority, "n": days, "what": guidance.condition.lower()},
            authority=guidance.authority,
            source_url=guidance.source_url,
            data_date=guidance.data_date,
        )
    return FitRule(
        days=int(plan_days),
        published=False,
        text=_("No published interval: the surgeon decides. The hospital's plan says %(n)d day(s) after the procedure.")
        % {"n": plan_days},
        authority="",
        source_url="",
        data_date=None,
    )


def valid_tz(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


def _country_tz(country: str) -> str:
    airport = (
        Airport.objects.filter(country_id=(country or "").upper(), is_international=True)
        .exclude(time_zone="")
        .order_by("size", "ident")
        .first()
    )
    return airport.time_zone if airport else "UTC"


def destination_place(hospital: "Hospital") -> tuple[str, str, str]:
    """(time zone, airport text, basis) of a hospital: its nearest international airport, else
    its city's main airport by the catalogue's rule, else the country's first large airport."""
    airport = hospital.nearest_airport
    basis = str(hospital.get_airport_basis_display()) if hospital.airport_basis else ""
    if airport is None and hospital.city:
        found = city_main_airport(hospital.country_id, hospital.city)
        if found.airport is not None:
            airport = airport_get(found.airport.ident)
            basis = found.basis
    if airport is not None and valid_tz(airport.time_zone):
        return airport.time_zone, f"{airport.name} ({airport.code})", basis
    return _country_tz(hospital.country_id), "", _("time zone of the country's main airport")


def home_place(*, user_tz: str, country: str) -> tuple[str, str]:
    """The patient's time zone (their account's when set, else their country's main airport's)
    and the airport they probably leave from."""
    airport = (
        Airport.objects.filter(country_id=(country or "").upper(), is_international=True, size="large_airport")
        .exclude(time_zone="")
        .order_by("ident")
        .first()
    )
    tz = user_tz if user_tz and user_tz != "UTC" and valid_tz(user_tz) else (airport.time_zone if airport else "UTC")
    return tz, (f"{airport.name} ({airport.code})" if airport else "")


def draft_departure(earliest: datetime.date | None, latest: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    if earliest and earliest > today and (latest is None or earliest <= latest):
        return earliest
    return today + datetime.timedelta(days=DRAFT_LEAD_DAYS)


def due_text(kind: str) -> str:
    if kind == ItemKind.FIT_CERTIFICATE:
        return _("by the return flight")
    days = DUE_BEFORE_DEPARTURE.get(kind)
    if days is None:
        return ""
    return _("%(n)d days before departure (our planning rule, not an embassy's)") % {"n": days}


def today_in(tz: str) -> datetime.date:
    return timezone.now().astimezone(ZoneInfo(tz)).date()
