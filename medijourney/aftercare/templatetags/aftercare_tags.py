"""``{% outcome_figure figure label %}``: a share with its n and Wilson 95 % interval, or "not
enough data yet (n = …)" — the one way an outcome figure is written on any page;
``{% outcome_median median label %}`` the same for a median (pain at day 30) with its n."""

from typing import Any

from django import template

from medijourney.aftercare.selectors import Median
from medijourney.aftercare.stats import Figure

register = template.Library()


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f} %"


@register.inclusion_tag("aftercare/partials/figure.html")
def outcome_figure(figure: Figure, label: Any) -> dict[str, Any]:
    return {
        "f": figure,
        "label": label,
        "share": _pct(figure.share),
        "low": _pct(figure.low),
        "high": _pct(figure.high),
    }


@register.inclusion_tag("aftercare/partials/median.html")
def outcome_median(median: Median, label: Any) -> dict[str, Any]:
    return {"m": median, "label": label, "value": "" if median.value is None else f"{median.value:g}"}
