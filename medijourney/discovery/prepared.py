"""Prepared ORM queries: a queryset is built and compiled to SQL ONCE per process (and database
connection alias) with sentinel values in place of its parameters; each call substitutes the real
values and runs the SQL directly. The query stays defined with the ORM (and with the network's own
selectors, such as ``hospitals_in_network``), but a search no longer pays the ORM's compile time
(a few milliseconds for the annotated candidate query) on every request.

Values come back in the queryset's ``values_list`` order and are normalised to the Python types
the ORM would give (Decimal, date, UUID, bool, JSON)."""

import datetime
import itertools
import json
import time
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX
from django.db.models import QuerySet

# Column kinds for conversion of raw database values.
DATE, UUID, BOOL, JSON, RAW = "date", "uuid", "bool", "json", "raw"
DECIMAL = "decimal:2"  # a DecimalField with 2 decimal places
DECIMAL1 = "decimal:1"


class Sentinel:
    """Stand-ins for parameters, distinct from anything a query holds as a constant."""

    def __init__(self) -> None:
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def integer(self) -> int:
        return -987_654_000 - self._next()

    def date(self) -> datetime.date:
        return datetime.date(1901, 1, 1) + datetime.timedelta(days=self._next())

    def text(self) -> str:
        return f"§{self._next()}§"


@lru_cache(maxsize=8192)
def _json(text: str) -> Any:
    """Parsed JSON, shared between rows with the same text: callers must not modify it."""
    return json.loads(text)


def _convert(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind.startswith("decimal:"):
        places = Decimal(1).scaleb(-int(kind[8:]))
        return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(places)
    if kind == DATE:
        return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])
    if kind == UUID:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    if kind == BOOL:
        return bool(value)
    if kind == JSON:
        return _json(value) if isinstance(value, str) else value
    return value


def convert_rows(rows: Sequence[tuple[Any, ...]], kinds: Sequence[str]) -> list[tuple[Any, ...]]:
    """Rows with each column converted to the Python type the ORM would give."""
    todo = [(i, kind) for i, kind in enumerate(kinds) if kind != RAW]
    out = []
    for row in rows:
        values = list(row)
        for i, kind in todo:
            values[i] = _convert(values[i], kind)
        out.append(tuple(values))
    return out


class PreparedQuery:
    """``build(**sentinels)`` returns a ``values_list`` queryset; ``run(**values)`` executes it.

    ``params`` names each parameter and gives a sentinel factory; ``kinds`` gives the conversion
    of each selected column (default RAW)."""

    def __init__(
        self,
        build: Callable[..., QuerySet[Any]],
        params: dict[str, Callable[[Sentinel], Any]],
        kinds: Sequence[str],
        *,
        server_prepare: bool = True,
    ) -> None:
        self.server_prepare = server_prepare  # False: PostgreSQL plans it afresh for its values
        self.build = build
        self.param_factories = params
        self.kinds = tuple(kinds)
        self._compiled: dict[str, tuple[str, list[tuple[str, Any]]]] = {}
        self._qmark: dict[str, str] = {}  # the SQL in SQLite's own placeholder style, per alias
        self._numbered: dict[str, bytes] = {}  # in PostgreSQL's own ($1, $2...), per alias
        maker = Sentinel()
        self._sentinels = {name: factory(maker) for name, factory in self.param_factories.items()}

    def _compile(self, alias: str) -> tuple[str, list[tuple[str, Any]]]:
        sentinels = self._sentinels
        qs = self.build(**sentinels)
        connection = connections[alias]
        sql, params = qs.query.get_compiler(using=alias).as_sql()
        adapted = {}
        for name, value in sentinels.items():
            if isinstance(value, datetime.date):
                adapted[name] = connection.ops.adapt_datefield_value(value)
            else:
                adapted[name] = value
        plan: list[tuple[str, Any]] = []
        for p in params:
            for name, value in adapted.items():
                if type(p) is type(value) and p == value:
                    plan.append(("param", name))
                    break
                if isinstance(p, str) and isinstance(value, str) and value in p:
                    plan.append(("pattern", (name, p)))
                    break
            else:
                plan.append(("const", p))
        missing = set(sentinels) - {n if kind == "param" else n[0] for kind, n in plan if kind != "const"}
        if missing:
            raise RuntimeError(f"prepared query: parameters not found in the SQL: {sorted(missing)}")
        return sql, plan

    def run(self, using: str = "default", /, **values: Any) -> list[tuple[Any, ...]]:
        """Execute and convert the rows to Python types."""
        return self.convert(self.run_raw(using, **values))

    def convert(self, rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        return convert_rows(rows, self.kinds)

    def run_raw(self, using: str = "default", /, **values: Any) -> list[tuple[Any, ...]]:
        """Execute and return the rows exactly as the database driver gave them."""
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        sql, plan = compiled
        connection = connections[using]
        params: list[Any] = []
        for kind, item in plan:
            if kind == "const":
                params.append(item)
            elif kind == "param":
                value = values[item]
                if isinstance(value, datetime.date):
                    value = connection.ops.adapt_datefield_value(value)
                params.append(value)
            else:
                name, pattern = item
                params.append(pattern.replace(str(self._sentinels[name]), str(values[name])))
        if (
            connection.vendor == "postgresql"
            and self.server_prepare
            and getattr(settings, "DISCOVERY_PG_PREPARED_STATEMENTS", True)
        ):
            numbered = self._numbered.get(using)
            if numbered is None:
                numbered = self._numbered[using] = _numbered_placeholders(sql)
            return _run_prepared_postgresql(connection, sql, numbered, params)
        if connection.vendor == "sqlite":
            qmark = self._qmark.get(using)
            if qmark is None:
                qmark = self._qmark[using] = _sqlite_qmark(sql)
            return _run_sqlite(connection, qmark, params)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]


