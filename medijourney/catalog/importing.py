"""The reference-data import machinery shared by catalog and network.

* Importers register here (``register``) with their input files; ``import_reference_data`` runs
  them in order. An importer whose inputs (and version) have the same SHA-256 as its last
  successful run is skipped, so a second ``make run`` costs a few milliseconds per dataset.
* Every importer parses and checks its whole file before writing: a malformed file (not UTF-8
  text, not CSV, wrong header) raises ``MalformedFileError`` and nothing changes. A bad row is
  recorded with file and line and skipped.
* ``sync_rows`` writes with bulk operations in batches, each batch in its own transaction, and
  counts created / updated / unchanged rows; re-running with the same data changes nothing.
"""

import csv
import hashlib
import io
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO, cast

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone
from tqdm import tqdm

from .models import ImportRun

DATA_DIR: Path = Path(settings.BASE_DIR) / "medijourney" / "data"
BATCH_SIZE = 2000
MAX_PROBLEMS_KEPT = 200


class MalformedFileError(Exception):
    """The file cannot be imported at all (not UTF-8 CSV, wrong header, broken JSON)."""


class SourceMissingError(Exception):
    """An optional input file does not exist (yet)."""


@dataclass
class ImportStats:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def bad_row(self, path: Path | str, line: int, reason: str) -> None:
        """A row that cannot be imported: reported with file and line, and skipped."""
        self.skipped += 1
        self.problems.append(f"{Path(path).name}:{line}: {reason}")

    def warn(self, path: Path | str, line: int, reason: str) -> None:
        """A row imported with a remark (nothing skipped)."""
        self.problems.append(f"{Path(path).name}:{line}: {reason}")

    def add(self, other: "ImportStats") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.removed += other.removed
        self.problems.extend(other.problems)
        self.notes.extend(other.notes)

    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, skipped {self.skipped}" + (
            f", removed {self.removed}" if self.removed else ""
        )


@dataclass(frozen=True)
class Importer:
    name: str
    order: int
    description: str
    inputs: Callable[[], Sequence[Path | str]]
    run: Callable[["ImportContext"], ImportStats]
    version: str = "1"
    optional_inputs: Callable[[], Sequence[Path]] = lambda: ()


@dataclass
class ImportContext:
    importer: Importer
    progress: bool = False
    err: TextIO = sys.stderr

    def bar(self, total: int, desc: str) -> Any:
        return tqdm(total=total, desc=desc, unit="row", file=self.err, disable=not self.progress, leave=False)


_REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    _REGISTRY[importer.name] = importer
    return importer


def registered_importers() -> list[Importer]:
    return sorted(_REGISTRY.values(), key=lambda i: (i.order, i.name))


