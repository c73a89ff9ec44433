"""The network's figures, each one or two aggregate queries over the filtered cases: nothing
here loads cases into Python, so the number of queries per figure does not grow with the data.
Every figure counts cases; none lists a patient."""

import datetime
import math
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Lower, Trim, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from medijourney.cases.models import FINAL_STAGES, Case, CaseEvent, EventKind, Stage
from medijourney.catalog.models import ReferencePrice
from medijourney.catalog.selectors import fx_convert
from medijourney.quotes.models import Quote, QuoteRequest, RequestStatus

from .figures import Bars, Figure, percent, share
from .filters import Filters, filtered_cases
from .outcomes import outcomes

DAY = datetime.timedelta(hours=24)
SAVINGS_CURRENCY = "EUR"
TOP_ROWS = 30


def _accepted(cases: QuerySet[Case]) -> QuerySet[QuoteRequest]:
    return QuoteRequest.objects.filter(status=RequestStatus.ACCEPTED, case__in=cases)


# --- Destination shares --------------------------------------------------------------------------


def destinations(f: Filters) -> Figure:
    """Cases with an accepted plan, by the accepted hospital's country (largest first)."""
    rows = list(
        _accepted(filtered_cases(f))
        .values("hospital__country_id", "hospital__country__name")
        .annotate(n=Count("case", distinct=True))
        .order_by("-n", "hospital__country__name")
    )
    total = sum(r["n"] for r in rows)
    table: list[list[Any]] = [
        [r["hospital__country__name"], r["n"], share(r["n"], total), r["hospital__country_id"]] for r in rows
    ]
    return Figure(
        key="destinations",
        title=_("Where patients go: cases with an accepted plan, by destination country"),
        columns=[_("Destination"), _("Cases"), _("Share"), _("Country code")],
        rows=table,
        n=total,
        shares=(2,),
        hidden_columns=(3,),
        bars=Bars(
            labels=[str(r[0]) for r in table],
            values=[float(r[2] or 0) for r in table],
            texts=[f"{percent(r[2])} (n={r[1]})" for r in table],
            axis=_("Share of cases with an accepted plan"),
        ),
    )


# --- The funnel ----------------------------------------------------------------------------------

FUNNEL_STEPS = [
    ("inquiries", _lazy("Inquiries")),
    ("answered", _lazy("First answer")),
    ("requested", _lazy("Quotes requested")),
    ("received", _lazy("Quotes received")),
    ("accepted", _lazy("Plan accepted")),
    ("travelled", _lazy("Travelled (admitted)")),
    ("home", _lazy("Returned home")),
    ("followed_up", _lazy("Follow-up complete")),
]


def _funnel_counts(cases: QuerySet[Case]) -> dict[str, int]:
    """One scan of the cases: each later step is a milestone column set by the service that makes
    it happen (cases' stage change, quotes' send, answer and acceptance)."""
    reached = {
        "inquiries": Count("pk"),
        "answered": Count("pk", filter=Q(first_responded_at__isnull=False)),
        "requested": Count("pk", filter=Q(quotes_requested_at__isnull=False)),
        "received": Count("pk", filter=Q(quote_received_at__isnull=False)),
        "accepted": Count("pk", filter=Q(plan_accepted_at__isnull=False)),
        "travelled": Count("pk", filter=Q(travelled_at__isnull=False)),
        "home": Count("pk", filter=Q(returned_home_at__isnull=False)),
        "followed_up": Count("pk", filter=Q(follow_up_done_at__isnull=False)),
    }
    return {key: int(value or 0) for key, value in cases.aggregate(**reached).items()}


def funnel(f: Filters) -> Figure:
    """Inquiries → … → follow-up complete (each step: cases that reached it), with the
    conversion from the step before, and where cancelled cases left (stage and reason)."""
    cases = filtered_cases(f)
    counts = _funnel_counts(cases)
    rows: list[list[Any]] = []
    previous: int | None = None
    for key, label in FUNNEL_STEPS:
        n = counts[key]
        rows.append([str(label), n, share(n, previous) if previous is not None else None, key])
        previous = n
    total = counts["inquiries"] or 0
    figure = Figure(
        key="funnel",
        title=_("The patient funnel: cases received in the period that reached each step"),
        columns=[_("Step"), _("Cases"), _("Conversion from the step before"), _("Step id")],
        rows=rows,
        n=total,
        shares=(2,),
        hidden_columns=(3,),
        bars=Bars(
            labels=[str(r[0]) for r in rows],
            values=[float(share(r[1], total) or 0) for r in rows],
            texts=[f"{r[1]} ({percent(share(r[1], total))})" for r in rows],
            axis=_("Share of inquiries that reached the step"),
        ),
    )
    figure.tables.append(dropouts(cases, total))
    return figure


