from typing import Any

from ninja import Schema

Cell = str | int | float | None


class InsightTableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    n: int
    notes: list[str]
    suppressed_rows: int


class InsightFigureOut(InsightTableOut):
    extra: dict[str, Any]
    tables: list[InsightTableOut]


class InsightListOut(Schema):
    figures: list[str]
