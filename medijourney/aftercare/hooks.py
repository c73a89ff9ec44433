"""Where aftercare plugs into earlier apps, through the hooks they offer (nothing earlier imports
aftercare): the schedule when a case reaches "returned home" (``cases.register_on_stage``), the
timeline labels (``cases.register_event_kind``), emails (``cases.notifications.register_kind``) and
the links from the case pages (``cases.register_case_link``)."""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.cases.models import Case, Stage
from medijourney.cases.notifications import register_kind
from medijourney.cases.selectors import register_case_link, register_event_kind
from medijourney.cases.services import register_on_stage
from medijourney.discovery.quality import register_quality_signal
from medijourney.network.models import Hospital
from medijourney.network.sections import register_profile_section
from medijourney.quotes.scorecard_sections import register_scorecard_section

from .models import FollowUp, Review
from .rules import flag_text
from .selectors import outcome_figures, outcome_notes
from .services import follow_up_schedule


def _on_home(*, case: Case, actor: Any) -> None:
    follow_up_schedule(case=case, actor=actor)


register_on_stage(Stage.RETURNED_HOME, _on_home)


def _day(data: dict[str, Any]) -> str:
    return f": day {data['day']}" if data.get("day") else ""


def _flags(data: dict[str, Any]) -> str:
    return _day(data) + " — " + "; ".join(flag_text(c) for c in data.get("flags", []))


register_event_kind(
    "follow_up_scheduled",
    _("Follow-up check-ins scheduled"),
    lambda d: ": days " + ", ".join(str(x) for x in d.get("days", [])),
    patient_label=_("Follow-up check-ins scheduled"),
    patient_detail=lambda d: ": days " + ", ".join(str(x) for x in d.get("days", [])),
)
register_event_kind("check_in_added", _("Check-in added"), _day)
register_event_kind("check_in_moved", _("Check-in moved"), _day)
register_event_kind("check_in_skipped", _("Check-in skipped"), lambda d: _day(d) + f" ({d.get('reason', '')})")
register_event_kind(
    "check_in_sent", _("Check-in sent"), _day, patient_label=_("A check-in is waiting for you"), patient_detail=_day
)
register_event_kind("check_in_reminded", _("Check-in reminder sent"), _day)
register_event_kind("check_in_overdue", _("Check-in unanswered after 3 days: task for the case manager"), _day)
register_event_kind(
    "check_in_answered",
    _("Check-in answered"),
    _day,
    patient_label=_("You answered a check-in"),
    patient_detail=_day,
)
register_event_kind(
    "red_flag_escalated", _("Red flag in a check-in: escalation opened (1 hour to acknowledge)"), _flags
)
register_event_kind("red_flag_acknowledged", _("Escalation acknowledged"), lambda d: " (late)" if d.get("late") else "")
register_event_kind("red_flag_to_leads", _("Escalation not acknowledged within an hour: the leads were told"))

register_kind(
    "check_in_due", lambda ref: str(_("Your follow-up check-in is ready")), "aftercare/email/check_in_due.txt"
)
register_kind(
    "check_in_reminder",
    lambda ref: str(_("Reminder: your follow-up check-in")),
    "aftercare/email/check_in_reminder.txt",
)
register_kind(
    "red_flag",
    lambda ref: str(_("Red flag in a check-in on case %(ref)s") % {"ref": ref}),
    "aftercare/email/red_flag.txt",
)
register_kind(
    "red_flag_hospital",
    lambda ref: str(_("A patient's check-in needs your attention")),
    "aftercare/email/red_flag_hospital.txt",
)
register_kind(
    "red_flag_unacknowledged",
    lambda ref: str(_("Escalation not acknowledged on case %(ref)s") % {"ref": ref}),
    "aftercare/email/red_flag_unacknowledged.txt",
)


def _has_follow_up(user: Any, case: Case) -> bool:
    return FollowUp.objects.filter(case=case).exists()


register_case_link("staff", _("Follow-up: check-ins and escalations"), "aftercare:case", _has_follow_up)
register_case_link(
    "patient", _("Your follow-up check-ins after returning home"), "aftercare:my_follow_up", _has_follow_up
)


def _hospital_section(hospital: Hospital) -> dict[str, Any]:
    return {
        "hospital": hospital,
        "figures": outcome_figures(hospital_ids=[hospital.pk]),
        "reviews": Review.objects.filter(hospital=hospital).count(),
    }


register_profile_section("aftercare/partials/hospital_section.html", _hospital_section)


def _scorecard_section(hospitals: Sequence[Hospital]) -> dict[str, Any]:
    by_id = {h.pk: h for h in hospitals}
    figures = outcome_figures(hospital_ids=list(by_id))
    return {"rows": [(by_id[f.hospital_id], f) for f in figures if f.hospital_id in by_id]}


register_scorecard_section("aftercare/partials/scorecard_section.html", _scorecard_section)

# Search results show outcome figures as a quality signal, only for hospitals with n >= 10 (never ranked).
register_quality_signal("outcomes", outcome_notes)
