"""Follow-up completion and red-flag rates per hospital and procedure group, from aftercare's
aggregate selector (three GROUP BY queries), each with n and the 95 % Wilson interval; below
n = 10 the row says "not enough data". Aftercare counts every follow-up so far: the date range
does not apply here, the hospital and destination filters do."""

from typing import Any

from django.utils.translation import gettext as _

from medijourney.aftercare.selectors import outcome_figures
from medijourney.aftercare.stats import MIN_N
from medijourney.aftercare.stats import Figure as Share
from medijourney.network.models import Hospital

from .figures import Figure
from .filters import Filters


def _hospital_ids(f: Filters) -> list[int] | None:
    if not (f.hospital or f.destination):
        return None
    qs = Hospital.objects.all()
    if f.hospital:
        qs = qs.filter(public_id=f.hospital)
    if f.destination:
        qs = qs.filter(country_id=f.destination)
    return list(qs.values_list("pk", flat=True))


def _cell(share: Share) -> str:
    if not share.enough or share.share is None or share.low is None or share.high is None:
        return _("not enough data (n = %(n)s)") % {"n": share.n}
    return _("%(p).0f%% (%(k)s of %(n)s; 95%% CI %(lo).0f–%(hi).0f%%)") % {
        "p": share.share * 100,
        "k": share.k,
        "n": share.n,
        "lo": share.low * 100,
        "hi": share.high * 100,
    }


def outcomes(f: Filters) -> Figure:
    figures = outcome_figures(hospital_ids=_hospital_ids(f))
    names = dict(Hospital.objects.filter(pk__in={o.hospital_id for o in figures}).values_list("pk", "name"))
    rows: list[list[Any]] = [
        [
            names.get(o.hospital_id, "–") + (f" ({_('demo')})" if o.is_demo else ""),
            o.completion.n,
            o.group_label,
            _cell(o.completion),
            _cell(o.red_flag_30d),
        ]
        for o in figures
    ]
    return Figure(
        key="outcomes",
        title=_("Follow-up completion and red flags per hospital and procedure group"),
        columns=[
            _("Hospital"),
            _("Check-ins due"),
            _("Procedure group"),
            _("Follow-up completion (check-ins answered)"),
            _("Red flag within 30 days"),
        ],
        rows=rows,
        n=sum(o.completion.n for o in figures),
        notes=[
            _(
                "From aftercare's follow-ups so far (the date range does not apply; the hospital and destination "
                "filters do). Each share with its n and the 95%% Wilson interval; below n = %(min)s: not enough data."
            )
            % {"min": MIN_N},
        ],
    )
