from typing import Any

from ninja import Schema

Cell = str | int | float | None


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    n: int
    notes: list[str]
    suppressed_rows: int


class FigureOut(TableOut):
    extra: dict[str, Any]
    tables: list[TableOut]


class FigureListOut(Schema):
    figures: list[str]
