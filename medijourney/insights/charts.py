"""Bar charts as SVG written by hand (no chart library, no dependency; plain string building,
each text escaped, because a dashboard draws twelve of them and the template engine took half
the page's time): presentation
attributes only, no ``<style>`` element and no script, so the image obeys the site's CSP even if
opened on its own, prints crisply and is a few kilobytes. Colours are from the Okabe-Ito
palette (distinguishable with the common colour-vision deficiencies); every bar carries its value
and n in text, so no reading depends on colour at all.

Two layouts: ``wide`` (labels left of the bars) and ``narrow`` for phones (each label above its
bar), chosen by the page with ``<picture>`` and a media query. The title is wrapped into lines
that fit the layout's width (never cut), and the chart moves down by the lines it takes."""

import base64
import textwrap
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext as _

from .figures import Bars, Figure

BAR_COLOUR = "#0072B2"  # Okabe-Ito blue
GRID_COLOUR = "#999999"
BAR_H = 18
TITLE_Y = 22  # the first title line's baseline
TITLE_LINE_H = 18
TITLE_GAP = 22  # from the last title line's baseline to the first bar row


@dataclass(frozen=True)
class Layout:
    width: int
    label_w: int  # room left of the bars for labels (0: labels above the bars)
    bar_w: int
    row_h: int
    max_label: int
    title_chars: int  # characters of the 14 px bold title per line (average glyph ~ 7.7 px)


WIDE = Layout(width=760, label_w=230, bar_w=380, row_h=26, max_label=34, title_chars=92)
NARROW = Layout(width=380, label_w=0, bar_w=250, row_h=40, max_label=44, title_chars=44)
LAYOUTS = {"wide": WIDE, "narrow": NARROW}


@dataclass(frozen=True)
class BarRow:
    label: str
    label_x: int
    label_y: int
    anchor: str
    bar_x: int
    bar_y: int
    width: float
    text: str
    text_x: float
    text_y: int


def _short(label: str, most: int) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def title_lines(title: str, layout: Layout) -> list[dict[str, int | str]]:
    """The title in lines that fit the layout's width, each with its baseline."""
    lines = textwrap.wrap(title, width=layout.title_chars, break_long_words=True) or [""]
    return [{"text": line, "y": TITLE_Y + i * TITLE_LINE_H} for i, line in enumerate(lines)]


def _row(layout: Layout, top0: int, i: int, label: str, value: float, text: str, scale: float) -> BarRow:
    width = round(layout.bar_w * min(max(value / scale, 0.0), 1.0), 1)
    top = top0 + i * layout.row_h
    bar_x = layout.label_w or 8
    bar_y = top + 1 if layout.label_w else top + 17
    return BarRow(
        label=_short(label, layout.max_label),
        label_x=layout.label_w - 8 if layout.label_w else 8,
        label_y=top + 14,
        anchor="end" if layout.label_w else "start",
        bar_x=bar_x,
        bar_y=bar_y,
        width=width,
        text=text,
        text_x=bar_x + width + 6,
        text_y=bar_y + 13,
    )


def chart_svg(figure: Figure, layout: Layout = WIDE) -> str:
    bars: Bars | None = figure.bars
    assert bars is not None
    title = title_lines(figure.title, layout)
    top = TITLE_Y + (len(title) - 1) * TITLE_LINE_H + TITLE_GAP
    rows = [
        _row(layout, top, i, label, value, text, bars.scale)
        for i, (label, value, text) in enumerate(zip(bars.labels, bars.values, bars.texts, strict=True))
    ]
    bottom = top + max(len(rows), 1) * layout.row_h
    x0 = layout.label_w or 8
    ticks = [{"x": x0 + layout.bar_w * i / 4, "text": _tick(bars.scale * i / 4, bars.scale)} for i in range(5)]
    width, height = layout.width, bottom + 56
    x1 = x0 + layout.bar_w
    # Centred under the bars when there is room on both sides; on a phone from the left edge, so a
    # long axis label is never cut at the image's left.
    axis_x, anchor = (x0 + layout.bar_w // 2, "middle") if layout.label_w else (x0, "start")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d" '
        f'font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, sans-serif" font-size="13">',
        f'<title id="t">{escape(figure.title)}</title>',
        f'<desc id="d">{escape(figure.alt)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        '<text font-size="14" font-weight="bold" fill="#000000">'
        + "".join(f'<tspan x="8" y="{line["y"]}">{escape(line["text"])}</tspan>' for line in title)
        + "</text>",
    ]
    for tick in ticks:
        x = f"{tick['x']:.1f}"
        out.append(
            f'<line x1="{x}" y1="{top - 8}" x2="{x}" y2="{bottom}" stroke="{GRID_COLOUR}" stroke-width="0.5" '
            'stroke-dasharray="3 3"/>'
        )
        out.append(
            f'<text x="{x}" y="{bottom + 16}" text-anchor="middle" fill="#333333" font-size="11">'
            f"{escape(tick['text'])}</text>"
        )
    for row in rows:
        out.append(
            f'<text x="{row.label_x}" y="{row.label_y}" text-anchor="{row.anchor}" fill="#000000">'
            f"{escape(row.label)}</text>"
        )
        out.append(
            f'<rect x="{row.bar_x}" y="{row.bar_y}" width="{row.width:.1f}" height="{BAR_H}" fill="{BAR_COLOUR}"/>'
        )
        out.append(f'<text x="{row.text_x:.1f}" y="{row.text_y}" fill="#000000">{escape(row.text)}</text>')
    if not rows:
        out.append(f'<text x="{x0}" y="{top + 20}" fill="#000000">{escape(_("No cases in this period."))}</text>')
    out.append(f'<line x1="{x0}" y1="{bottom}" x2="{x1}" y2="{bottom}" stroke="#000000" stroke-width="1"/>')
    out.append(f'<text x="{axis_x}" y="{bottom + 38}" text-anchor="{anchor}" fill="#000000">{escape(bars.axis)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _tick(value: float, scale: float) -> str:
    return f"{value * 100:.0f}%" if scale == 1.0 else f"{value:g}"


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def chart_images(figure: Figure) -> dict[str, str]:
    """The chart in both layouts as ``data:`` addresses for the page's ``<img>`` (the CSP allows
    ``img-src data:``): the same bytes as the chart's own address, without asking the server six
    more times for figures it has just counted."""
    if figure.bars is None or figure.n == 0:
        return {}
    return {"wide": data_uri(chart_svg(figure, WIDE)), "narrow": data_uri(chart_svg(figure, NARROW))}
