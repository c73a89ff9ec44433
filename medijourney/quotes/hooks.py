"""Where quotes plugs into cases, through the hooks cases offers for later apps:

* partners see a case (and only the documents shared with their hospital under a consent that
  includes reports) while the patient's consent is active: ``register_case_visibility`` and
  ``register_document_visibility``;
* the timeline kinds quotes writes: ``register_event_kind``;
* the emails quotes sends through the cases outbox: ``register_kind``."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from medijourney.cases.notifications import register_kind
from medijourney.cases.selectors import register_case_visibility, register_document_visibility, register_event_kind

from .models import Scope
from .selectors import partner_case_rule, partner_document_rule

register_case_visibility("quotes.answer_requests", partner_case_rule)
register_document_visibility("quotes.answer_requests", partner_document_rule)


def _scope(data: dict[str, Any]) -> str:
    scope = data.get("scope")
    return str(Scope(scope).label) if scope in Scope.values else ""


def _hospital(data: dict[str, Any]) -> str:
    parts = [data.get("hospital", "")]
    if data.get("request"):
        parts.append(f"({data['request']})")
    return ": " + " ".join(p for p in parts if p) if any(parts) else ""


def _hospital_name(data: dict[str, Any]) -> str:
    """The hospital's name only (what the patient reads: no request codes)."""
    return f": {data['hospital']}" if data.get("hospital") else ""


# Each kind says whether the patient sees it (``patient_label``), in the patient's words; the
# rule itself lives in cases (selectors._PATIENT_KINDS). Deadlines, alternatives offered to the
# case manager and final bills stay with the case team.
register_event_kind(
    "consent_granted",
    _("Patient consented to share"),
    lambda d: f"{_hospital(d)} – {_scope(d)}",
    patient_label=_("You agreed to share your case with a hospital"),
    patient_detail=lambda d: f"{_hospital_name(d)} – {_scope(d)}",
)
register_event_kind(
    "consent_revoked",
    _("Patient withdrew consent"),
    lambda d: f"{_hospital(d)} – {_scope(d)}" + (str(_(" (replaced by a new scope)")) if d.get("replaced") else ""),
    patient_label=_("You withdrew your consent for a hospital"),
    patient_detail=_hospital_name,
)
register_event_kind(
    "consent_asked",
    _("Consent asked of the patient"),
    lambda d: f": {d.get('hospitals', 0)} hospital(s)",
    patient_label=_("Your case manager asked for your consent to share your case"),
)
register_event_kind(
    "quote_requested",
    _("Quote requested"),
    _hospital,
    patient_label=_("A hospital was asked for a treatment plan and quote"),
    patient_detail=_hospital_name,
)
register_event_kind(
    "quote_received",
    _("Quote received"),
    _hospital,
    patient_label=_("A hospital sent a treatment plan and quote"),
    patient_detail=_hospital_name,
)
register_event_kind(
    "quote_declined",
    _("Hospital declined"),
    _hospital,
    patient_label=_("A hospital declined to quote"),
    patient_detail=_hospital_name,
)
register_event_kind("quote_overdue", _("Quote deadline passed: case manager told"), _hospital)
register_event_kind("quote_alternatives", _("No answer in 72 hours: other hospitals offered"), _hospital)
register_event_kind(
    "quote_withdrawn",
    _("Quote request withdrawn"),
    _hospital,
    patient_label=_("A quote request was withdrawn"),
    patient_detail=_hospital_name,
)
register_event_kind(
    "quote_accepted",
    _("Patient accepted a plan"),
    _hospital,
    patient_label=_("You accepted a treatment plan"),
    patient_detail=_hospital_name,
)
register_event_kind(
    "quote_closed",
    _("Request closed: another plan chosen"),
    _hospital,
    patient_label=_("Request closed: you chose another plan"),
    patient_detail=_hospital_name,
)
register_event_kind(
    "final_bill", _("Final bill recorded"), lambda d: f": billed ÷ quoted = {d['ratio']}" if d.get("ratio") else ""
)

register_kind("quote_request", lambda ref: str(_("New quote request waiting")), "quotes/email/quote_request.txt")
register_kind(
    "quote_reminder", lambda ref: str(_("Reminder: a quote request is due soon")), "quotes/email/quote_reminder.txt"
)
register_kind("quote_closed", lambda ref: str(_("A quote request is closed")), "quotes/email/quote_closed.txt")
register_kind(
    "quote_access_ended",
    lambda ref: str(_("A quote request is no longer available")),
    "quotes/email/quote_access_ended.txt",
)
register_kind("quote_erasure", lambda ref: str(_("A patient asked for erasure")), "quotes/email/quote_erasure.txt")
register_kind(
    "quote_accepted_hospital", lambda ref: str(_("Your plan was accepted")), "quotes/email/quote_accepted_hospital.txt"
)
register_kind(
    "quote_overdue",
    lambda ref: str(_("Quote overdue on case %(ref)s") % {"ref": ref}),
    "quotes/email/quote_overdue.txt",
)
register_kind(
    "quote_alternatives",
    lambda ref: str(_("No answer in 72 hours on case %(ref)s: other hospitals") % {"ref": ref}),
    "quotes/email/quote_alternatives.txt",
)
register_kind(
    "quote_received",
    lambda ref: str(_("Quote received on case %(ref)s") % {"ref": ref}),
    "quotes/email/quote_received.txt",
)
register_kind(
    "quote_declined",
    lambda ref: str(_("A hospital declined on case %(ref)s") % {"ref": ref}),
    "quotes/email/quote_declined.txt",
)
register_kind(
    "quote_accepted",
    lambda ref: str(_("Plan accepted on case %(ref)s") % {"ref": ref}),
    "quotes/email/quote_accepted.txt",
)
register_kind(
    "quote_ready",
    lambda ref: str(_("A treatment plan and quote arrived – case %(ref)s") % {"ref": ref}),
    "quotes/email/quote_ready.txt",
)
