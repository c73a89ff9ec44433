"""The patient's consent to share a case with a hospital, per scope; the case manager can only ask."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.cases.models import Case
from medijourney.cases.notifications import absolute
from medijourney.cases.services import case_event_add, message_send
from medijourney.network.models import Hospital
from medijourney.privacy.services import audit_record
from medijourney.quotes.consent import CURRENT_SHARE_CONSENT_VERSION
from medijourney.quotes.models import (
    ConsentAsk,
    QuoteRequest,
    RequestStatus,
    Scope,
    ShareConsent,
)
from medijourney.quotes.permissions import can_manage_consent

from .notify import hospital_notify


def _patient_only(case: Case, actor: User) -> None:
    if not can_manage_consent(actor, case):
        raise ValidationError(_("Only the patient can give or withdraw consent to share their case."))


def consent_grant(*, case: Case, hospital: Hospital, scope: str, actor: User) -> ShareConsent:
    """The patient consents to share this case with ``hospital`` within ``scope``. A consent with
    another scope for the same hospital is replaced (the old row is revoked, both stay listed)."""
    _patient_only(case, actor)
    if scope not in Scope.values:
        raise ValidationError({"scope": _("Choose what may be shared.")})
    if not case.is_open:
        raise ValidationError(_("This case is closed."))
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        current = ShareConsent.objects.filter(case=case, hospital=hospital, revoked_at__isnull=True).first()
        if current is not None and current.scope == scope:
            return current
        now = timezone.now()
        if current is not None:
            _revoke(current, actor, now, replaced=True)
        consent = ShareConsent(
            case=case,
            hospital=hospital,
            scope=scope,
            text_version=CURRENT_SHARE_CONSENT_VERSION,
            granted_by=actor,
            granted_at=now,
            created_by=actor,
        )
        consent.full_clean()
        consent.save()
        case_event_add(
            case=case, kind="consent_granted", actor=actor, hospital=hospital.name[:120], scope=scope,
            consent=str(consent.public_id), version=consent.text_version,
        )  # fmt: skip
        audit_record(
            actor=actor, action="share_consent.grant", obj=consent, patient=case.patient, detail={"scope": scope}
        )
        ConsentAsk.objects.filter(case=case, hospital=hospital, answered_at__isnull=True).update(answered_at=now)
    return consent


def _revoke(consent: ShareConsent, actor: User, now: datetime.datetime, *, replaced: bool = False) -> None:
    consent.revoked_at = now
    consent.revoked_by = actor
    consent.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    case = consent.case
    case_event_add(
        case=case, kind="consent_revoked", actor=actor, hospital=consent.hospital.name[:120], scope=consent.scope,
        consent=str(consent.public_id), replaced=replaced,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="share_consent.revoke",
        obj=consent,
        patient=case.patient,
        detail={"scope": consent.scope, "replaced": replaced},
    )


def consent_revoke(*, consent: ShareConsent, actor: User) -> ShareConsent:
    """Withdraw a consent. From the partner's next request on, nothing of the case is reachable
    (the visibility filter checks the active consent every time). The hospital is told that the
    request is no longer available, without any detail."""
    case = consent.case
    _patient_only(case, actor)
    with transaction.atomic():
        consent = ShareConsent.objects.select_for_update().select_related("case", "hospital").get(pk=consent.pk)
        if consent.revoked_at is not None:
            return consent
        now = timezone.now()
        _revoke(consent, actor, now)
        for request in QuoteRequest.objects.filter(case=case, hospital=consent.hospital).exclude(
            status=RequestStatus.WITHDRAWN
        ):
            hospital_notify(request, "quote_access_ended", f"consent-revoked:{consent.public_id}:{request.public_id}")
    return consent


def consent_ask(*, case: Case, hospitals: Sequence[Hospital], scope: str, actor: User) -> list[ConsentAsk]:
    """Ask the patient (a message in their thread and a prompt on their consent page) to consent
    to sharing with hospitals that have no consent yet."""
    if scope not in Scope.values:
        raise ValidationError({"scope": _("Choose what may be shared.")})
    if not hospitals:
        raise ValidationError({"hospitals": _("Choose at least one hospital.")})
    with transaction.atomic():
        asks = []
        for hospital in hospitals:
            ask = ConsentAsk(case=case, hospital=hospital, scope=scope, asked_by=actor, created_by=actor)
            ask.full_clean()
            ask.save()
            asks.append(ask)
        names = "\n".join(f"- {h.name} ({h.country.name})" for h in hospitals)
        body = _(
            "To ask hospitals for a treatment plan and a price, I need your consent to share your case with:\n"
            "%(names)s\n\nWhat would be shared: %(scope)s. Please review and decide on your consent page: %(url)s\n"
            "Nothing is shared until you agree, and you can withdraw your consent at any time."
        ) % {
            "names": names,
            "scope": Scope(scope).label,
            "url": absolute(reverse("quotes:consents", args=[case.reference])),
        }
        message_send(case=case, author=actor, body=body)
        case_event_add(case=case, kind="consent_asked", actor=actor, hospitals=len(hospitals), scope=scope)
    return asks


# --- De-identified summary ---------------------------------------------------------------------------