def dropouts(cases: QuerySet[Case], total: int) -> Figure:
    """Cancelled cases by the stage they left and the reason written (grouped as written)."""
    rows = list(
        # Cancelled is final: only cancelled cases' timelines are read (the stage index finds them).
        CaseEvent.objects.filter(
            case__in=cases.filter(stage=Stage.CANCELLED), kind=EventKind.STAGE_CHANGED, data__to=Stage.CANCELLED
        )
        .annotate(
            left=KT("data__from"), why=Lower(Trim(Coalesce(KT("data__reason"), Value(""), output_field=TextField())))
        )
        .values("left", "why")
        .annotate(n=Count("case", distinct=True))
        .order_by("-n", "left", "why")[:TOP_ROWS]
    )
    labels = dict(Stage.choices)
    table: list[list[Any]] = [
        [str(labels.get(r["left"], r["left"])), r["n"], r["why"] or _("no reason given"), share(r["n"], total)]
        for r in rows
    ]
    return Figure(
        key="dropouts",
        title=_("Where cases drop out: cancelled, by the stage they left and the reason given"),
        columns=[_("Left at"), _("Cases"), _("Reason"), _("Share of inquiries")],
        rows=table,
        n=sum(r[1] for r in table),
        shares=(3,),
    )


# --- First response ------------------------------------------------------------------------------


def _response_time() -> ExpressionWrapper:
    return ExpressionWrapper(F("first_responded_at") - F("created_at"), output_field=DurationField())


class _PercentileDisc(Aggregate):
    """PostgreSQL's nearest-rank percentile (``percentile_disc``), the same definition as the
    ordered fetch below that SQLite uses."""

    function = "percentile_disc"
    template = "%(function)s(%(percent)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _percentiles(answered: QuerySet[Case], n: int) -> tuple[datetime.timedelta | None, datetime.timedelta | None]:
    """Median and 90th percentile of the time to the first answer: one aggregate on
    PostgreSQL, two single-row fetches in SQL order elsewhere."""
    if n == 0:
        return None, None
    if connection.vendor == "postgresql":
        got = answered.aggregate(
            p50=_PercentileDisc(_response_time(), percent=0.5), p90=_PercentileDisc(_response_time(), percent=0.9)
        )
        return got["p50"], got["p90"]
    return _percentile(answered, n, 0.5), _percentile(answered, n, 0.9)


def _percentile(answered: QuerySet[Case], n: int, p: float) -> datetime.timedelta | None:
    """Nearest-rank percentile of the response time: one row fetched, in SQL order."""
    rank = max(0, min(n - 1, math.ceil(p * n) - 1))
    value = answered.annotate(t=_response_time()).order_by("t").values_list("t", flat=True)[rank]
    return value if isinstance(value, datetime.timedelta) else datetime.timedelta(microseconds=int(value))


def hours(value: datetime.timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 1)


def response(f: Filters) -> Figure:
    """Per week: inquiries, share answered within 24 h, breaches of the first-response clock;
    over the period: median and 90th percentile of the time to the first answer."""
    now = timezone.now()
    cases = filtered_cases(f)
    within = Q(first_responded_at__lte=F("created_at") + DAY)
    breach = Q(first_responded_at__gt=F("first_response_due_at")) | Q(
        first_responded_at__isnull=True, first_response_due_at__lt=now
    )
    weeks = list(
        cases.annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(
            n=Count("pk"),
            within=Count("pk", filter=within),
            breaches=Count("pk", filter=breach),
            answered=Count("pk", filter=Q(first_responded_at__isnull=False)),
        )
        .order_by("week")
    )
    n = sum(w["n"] for w in weeks)
    n_answered = sum(w["answered"] for w in weeks)
    median, p90 = _percentiles(cases.filter(first_responded_at__isnull=False), n_answered)
    rows: list[list[Any]] = [[_week_label(w["week"]), w["n"], share(w["within"], w["n"]), w["breaches"]] for w in weeks]
    n_within = sum(w["within"] for w in weeks)
    return Figure(
        key="response",
        title=_("First response: share of inquiries answered within 24 hours, per week"),
        columns=[_("Week of"), _("Inquiries"), _("Answered within 24 h"), _("Clock breaches")],
        rows=rows,
        n=n,
        shares=(2,),
        bars=Bars(
            labels=[str(r[0]) for r in rows],
            values=[float(r[2] or 0) for r in rows],
            texts=[f"{percent(r[2])} (n={r[1]})" for r in rows],
            axis=_("Share answered within 24 hours"),
        ),
        extra={
            "within_24h": n_within,
            "share_within_24h": share(n_within, n),
            "answered": n_answered,
            "median_hours": hours(median),
            "p90_hours": hours(p90),
            "breaches": sum(w["breaches"] for w in weeks),
        },
    )