def _numbered_placeholders(sql: str) -> bytes:
    """The SQL with PostgreSQL's own numbered placeholders, converted once. psycopg's ordinary
    cursor parses ``%s`` placeholders on every execution and keeps the result only for statements
    under 4,096 characters and 50 parameters, which the search's queries are not: about 0.1 ms a
    query. Django's SQL has ``%s`` for each parameter and ``%%`` for a literal percent sign."""
    numbers = itertools.count(1)
    return FORMAT_QMARK_REGEX.sub(lambda _m: f"${next(numbers)}", sql).replace("%%", "%").encode()


def _run_prepared_postgresql(connection: Any, sql: str, numbered: bytes, params: list[Any]) -> list[tuple[Any, ...]]:
    """PostgreSQL spends most of such a query's time planning it (about 1 ms, against 0.2 ms of
    execution). A server-side prepared statement is planned once per connection: psycopg's
    ``prepare=True`` on a server-side-binding cursor (its raw cursor, given ``numbered``, the SQL
    with ``$n`` placeholders). Django's own cursors bind on the client, so they cannot. The query
    is recorded like any other when queries are being logged (tests)."""
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django opens connections with prepared statements off; its own (client-binding) cursors
        # never prepare, so turning them on affects only these queries.
        raw.prepare_threshold = 5
    start = time.perf_counter()
    with psycopg.RawCursor(raw) as cursor:
        cursor.execute(numbered, params, prepare=True)
        rows = [tuple(row) for row in cursor.fetchall()]
    if connection.queries_logged:
        _record(connection, sql % tuple(repr(p) for p in params), start)
    return rows


def _record(connection: Any, sql: str, start: float) -> None:
    """Log a query run outside Django's cursors, as its cursors do when queries are logged (tests)."""
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.perf_counter() - start:.3f}"})


def _sqlite_qmark(sql: str) -> str:
    """The SQL with SQLite's ``?`` placeholders, converted once, as Django's SQLite cursor does it
    (its own expression) on every execution: about 0.1 ms for the candidate query's text, and the
    only thing that cursor adds for a query with positional parameters."""
    return FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")


def _run_sqlite(connection: Any, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """The converted SQL on the driver's own cursor."""
    connection.ensure_connection()
    start = time.perf_counter()
    with connection.wrap_database_errors:  # Django's exception classes, as from its own cursor
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, params)
            rows = [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()
    _record(connection, sql, start)
    return rows
