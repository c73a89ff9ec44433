"""Template helpers for cases: the first-response clock and stage badges."""

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_countries import countries

from medijourney.cases.models import Stage
from medijourney.cases.selectors import case_links, clock_warning_before, event_extra_detail, event_label
from medijourney.cases.stages import next_step
from medijourney.cases.values import language_name, travel_window_text
from medijourney.core.dates import day_time_text

register = template.Library()


def duration_words(delta: timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": mins}
    return _("%(m)d min") % {"m": mins}


def clock_state(case: Any, now: datetime | None = None) -> tuple[str, str]:
    """(css class, words) for a case's first-response clock."""
    now = now or timezone.now()
    if case.first_responded_at is not None:
        took = case.first_responded_at - case.created_at
        if case.first_responded_at <= case.first_response_due_at:
            return "badge", _("answered in %(t)s") % {"t": duration_words(took)}
        return "badge badge-danger", _("answered late, in %(t)s") % {"t": duration_words(took)}
    if case.stage in (Stage.CLOSED, Stage.CANCELLED):
        return "badge badge-muted", _("not answered")
    left = case.first_response_due_at - now
    if left.total_seconds() <= 0:
        return "badge badge-danger", _("overdue by %(t)s") % {"t": duration_words(left)}
    if left <= clock_warning_before():
        return "badge badge-warn", _("%(t)s left") % {"t": duration_words(left)}
    return "badge", _("%(t)s left") % {"t": duration_words(left)}


@register.simple_tag
def clock(case: Any) -> SafeString:
    css, words = clock_state(case)
    running = case.first_responded_at is None and case.stage not in (Stage.CLOSED, Stage.CANCELLED)
    if running:
        return format_html(
            '<span class="{} clock" data-due="{}" data-warn-ms="{}" data-left="{}" data-overdue="{}" title="{}">{}</span>',
            css,
            case.first_response_due_at.isoformat(),
            int(clock_warning_before().total_seconds() * 1000),
            _("%(t)s left") % {"t": "{t}"},
            _("overdue by %(t)s") % {"t": "{t}"},
            _("First response due %(due)s UTC") % {"due": day_time_text(case.first_response_due_at)},
            words,
        )
    return format_html('<span class="{}">{}</span>', css, words)


@register.simple_tag
def travel_window(case: Any) -> str:
    """ "8 Dec 2026 – 3 Jan 2027", "from 8 Dec 2026", "until 3 Jan 2027" or "not given yet"."""
    return travel_window_text(case.travel_earliest, case.travel_latest)


@register.simple_tag
def stage_badge(stage: str) -> SafeString:
    css = "badge badge-muted" if stage in (Stage.CLOSED, Stage.CANCELLED) else "badge"
    return format_html('<span class="{}">{}</span>', css, Stage(stage).label)


@register.filter
def stage_next(stage: str) -> str:
    return str(next_step(stage))


@register.filter
def country_names(codes: Any) -> str:
    return ", ".join(str(countries.name(c)) or c for c in (codes or []))


@register.filter
def language_label(tag: str) -> str:
    return f"{language_name(tag)} · {tag}" if tag else ""


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


@register.filter(name="event_label")
def event_label_filter(event: Any) -> str:
    """The timeline label, including kinds registered by later apps (register_event_kind)."""
    return event_label(event)


@register.simple_tag
def event_detail(event: Any, people: dict[str, str] | None = None) -> str:
    """A few plain words about a timeline row (ids turned into staff names)."""
    data = event.data or {}
    people = people or {}
    kind = event.kind
    if kind == "stage_changed":
        text = f": {Stage(data['from']).label} → {Stage(data['to']).label}"
        return text + (f" ({data['reason']})" if data.get("reason") else "")
    if kind in ("assigned", "reassigned"):
        text = _(" to %(name)s") % {"name": people.get(data.get("to", ""), _("someone"))}
        if data.get("automatic"):
            text += _(" (automatic)")
        if data.get("language_fallback"):
            text += _(" – no available case manager speaks the patient's language")
        return text
    if kind == "first_response":
        return _(" (within the deadline)") if data.get("within") else _(" (late)")
    if kind == "document_scanned":
        return f": {data.get('result', '')}"
    if kind == "message_flagged":
        return f": {', '.join(data.get('reasons', []))}"
    if kind == "intake":
        return _(" via %(source)s, %(n)s document(s)") % {
            "source": data.get("source", ""),
            "n": data.get("documents", 0),
        }
    return event_extra_detail(event)


@register.simple_tag(takes_context=True)
def case_page_links(context: Any, case: Any, audience: str) -> SafeString:
    """Links registered by later apps (``cases.selectors.register_case_link``) for this page."""
    user = context.get("user")
    links = [(reverse(url_name, args=[case.reference]), label) for label, url_name in case_links(user, case, audience)]
    if not links:
        return SafeString("")
    return format_html('<p class="case-links">{}</p>', format_html_join(" · ", '<a href="{}">{}</a>', links))
