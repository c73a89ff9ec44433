"""Commission agreements between the network and a hospital (shown on every quote they apply to)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.accounts.permissions import has_perm
from medijourney.cases.values import currency_validate
from medijourney.network.models import Hospital
from medijourney.privacy.services import audit_record
from medijourney.quotes.models import (
    CommissionAgreement,
)


def commission_agreement_add(
    *,
    hospital: Hospital,
    kind: str,
    valid_from: datetime.date,
    actor: User,
    percent: Decimal | None = None,
    amount: Decimal | None = None,
    currency: str = "",
    valid_to: datetime.date | None = None,
    note: str = "",
) -> CommissionAgreement:
    """A lead records what the network earns from a hospital. Periods of one hospital never
    overlap, so exactly one agreement (or none) applies on any day."""
    if not has_perm(actor, "quotes.manage_commissions"):
        raise ValidationError(_("Only leads set commission agreements."))
    errors: dict[str, list[str]] = {}
    if kind == CommissionAgreement.Kind.PERCENT:
        amount, currency = None, ""
        if percent is None or not Decimal(0) < percent <= Decimal(100):
            errors["percent"] = [_("Give a percentage above 0 and at most 100.")]
    elif kind == CommissionAgreement.Kind.FIXED:
        percent = None
        if amount is None or amount <= 0:
            errors["amount"] = [_("Give the fixed amount.")]
        try:
            currency = currency_validate(currency)
        except ValidationError as exc:
            errors["currency"] = exc.messages
    else:
        errors["kind"] = [_("Choose a percentage or a fixed amount.")]
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = [_("The end date is before the start date.")]
    with transaction.atomic():
        Hospital.objects.select_for_update().get(pk=hospital.pk)
        end = valid_to or datetime.date.max
        overlapping = CommissionAgreement.objects.filter(hospital=hospital, valid_from__lte=end).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
        )
        if overlapping.exists():
            errors.setdefault("valid_from", []).append(
                _("Another agreement with this hospital covers part of these dates; end it first.")
            )
        if errors:
            raise ValidationError(errors)
        agreement = CommissionAgreement(
            hospital=hospital,
            kind=kind,
            percent=percent,
            amount=amount,
            currency=currency,
            valid_from=valid_from,
            valid_to=valid_to,
            note=(note or "").strip(),
            created_by=actor,
        )
        agreement.full_clean()
        agreement.save()
        audit_record(actor=actor, action="commission.add", obj=agreement, detail={"kind": kind})
    return agreement


def commission_agreement_end(*, agreement: CommissionAgreement, on: datetime.date, actor: User) -> CommissionAgreement:
    """A lead ends an agreement on ``on`` (its last day). Ending never extends one: a later end
    date than the one already set could overlap the next agreement."""
    if not has_perm(actor, "quotes.manage_commissions"):
        raise ValidationError(_("Only leads set commission agreements."))
    if on < agreement.valid_from:
        raise ValidationError({"valid_to": _("The end date is before the start date.")})
    with transaction.atomic():
        agreement = CommissionAgreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.valid_to is not None and on > agreement.valid_to:
            raise ValidationError(
                {"valid_to": _("This agreement already ends on %(day)s.") % {"day": agreement.valid_to.isoformat()}}
            )
        agreement.valid_to = on
        agreement.full_clean()
        agreement.save(update_fields=["valid_to", "updated_at"])
        audit_record(actor=actor, action="commission.end", obj=agreement)
    return agreement


# --- Erasure ---------------------------------------------------------------------------------------------
