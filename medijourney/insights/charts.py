"""Bar charts as SVG built from a template (no chart library, no dependency): presentation
attributes only, no ``<style>`` element and no script, so the image obeys the site's CSP even if
opened on its own, prints crisply and is a few kilobytes. Colours are from the Okabe-Ito
palette (distinguishable with the common colour-vision deficiencies); every bar carries its value
and n in text, so no reading depends on colour at all."""

from dataclasses import dataclass

from django.template.loader import render_to_string

from .figures import Bars, Figure

BAR_COLOUR = "#0072B2"  # Okabe-Ito blue
GRID_COLOUR = "#999999"
WIDTH = 760
LABEL_W = 230
BAR_W = 380
ROW_H = 26
TOP = 44
MAX_LABEL = 34


@dataclass(frozen=True)
class BarRow:
    label: str
    y: int
    width: float
    text: str
    text_x: float


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def chart_svg(figure: Figure) -> str:
    bars: Bars | None = figure.bars
    assert bars is not None
    rows = [
        BarRow(
            label=_short(label),
            y=TOP + i * ROW_H,
            width=round(BAR_W * min(max(value / bars.scale, 0.0), 1.0), 1),
            text=text,
            text_x=LABEL_W + round(BAR_W * min(max(value / bars.scale, 0.0), 1.0), 1) + 6,
        )
        for i, (label, value, text) in enumerate(zip(bars.labels, bars.values, bars.texts, strict=True))
    ]
    bottom = TOP + max(len(rows), 1) * ROW_H
    ticks = [{"x": LABEL_W + BAR_W * i / 4, "text": _tick(bars.scale * i / 4, bars.scale)} for i in range(5)]
    return render_to_string(
        "insights/chart.svg",
        {
            "figure": figure,
            "bars": bars,
            "rows": rows,
            "ticks": ticks,
            "width": WIDTH,
            "height": bottom + 56,
            "bottom": bottom,
            "label_w": LABEL_W,
            "bar_w": BAR_W,
            "bar_h": ROW_H - 8,
            "colour": BAR_COLOUR,
            "grid": GRID_COLOUR,
            "summary": text_alternative(figure),
        },
    )


def _tick(value: float, scale: float) -> str:
    return f"{value * 100:.0f}%" if scale == 1.0 else f"{value:.0f}"


def text_alternative(figure: Figure) -> str:
    return figure.alt
