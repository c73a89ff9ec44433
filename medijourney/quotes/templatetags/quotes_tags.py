"""Template helpers for quotes: money, line statuses, deadlines."""

import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from medijourney.cases.templatetags.cases_tags import duration_words
from medijourney.core.formatting import money_text
from medijourney.network.offer_items import OFFER_ITEM_LABELS
from medijourney.quotes.models import CommissionAgreement, LineStatus, RequestStatus

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "") -> str:
    if amount is None:
        return "—"
    return money_text(amount, currency, always_cents=True)


@register.filter
def item_label(item_id: str) -> str:
    return str(OFFER_ITEM_LABELS.get(item_id, item_id))


@register.simple_tag
def line_badge(status: str) -> SafeString:
    styles: dict[str, str] = {LineStatus.INCLUDED: "badge", LineStatus.NOT_INCLUDED: "badge badge-warn"}
    css = styles.get(status, "badge badge-muted")
    return format_html('<span class="{}">{}</span>', css, LineStatus(status).label if status else "—")


@register.simple_tag
def request_badge(status: str) -> SafeString:
    styles: dict[str, str] = {
        RequestStatus.SENT: "badge badge-warn",
        RequestStatus.QUOTED: "badge",
        RequestStatus.ACCEPTED: "badge",
        RequestStatus.DECLINED: "badge badge-danger",
    }
    css = styles.get(status, "badge badge-muted")
    return format_html('<span class="{}">{}</span>', css, RequestStatus(status).label)


@register.simple_tag
def deadline(request: Any) -> SafeString:
    """Time left to answer (or overdue), for a request still waiting."""
    if request.status != RequestStatus.SENT:
        return SafeString("")
    left = request.respond_by - timezone.now()
    if left.total_seconds() <= 0:
        return format_html(
            '<span class="badge badge-danger">{}</span>', _("overdue by %(t)s") % {"t": duration_words(left)}
        )
    css = "badge badge-warn" if left.total_seconds() <= 12 * 3600 else "badge"
    return format_html('<span class="{}">{}</span>', css, _("%(t)s left") % {"t": duration_words(left)})


@register.filter
def in_force_on(agreement: CommissionAgreement, day: datetime.date) -> bool:
    return agreement.in_force_on(day)


@register.filter
def can_end_on(agreement: CommissionAgreement, day: datetime.date) -> bool:
    return agreement.can_end_on(day)


@register.simple_tag
def compared(amount: Decimal | None, own: str, converted: Any, currency: str) -> SafeString:
    """One figure of the patient's comparison in the comparison currency, with the hospital's own
    figure beneath it; when the ECB has no rate the hospital's figure stays, saying why."""
    if amount is None:
        return SafeString("—")
    if own == currency:
        return format_html("<strong>{}</strong>", money(amount, own))
    if converted is None or converted.amount is None:
        return format_html(
            '<strong>{}</strong><span class="converted">{}</span>',
            money(amount, own),
            _("no ECB exchange rate for %(own)s: not converted to %(ccy)s") % {"own": own, "ccy": currency},
        )
    return format_html(
        '<strong>{}</strong><span class="converted">{}</span>',
        money(converted.amount, currency),
        _("quoted as %(amount)s") % {"amount": money(amount, own)},
    )
