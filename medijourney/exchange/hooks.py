"""Where exchange plugs into cases, through the hooks cases offers for later apps: the timeline
kinds it writes (``register_event_kind``), the emails it sends through the cases outbox
(``register_kind``), and the links from the case pages (``register_case_link``)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.accounts.permissions import has_perm
from medijourney.cases.notifications import register_kind
from medijourney.cases.selectors import register_case_link, register_event_kind


def _code(data: dict[str, Any]) -> str:
    return f": {data['request']}" if data.get("request") else ""


register_event_kind("opinion_consent_granted", _("Patient consented to a second opinion"))
register_event_kind("opinion_consent_revoked", _("Patient withdrew consent to a second opinion"))
register_event_kind(
    "opinion_requested", _("Second opinion requested"), lambda d: f"{_code(d)} ({d.get('specialty', '')})"
)
register_event_kind(
    "opinion_assigned", _("Second opinion assigned to a specialist"),
    lambda d: _code(d) + (str(_(" (re-assigned)")) if d.get("reassigned") else ""),
)  # fmt: skip
register_event_kind("opinion_declined", _("Specialist declined the second opinion"), _code)
register_event_kind("opinion_clarification_asked", _("Specialist asked a question (clock paused)"), _code)
register_event_kind("opinion_clarification_answered", _("Specialist's question answered (clock running)"), _code)
register_event_kind(
    "opinion_answered", _("Second opinion received"), lambda d: _code(d) + (str(_(" (late)")) if d.get("late") else "")
)
register_event_kind("opinion_overdue", _("Second opinion deadline passed: case manager told"), _code)
register_event_kind("opinion_reassign_offered", _("Second opinion 2 working days late: re-assignment offered"), _code)

for kind, subject in (
    ("opinion_requested", _("A second opinion was requested on case %(ref)s")),
    ("opinion_declined", _("A specialist declined the second opinion on case %(ref)s")),
    ("opinion_clarification", _("A specialist asks a question on case %(ref)s")),
    ("opinion_answered", _("Second opinion received on case %(ref)s")),
    ("opinion_overdue", _("Second opinion overdue on case %(ref)s")),
    ("opinion_reassign", _("Second opinion 2 working days late on case %(ref)s: re-assign?")),
    ("opinion_ready", _("Your second opinion is ready – case %(ref)s")),
):
    register_kind(kind, lambda ref, s=subject: str(s % {"ref": ref}), f"exchange/email/{kind}.txt")
for kind, subject in (
    ("opinion_assigned", _("A second opinion request is waiting for you")),
    ("opinion_cancelled", _("A second opinion request was withdrawn")),
    ("opinion_clarified", _("Your clarifying question was answered")),
    ("opinion_reminder", _("Reminder: a second opinion is due in one working day")),
    ("programme_invitation", _("You are invited to a tele-mentoring programme")),
    ("presentation_recommendation", _("The hub recorded a recommendation on your case presentation")),
):
    register_kind(kind, lambda ref, s=subject: str(s), f"exchange/email/{kind}.txt")

register_case_link(
    "staff",
    _("Second opinions"),
    "exchange:case_opinions",
    lambda user, case: has_perm(user, "exchange.manage_opinions"),
)
register_case_link(
    "patient", _("Second opinion from a specialist"), "exchange:my_opinions",
    lambda user, case: has_perm(user, "exchange.request_opinion"),
)  # fmt: skip
