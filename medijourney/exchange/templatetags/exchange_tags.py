"""The second-opinion clock, shown the way cases shows the first-response clock (same badge
classes, same ``clock.js`` re-wording each minute); paused while a question waits."""

from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from medijourney.cases.templatetags.cases_tags import duration_words
from medijourney.exchange.clock import REMINDER_WORKING_DAYS, reminder_at, zone
from medijourney.exchange.models import OpinionStatus

register = template.Library()


def _specialist_zone(request: Any) -> str:
    """The specialist's time zone from the row loaded with the request (no query per row)."""
    try:
        return str(request.specialist.specialist_profile.time_zone)
    except (AttributeError, ObjectDoesNotExist):
        return "UTC"


@register.simple_tag
def opinion_clock(request: Any) -> SafeString:
    now = timezone.now()
    if request.status == OpinionStatus.ANSWERED:
        late = request.due_at and request.answered_at and request.answered_at > request.due_at
        return format_html(
            '<span class="badge{}">{}</span>', " badge-danger" if late else "",
            _("answered late") if late else _("answered in time"),
        )  # fmt: skip
    if request.status == OpinionStatus.CANCELLED:
        return format_html('<span class="badge badge-muted">{}</span>', _("cancelled"))
    if request.due_at is None:
        return format_html('<span class="badge badge-warn">{}</span>', _("no specialist yet"))
    if request.status == OpinionStatus.CLARIFYING:
        return format_html(
            '<span class="badge badge-muted" title="{}">{}</span>',
            _("The deadline moves by the time spent waiting."),
            _("clock paused: waiting for the case manager's answer (%(t)s left)") % {"t": duration_words(request.due_at - request.paused_at)},
        )  # fmt: skip
    tz = _specialist_zone(request)
    left = request.due_at - now
    warn_ms = int((request.due_at - reminder_at(request.due_at, tz)).total_seconds() * 1000)
    css = (
        "badge badge-danger"
        if left.total_seconds() <= 0
        else ("badge badge-warn" if left.total_seconds() * 1000 <= warn_ms else "badge")
    )
    words = (_("overdue by %(t)s") if left.total_seconds() <= 0 else _("%(t)s left")) % {"t": duration_words(left)}
    local = request.due_at.astimezone(zone(tz))
    return format_html(
        '<span class="{} clock" data-due="{}" data-warn-ms="{}" data-left="{}" data-overdue="{}" title="{}">{}</span>',
        css, request.due_at.isoformat(), warn_ms, _("%(t)s left") % {"t": "{t}"}, _("overdue by %(t)s") % {"t": "{t}"},
        _("Due %(due)s (%(tz)s, the specialist's time zone; %(n)d working day reminder)")
        % {"due": local.strftime("%Y-%m-%d %H:%M"), "tz": tz, "n": REMINDER_WORKING_DAYS},
        words,
    )  # fmt: skip


@register.filter
def nth(items: Any, i: int) -> Any:
    try:
        return items[int(i)]
    except (IndexError, TypeError, ValueError):
        return ""
