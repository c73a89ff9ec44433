"""Emails about cases: subjects and the rendering of bodies at delivery time. Bodies say that
something is waiting and link to the signed-in page; they never carry health data."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from medijourney.accounts.models import User

from .models import Notification
from .tokens import confirm_valid_for, inquiry_confirm_token

KINDS = {
    "ack": lambda ref: _("We received your inquiry – case %(ref)s") % {"ref": ref},
    "ack_confirm": lambda ref: _("Please confirm inquiry %(ref)s sent with your address") % {"ref": ref},
    "ack_not_added": lambda ref: _("An inquiry was sent with your address – %(ref)s") % {"ref": ref},
    "message_to_patient": lambda ref: _("New message on case %(ref)s") % {"ref": ref},
    "message_to_staff": lambda ref: _("New patient message on case %(ref)s") % {"ref": ref},
    "assigned": lambda ref: _("Case %(ref)s assigned to you") % {"ref": ref},
    "unassigned": lambda ref: _("No case manager available for case %(ref)s") % {"ref": ref},
    "clock_warning": lambda ref: _("4 hours left to answer case %(ref)s") % {"ref": ref},
    "clock_breach": lambda ref: _("First response overdue on case %(ref)s") % {"ref": ref},
    "message_flagged": lambda ref: _("Flagged message on case %(ref)s") % {"ref": ref},
    "document_quarantined": lambda ref: _("Document quarantined on case %(ref)s") % {"ref": ref},
}


# Later apps register their own email kinds here (quotes: requests to hospitals, reminders,
# acceptance). Their bodies render with the same context; ``template`` names the body template.
_TEMPLATES: dict[str, str] = {}


def register_kind(kind: str, subject: Any, template: str) -> None:
    """Add an email kind: ``subject(reference)`` gives the subject, ``template`` the body."""
    KINDS[kind] = subject
    _TEMPLATES[kind] = template


def subject_for(kind: str, reference: str) -> str:
    return str(KINDS[kind](reference))


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _when(value: Any) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return ""


def render_body(notification: Notification) -> str:
    ctx: dict[str, Any] = dict(notification.context)
    reference = ctx.get("reference", "")
    ctx["due"] = _when(ctx.get("due"))
    staff = ctx.get("audience") == "staff"
    if reference:
        name = "cases:detail" if staff else "cases:my_case"
        ctx["url"] = absolute(reverse(name, args=[reference]))
    if notification.kind == "ack":
        user_id = ctx.get("user")
        user = User.objects.filter(public_id=user_id).first() if user_id else None
        if user is not None:
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            token = default_token_generator.make_token(user)
            ctx["set_password_url"] = absolute(reverse("accounts:password_reset_confirm", args=[uid, token]))
        ctx["login_url"] = absolute(reverse("accounts:login"))
    if notification.kind == "ack_confirm" and notification.case is not None:
        token = inquiry_confirm_token(case_public_id=notification.case.public_id, owner_public_id=ctx.get("owner", ""))
        ctx["confirm_url"] = absolute(reverse("cases:inquiry_confirm", args=[token]))
        ctx["confirm_days"] = confirm_valid_for().days
    template = _TEMPLATES.get(notification.kind, f"cases/email/{notification.kind}.txt")
    return render_to_string(template, ctx).strip() + "\n"