def _week_label(week: Any) -> str:
    day = week.date() if isinstance(week, datetime.datetime) else week
    return day.isoformat() if isinstance(day, datetime.date) else str(day)


def turnaround(f: Filters) -> Figure:
    """Quote requests per hospital: sent, answered, answered by the deadline, mean hours to answer."""
    taken = ExpressionWrapper(F("responded_at") - F("sent_at"), output_field=DurationField())
    rows = list(
        QuoteRequest.objects.filter(case__in=filtered_cases(f))
        .values("hospital__name")
        .annotate(
            sent=Count("pk"),
            answered=Count("pk", filter=Q(responded_at__isnull=False)),
            on_time=Count("pk", filter=Q(responded_at__lte=F("respond_by"))),
            mean=Avg(taken, filter=Q(responded_at__isnull=False)),
        )
        .order_by("-sent", "hospital__name")[:TOP_ROWS]
    )
    table: list[list[Any]] = [
        [r["hospital__name"], r["sent"], r["answered"], share(r["on_time"], r["sent"]), hours(_duration(r["mean"]))]
        for r in rows
    ]
    return Figure(
        key="turnaround",
        title=_("Quote turnaround per hospital"),
        columns=[_("Hospital"), _("Requests"), _("Answered"), _("Answered by the deadline"), _("Mean hours to answer")],
        rows=table,
        n=sum(r[1] for r in table),
        shares=(3,),
        bars=Bars(
            labels=[str(r[0]) for r in table],
            values=[float(r[3] or 0) for r in table],
            texts=[f"{percent(r[3])} (n={r[1]})" for r in table],
            axis=_("Share of requests answered by the deadline"),
        ),
    )


def _duration(value: Any) -> datetime.timedelta | None:
    if value is None or isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(microseconds=float(value))


# --- Savings delivered ---------------------------------------------------------------------------


def _reference_value() -> Coalesce:
    return Coalesce("price", (F("price_low") + F("price_high")) / 2)


def _lowest_references(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], tuple[Decimal, str]]:
    """The lowest published figure per (procedure, country) among ``pairs``: reference data (a
    few rows per pair), read in one query."""
    if not pairs:
        return {}
    rows = (
        ReferencePrice.objects.filter(procedure_id__in={p for p, _c in pairs}, country_id__in={c for _p, c in pairs})
        .filter(Q(price__isnull=False) | Q(price_low__isnull=False, price_high__isnull=False))
        .annotate(value=_reference_value())
        .values_list("procedure_id", "country_id", "value", "currency")
    )
    out: dict[tuple[int, str], tuple[Decimal, str]] = {}
    for procedure_id, country_id, value, currency in rows:
        key = (procedure_id, country_id)
        if key in pairs and (key not in out or value < out[key][0]):
            out[key] = (Decimal(value), currency)
    return out


def _savings_groups(f: Filters) -> tuple[list[dict[str, Any]], int]:
    """Accepted quotes summed in SQL per (procedure, patient's country, currency), matched with the
    home reference and summed again per currency pair. Returns the pairs and the count without one."""
    groups = list(
        Quote.objects.filter(request__status=RequestStatus.ACCEPTED, request__case__in=filtered_cases(f))
        .values("procedure_id", "currency", origin=F("request__case__country_of_residence"))
        .annotate(n=Count("pk"), quoted=Sum("total"))
        .order_by()
    )
    refs = _lowest_references({(g["procedure_id"], str(g["origin"])) for g in groups})
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    without = 0
    for g in groups:
        ref = refs.get((g["procedure_id"], str(g["origin"])))
        if ref is None:
            without += g["n"]
            continue
        pair = pairs.setdefault(
            (g["currency"], ref[1]),
            {"currency": g["currency"], "ref_ccy": ref[1], "n": 0, "quoted": Decimal(0), "home": Decimal(0)},
        )
        pair["n"] += g["n"]
        pair["quoted"] += Decimal(g["quoted"])
        pair["home"] += ref[0] * g["n"]
    return list(pairs.values()), without


