"""What a figure is once computed: a table (columns and rows of plain values) with its n, the
notes that must stand beside it and, where people would rather look than read, a bar chart."""

from dataclasses import dataclass, field
from typing import Any

SMALL_CELL = 5  # counts below this are suppressed in CSVs and public views
Cell = str | int | float | None


@dataclass(frozen=True)
class Bars:
    """A horizontal bar chart: one bar per label, ``values`` on a 0..``scale`` axis."""

    labels: list[str]
    values: list[float]
    texts: list[str]  # written at the end of each bar (share and n)
    axis: str  # the value axis label
    scale: float = 1.0


@dataclass
class Figure:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    n: int  # cases the figure counts
    notes: list[str] = field(default_factory=list)
    count_column: int | None = 1  # the row's n: a row counting fewer than 5 is suppressed
    bars: Bars | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # figure-specific values for the page and JSON
    tables: list["Figure"] = field(default_factory=list)  # a second table (drop-outs, per hospital)
    shares: tuple[int, ...] = ()  # columns holding a share (0..1), written as a percentage
    hidden_columns: tuple[int, ...] = ()  # ids kept for CSV and JSON, not shown in the page's table

    @property
    def empty(self) -> bool:
        return self.n == 0

    @property
    def headings(self) -> list[str]:
        return [c for i, c in enumerate(self.columns) if i not in self.hidden_columns]

    @property
    def alt(self) -> str:
        """What the chart says, in words (the image's alt text and the SVG's description)."""
        bars = self.bars
        if bars is None or not bars.labels:
            return f"{self.title}: no cases in this period."
        parts = [f"{label}: {text}" for label, text in zip(bars.labels[:8], bars.texts[:8], strict=True)]
        more = f"; and {len(bars.labels) - 8} more in the table" if len(bars.labels) > 8 else ""
        return f"{self.title}. {bars.axis}. " + "; ".join(parts) + more + "."

    def display(self) -> list[list[str]]:
        """The rows as the page's table writes them."""
        return [
            [
                percent(cell) if i in self.shares and isinstance(cell, float) else ("–" if cell is None else str(cell))
                for i, cell in enumerate(row)
                if i not in self.hidden_columns
            ]
            for row in self.rows
        ]


def suppressed_rows(figure: Figure) -> tuple[list[list[Cell]], int]:
    """The rows with every number of a small row (1-4 cases) replaced by "<5" (its share too,
    which would give the count away). Returns the rows and how many were suppressed."""
    if figure.count_column is None:
        return figure.rows, 0
    out: list[list[Cell]] = []
    hidden = 0
    for row in figure.rows:
        count = row[figure.count_column]
        if isinstance(count, int) and 0 < count < SMALL_CELL:
            hidden += 1
            out.append([cell if i == 0 else "<5" for i, cell in enumerate(row)])
        else:
            out.append(row)
    return out, hidden


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"