# --- Reading files ------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceMissingError(f"{path}: file not found") from None
    if b"\x00" in raw[:4096]:
        raise MalformedFileError(f"{path}: this is a binary file, not CSV text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def read_csv(path: Path, expected_header: Sequence[str], *, exact: bool = True) -> list[tuple[int, dict[str, str]]]:
    """Read a whole CSV file into (line number, row) pairs after checking its header.

    ``exact``: the header must equal ``expected_header``; otherwise it must contain those columns.
    Rows with the wrong number of fields are returned with a ``None`` marker under the key
    ``"__bad__"`` so the importer can report them by line."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise MalformedFileError(f"{path}: the file is empty; expected a header row") from None
    except csv.Error as exc:
        raise MalformedFileError(f"{path}: not valid CSV ({exc})") from None
    header = [h.strip() for h in header]
    expected = list(expected_header)
    if (exact and header != expected) or (not exact and not set(expected) <= set(header)):
        raise MalformedFileError(
            f"{path}: unexpected header. Expected columns: {', '.join(expected)}. Found: {', '.join(header)[:300]}"
        )
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        line = reader.line_num
        for values in reader:
            start = line + 1
            line = reader.line_num
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) != len(header):
                rows.append((start, {"__bad__": f"expected {len(header)} fields, found {len(values)}"}))
                continue
            rows.append((start, dict(zip(header, values, strict=True))))
    except csv.Error as exc:
        raise MalformedFileError(f"{path}: not valid CSV near line {reader.line_num} ({exc})") from None
    return rows


def parse_decimal(value: str) -> Decimal | None:
    value = (value or "").strip().replace(",", "")
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a number: {value!r}")
    return number


def checksum(importer: Importer) -> str:
    digest = hashlib.sha256(f"{importer.name}:{importer.version}".encode())
    for item in importer.inputs():
        if isinstance(item, Path):
            digest.update(item.name.encode())
            digest.update(item.read_bytes() if item.exists() else b"<missing>")
        else:
            digest.update(str(item).encode())
    return digest.hexdigest()


# --- Writing rows ---------------------------------------------------------------------------------


def _normaliser(model: type[models.Model], name: str) -> Callable[[Any], Any]:
    f = model._meta.get_field(name)  # accepts attnames such as "country_id"
    if isinstance(f, models.DecimalField):
        quantum = Decimal(1).scaleb(-f.decimal_places)

        def decimal_norm(v: Any) -> Any:
            return None if v is None else Decimal(v).quantize(quantum)

        return decimal_norm
    if isinstance(f, models.FloatField):
        return lambda v: None if v is None else round(float(v), 9)
    return lambda v: v


def _update_rows(model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """UPDATE … WHERE pk = %s with executemany: the same effect as ``bulk_update`` without its
    per-row CASE expressions, which cost seconds for a few thousand rows."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in fields]
    pk = model._meta.pk
    assert pk is not None and pk.column is not None and all(c.column for c in columns)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET "  # noqa: S608  # nosec B608 - identifiers from model metadata
        + ", ".join(f"{quote(str(c.column))} = %s" for c in columns)
        + f" WHERE {quote(pk.column)} = %s"
    )
    params = [
        [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns]
        + [pk.get_db_prep_save(obj.pk, connection)]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


Normaliser = Callable[[Any], Any]


@dataclass
class _SyncPlan:
    to_create: list[models.Model] = field(default_factory=list)
    to_update: list[models.Model] = field(default_factory=list)
    stale: list[Any] = field(default_factory=list)
    pk_by_key: dict[tuple[Any, ...], int] = field(default_factory=dict)


def _current_rows(
    qs: models.QuerySet[Any], key: Sequence[str], fields: Sequence[str], norms: dict[str, Normaliser]
) -> dict[tuple[Any, ...], tuple[Any, dict[str, Any]]]:
    """The database rows by key: (pk, normalised field values)."""
    current: dict[tuple[Any, ...], tuple[Any, dict[str, Any]]] = {}
    for values in qs.values("pk", *key, *fields).iterator(chunk_size=5000):
        k = tuple(norms[n](values[n]) for n in key)
        current[k] = (values["pk"], {n: norms[n](values[n]) for n in fields})
    return current


def _sync_plan(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    current: dict[tuple[Any, ...], tuple[Any, dict[str, Any]]],
    *,
    key: Sequence[str],
    fields: Sequence[str],
    norms: dict[str, Normaliser],
    prune: bool,
    stats: ImportStats,
) -> _SyncPlan:
    """Which rows to create, update and (with ``prune``) delete; unchanged rows are counted."""
    plan = _SyncPlan()
    seen: set[tuple[Any, ...]] = set()
    for row in rows:
        k = tuple(norms[n](row[n]) for n in key)
        if k in seen:
            continue  # the caller reports duplicates; first one wins
        seen.add(k)
        if k not in current:
            plan.to_create.append(model(**row))
            continue
        pk, old = current[k]
        plan.pk_by_key[k] = pk
        if any(norms[n](row.get(n)) != old.get(n) for n in fields if n in row):
            plan.to_update.append(model(pk=pk, **row))
        else:
            stats.unchanged += 1
    if prune:
        plan.stale = [pk for k, (pk, _old) in current.items() if k not in seen]
    return plan


def _sync_write(
    model: type[models.Model],
    plan: _SyncPlan,
    *,
    fields: Sequence[str],
    stats: ImportStats,
    ctx: ImportContext | None,
    batch_size: int,
    desc: str,
) -> None:
    """Apply the plan in batches, one transaction each, advancing the progress bar."""
    total = len(plan.to_create) + len(plan.to_update) + len(plan.stale)
    bar = ctx.bar(total, desc or str(model._meta.verbose_name_plural)) if ctx else None

    def advance(n: int) -> None:
        if bar:
            bar.update(n)

    for batch in _batches(plan.to_create, batch_size):
        with transaction.atomic():
            model._default_manager.bulk_create(batch, batch_size=batch_size)
        stats.created += len(batch)
        advance(len(batch))
    for batch in _batches(plan.to_update, batch_size):
        with transaction.atomic():
            _update_rows(model, batch, fields)
        stats.updated += len(batch)
        advance(len(batch))
    for batch in _batches(plan.stale, batch_size):
        with transaction.atomic():
            model._default_manager.filter(pk__in=list(batch)).delete()
        stats.removed += len(batch)
        advance(len(batch))
    if bar:
        bar.close()


def _created_pks(qs: models.QuerySet[Any], plan: _SyncPlan, key: Sequence[str], norms: dict[str, Normaliser]) -> None:
    """Add the created rows' primary keys to ``plan.pk_by_key``."""
    # bulk_create sets pks on PostgreSQL and SQLite ≥ 3.35; look them up if it did not.
    if any(o.pk is None for o in plan.to_create):
        for values in qs.model._default_manager.values("pk", *key).iterator(chunk_size=5000):
            plan.pk_by_key.setdefault(tuple(norms[n](values[n]) for n in key), values["pk"])
    for obj in plan.to_create:
        if obj.pk is not None:
            plan.pk_by_key[tuple(norms[n](getattr(obj, n)) for n in key)] = obj.pk


def sync_rows(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    key: Sequence[str],
    stats: ImportStats,
    ctx: ImportContext | None = None,
    existing: models.QuerySet[Any] | None = None,
    prune: bool = False,
    batch_size: int = BATCH_SIZE,
    desc: str = "",
) -> dict[tuple[Any, ...], int]:
    """Create or update ``rows`` (dicts of field attnames) keyed by ``key``; count the outcome.

    ``existing`` limits which database rows are compared (and, with ``prune``, deleted when not in
    ``rows``). Returns the primary key of every row by its key, for callers that link children."""
    rows = list(rows)
    fields = sorted({f for r in rows for f in r} - set(key)) if rows else []
    norms = {name: _normaliser(model, name) for name in [*key, *fields]}
    qs = existing if existing is not None else model._default_manager.all()
    current = _current_rows(qs, key, fields, norms)
    plan = _sync_plan(model, rows, current, key=key, fields=fields, norms=norms, prune=prune, stats=stats)
    _sync_write(model, plan, fields=fields, stats=stats, ctx=ctx, batch_size=batch_size, desc=desc)
    if plan.to_create:
        _created_pks(qs, plan, key, norms)
    return plan.pk_by_key


# --- Running --------------------------------------------------------------------------------------


@dataclass
class RunOutcome:
    name: str
    status: str  # "imported", "unchanged", "missing", "failed"
    stats: ImportStats | None
    seconds: float
    message: str = ""


def last_success(name: str) -> ImportRun | None:
    return ImportRun.objects.filter(dataset=name, status=ImportRun.Status.OK).order_by("-started_at", "-id").first()


def run_importer(
    importer: Importer, *, force: bool = False, progress: bool = False, err: TextIO = sys.stderr
) -> RunOutcome:
    started = timezone.now()
    for path in importer.optional_inputs():
        if not path.exists():
            return RunOutcome(importer.name, "missing", None, 0.0, f"{path} does not exist yet; skipped")
    digest = checksum(importer)
    previous = last_success(importer.name)
    if previous is not None and previous.checksum == digest and not force:
        return RunOutcome(importer.name, "unchanged", None, 0.0, "inputs unchanged since the last import")
    run = ImportRun.objects.create(
        dataset=importer.name,
        checksum=digest,
        started_at=started,
        sources=[str(p.relative_to(settings.BASE_DIR)) if isinstance(p, Path) and p.is_absolute() and
                 p.is_relative_to(settings.BASE_DIR) else str(p) for p in importer.inputs()],
    )  # fmt: skip
    try:
        stats = importer.run(ImportContext(importer=importer, progress=progress, err=err))
    except (MalformedFileError, SourceMissingError) as exc:
        run.status = ImportRun.Status.FAILED
        run.message = str(exc)
        run.finished_at = timezone.now()
        run.save()
        return RunOutcome(importer.name, "failed", None, (run.finished_at - started).total_seconds(), str(exc))
    run.status = ImportRun.Status.OK
    run.finished_at = timezone.now()
    for name in ("created", "updated", "unchanged", "skipped", "removed"):
        setattr(run, name, getattr(stats, name))
    run.problems = stats.problems[:MAX_PROBLEMS_KEPT]
    run.message = "; ".join(stats.notes)
    run.save()
    return RunOutcome(importer.name, "imported", stats, (run.finished_at - started).total_seconds())