def savings(f: Filters) -> Figure:
    """Accepted quotes' totals against the home reference price, summed in SQL and converted to
    EUR with the ECB rate of the day per currency pair (a handful of rows, not cases)."""
    pairs, without = _savings_groups(f)
    totals = _convert_groups(pairs)
    with_ref = totals["n"]
    saved = totals["home"] - totals["quoted"]
    rows: list[list[Any]] = [
        [_("Accepted plans with a home reference price"), with_ref],
        [_("Accepted plans without one (left out)"), without],
        [_("Left out: no ECB rate for a currency"), totals["unconverted"]],
    ]
    return Figure(
        key="savings",
        title=_("Savings delivered: accepted quotes against the patient's home-country price"),
        columns=[_("What"), _("Cases")],
        rows=rows,
        n=with_ref + without + totals["unconverted"],
        notes=[
            _(
                "Treatment price quoted against the lowest published reference price for the same procedure "
                "in the patient's country of residence (catalogue, with its source and year). Travel is not "
                "included: the trip estimate is not stored with the quote."
            ),
            _("Converted to %(ccy)s with the European Central Bank's rate of %(day)s.")
            % {"ccy": SAVINGS_CURRENCY, "day": totals["rate_date"] or "–"},
        ],
        extra={
            "currency": SAVINGS_CURRENCY,
            "cases_with_reference": with_ref,
            "cases_without_reference": without,
            "quoted_total": str(totals["quoted"]),
            "home_total": str(totals["home"]),
            "saved_total": str(saved),
            "saved_mean": str((saved / with_ref).quantize(Decimal("0.01"))) if with_ref else None,
            "rate_date": totals["rate_date"],
        },
    )


def _convert_groups(groups: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"n": 0, "quoted": Decimal(0), "home": Decimal(0), "unconverted": 0, "rate_date": None}
    for g in groups:
        quoted = fx_convert(Decimal(g["quoted"]), g["currency"], SAVINGS_CURRENCY)
        home = fx_convert(Decimal(g["home"]), g["ref_ccy"], SAVINGS_CURRENCY)
        if quoted is None or home is None:
            out["unconverted"] += g["n"]
            continue
        out["n"] += g["n"]
        out["quoted"] += quoted[0]
        out["home"] += home[0]
        dates = [d for d in (out["rate_date"], quoted[1], home[1]) if d]
        out["rate_date"] = min(dates).isoformat() if dates else None
    return out


# --- Workload ------------------------------------------------------------------------------------


def workload(f: Filters) -> Figure:
    """Open cases now (the range does not apply) per case manager and per language."""
    # COUNT(*) over the open cases: the partial indexes on the open cases' manager and language
    # answer both counts without reading the table.
    open_cases = filtered_cases(f, dated=False).exclude(stage__in=FINAL_STAGES)
    people = list(
        open_cases.values("assigned_to__full_name", "assigned_to__email")
        .annotate(n=Count("*"))
        .order_by("-n", "assigned_to__full_name")[:TOP_ROWS]
    )
    table: list[list[Any]] = [
        [r["assigned_to__full_name"] or r["assigned_to__email"] or _("not assigned"), r["n"]] for r in people
    ]
    by_language = list(
        open_cases.values("preferred_language").annotate(n=Count("*")).order_by("-n", "preferred_language")
    )
    top = max((r[1] for r in table), default=0)
    figure = Figure(
        key="workload",
        title=_("Workload: open cases per case manager (now)"),
        columns=[_("Case manager"), _("Open cases")],
        rows=table,
        n=sum(r["n"] for r in by_language),
        notes=[_("Open cases today, whatever the date range; the other filters apply.")],
        bars=Bars(
            labels=[str(r[0]) for r in table],
            values=[float(r[1]) for r in table],
            texts=[str(r[1]) for r in table],
            axis=_("Open cases"),
            scale=float(top or 1),
        ),
    )
    figure.tables.append(
        Figure(
            key="workload_language",
            title=_("Open cases per patient's language"),
            columns=[_("Language"), _("Open cases")],
            rows=[[r["preferred_language"], r["n"]] for r in by_language],
            n=figure.n,
        )
    )
    return figure


FIGURES: dict[str, Callable[[Filters], Figure]] = {
    "destinations": destinations,
    "funnel": funnel,
    "response": response,
    "turnaround": turnaround,
    "savings": savings,
    "workload": workload,
    "outcomes": outcomes,
}


def table_for(key: str, f: Filters) -> Figure | None:
    """A figure's table by key, including the second tables (drop-outs, workload by language)."""
    if key in FIGURES:
        return FIGURES[key](f)
    parents = {"dropouts": "funnel", "workload_language": "workload"}
    if key in parents:
        return next(t for t in FIGURES[parents[key]](f).tables if t.key == key)
    return None


TABLE_KEYS = (*FIGURES, "dropouts", "workload_language")
