"""Where journeys plugs into earlier apps, through the hooks they offer (nothing earlier imports
journeys): the draft itinerary is built when a plan is accepted (``quotes.register_on_accept``),
the timeline labels of journeys' kinds (``cases.register_event_kind``) and the links from the
case pages (``cases.register_case_link``)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.cases.models import Case
from medijourney.cases.selectors import register_case_link, register_event_kind
from medijourney.quotes.services import register_on_accept

from .models import ItemKind, Journey, StepKind
from .services import journey_build


def _on_accept(*, quote: Any, case: Case, actor: Any) -> None:
    journey_build(quote=quote, case=case, actor=actor, is_demo=bool(getattr(quote, "is_demo", False)))


register_on_accept(_on_accept)


def _step(data: dict[str, Any]) -> str:
    kind = data.get("step")
    return f": {StepKind(kind).label}" if kind in StepKind.values else ""


def _moved(data: dict[str, Any]) -> str:
    moved = [str(StepKind(k).label) for k in data.get("moved", []) if k in StepKind.values]
    text = _step(data) + (f" → {data['day']}" if data.get("day") else "")
    return text + (str(_(" (also moved: %(s)s)")) % {"s": ", ".join(moved)} if moved else "")


def _item(data: dict[str, Any]) -> str:
    kind = data.get("item")
    return f": {ItemKind(kind).label}" if kind in ItemKind.values else ""


register_event_kind("journey_drafted", _("Draft itinerary built from the accepted plan"))
register_event_kind("journey_step_moved", _("Itinerary date changed"), _moved)
register_event_kind("journey_dates_confirmed", _("Hospital confirmed a date"), _step)
register_event_kind("journey_step_done", _("Journey step recorded"), _step)
register_event_kind("journey_nudge", _("Step date passed without confirmation: case manager told"), _step)
register_event_kind(
    "fit_to_fly_override",
    _("Return flight set before the fit-to-fly date (override)"),
    lambda d: f": {d.get('reason', '')}",
)
register_event_kind("journey_passport", _("Passport details entered"))
register_event_kind("letter_issued", _("Invitation letter issued"), lambda d: f": {d.get('code', '')}")
register_event_kind("letter_revoked", _("Invitation letter revoked"), lambda d: f": {d.get('code', '')}")
register_event_kind("checklist_uploaded", _("Checklist document uploaded"), _item)
register_event_kind("checklist_checked", _("Checklist document checked"), _item)
register_event_kind("companion_link", _("Itinerary shared with a companion"))


def _has_journey(user: Any, case: Case) -> bool:
    return Journey.objects.filter(case=case).exists()


register_case_link("staff", _("Journey: itinerary, letter, checklist"), "journeys:for_case", _has_journey)
register_case_link("patient", _("Your journey: day by day, documents, calendar"), "journeys:for_case", _has_journey)
