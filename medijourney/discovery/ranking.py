"""The ranking: a weighted sum of four terms, each normalised over the results of the search,
explained term by term. Nothing a hospital pays for exists anywhere in it (there is no such field).

    score = Σ weight_t × value_t          (weights are the patient's, divided by their sum)

Terms and their raw figures:

* cost — the trip total in the patient's currency (lower is better). Like is compared with like:
  an offer whose price leaves out an item the procedure needs (the implant of a joint
  replacement, the stent of an angioplasty …, ``catalog.needed``) has no comparable total, so its
  cost figure is unknown and scores 0, and the cost term is normalised over the whole prices
  only. Such an offer cannot win on cost by leaving out the implant; at an equal score it comes
  after every whole price;
* wait — the offer's waiting time in days (lower is better);
* travel — the estimated one-way flight hours (lower is better);
* quality — honest signals, the mean of: accreditation (current accreditations from admitted
  bodies: one = 0.5, two or more = 1), verified doctors (doctors of the procedure's specialty with a
  verified, current licence: 1/3 each, at most 1) and, when the patient names a language, whether the
  hospital or one of its doctors speaks it (1 or 0). No outcome rate is used: none exists yet.

Normalisation over the results: for a lower-is-better term, value = 1 − x ÷ (largest x among the
results); for quality, value = x ÷ (largest x among the results). When every result has the same
figure, every value is 1. An unknown figure scores 0. Ties break by the trip total (lower first),
then the hospital's name, then the offer's public id, so the order never depends on the database."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.text import get_text_list
from django.utils.translation import ngettext

from medijourney.core.i18n import gettext as _

from .estimate import Candidate, TripEstimate, TripTotals, money
from .params import TERM_LABELS, TERM_NAMES, Weights

LOWER_IS_BETTER = ("cost", "wait", "travel")
ACCREDITATION_FULL = 2  # two or more admitted bodies count fully
DOCTORS_FULL = 3  # three or more verified doctors of the specialty count fully


@dataclass(frozen=True)
class Term:
    name: str
    label: str
    weight: float  # effective weight (the weights add up to 1)
    raw: float | None  # the figure before normalisation (None = unknown)
    value: float  # normalised, 0–1
    explanation: str = ""

    @property
    def contribution(self) -> float:
        return self.weight * self.value


@dataclass(frozen=True)
class Score:
    total: float
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class QualitySignals:
    bodies: int
    verified_doctors: int
    language_match: bool | None  # None when the patient named no language

    @property
    def score(self) -> float:
        parts = [
            min(self.bodies, ACCREDITATION_FULL) / ACCREDITATION_FULL,
            min(self.verified_doctors, DOCTORS_FULL) / DOCTORS_FULL,
        ]
        if self.language_match is not None:
            parts.append(1.0 if self.language_match else 0.0)
        return sum(parts) / len(parts)


def quality_of(cand: Candidate) -> QualitySignals:
    return QualitySignals(cand.n_bodies, cand.verified_doctors, cand.language_match)


def raw_figures(cand: Candidate, totals: TripTotals) -> dict[str, float | None]:
    comparable = totals.procedure_known and totals.price_complete
    return {
        "cost": float(totals.total) if comparable else None,
        "wait": float(cand.wait_days) if cand.wait_days is not None else None,
        "travel": totals.flight_hours,
        "quality": quality_of(cand).score,
    }


@dataclass(frozen=True)
class Bounds:
    """The largest known figure of each term among the results, and whether all are equal."""

    largest: dict[str, float | None]
    smallest: dict[str, float | None]
    all_equal: dict[str, bool]


def bounds_of(figures: Sequence[dict[str, float | None]]) -> Bounds:
    largest: dict[str, float | None] = {}
    smallest: dict[str, float | None] = {}
    equal: dict[str, bool] = {}
    for name in TERM_NAMES:
        known = [f[name] for f in figures if f[name] is not None]
        largest[name] = max(known) if known else None  # type: ignore[type-var]
        smallest[name] = min(known) if known else None  # type: ignore[type-var]
        equal[name] = bool(known) and len(known) == len(figures) and largest[name] == smallest[name]
    return Bounds(largest, smallest, equal)


def normalise(name: str, x: float | None, bounds: Bounds) -> float:
    if x is None:
        return 0.0
    if bounds.all_equal[name]:
        return 1.0
    top = bounds.largest[name]
    if top is None or top <= 0:
        return 1.0 if name in LOWER_IS_BETTER else 0.0
    return 1.0 - x / top if name in LOWER_IS_BETTER else x / top


def score_total(figures: dict[str, float | None], bounds: Bounds, effective: dict[str, float]) -> float:
    """The score's total alone (to rank every result); ``score`` gives the same total with its terms."""
    return sum(effective[name] * normalise(name, figures[name], bounds) for name in TERM_NAMES)


def score(figures: dict[str, float | None], bounds: Bounds, weights: Weights) -> Score:
    effective = weights.effective()
    terms = tuple(
        Term(name, TERM_LABELS[name], effective[name], figures[name], normalise(name, figures[name], bounds))
        for name in TERM_NAMES
    )
    return Score(sum(t.contribution for t in terms), terms)


def sort_key(total: float, totals: TripTotals, cand: Candidate) -> tuple[Any, ...]:
    """Best first; ties by a whole price before an incomplete one, then trip total (unknown last),
    hospital name, offer public id."""
    known_total = totals.procedure_known
    return (
        -round(total, 9),
        0 if totals.price_complete else 1,
        0 if known_total else 1,
        totals.total if known_total else Decimal(0),
        cand.name.casefold(),
        str(cand.offer_id),
    )


# --- Explanations (built only for the results shown) -------------------------------------------


def _pct(part: float, whole: float) -> int:
    return round(100 * part / whole) if whole else 0


def explain(
    item_score: Score,
    cand: Candidate,
    est: TripEstimate,
    bounds: Bounds,
    *,
    body_names: Sequence[str],
    specialty_name: str,
    language: str | None,
) -> Score:
    """The same score with a one-sentence explanation on each term."""
    makers: dict[str, Callable[[Term], str]] = {
        "cost": lambda t: _explain_cost(t, est, bounds),
        "wait": lambda t: _explain_lower(
            t,
            bounds,
            "wait",
            unknown=_("Waiting time not stated by the hospital: scored 0."),
            figure=_("Waits %(x)s days") % {"x": cand.wait_days},
            largest=lambda v: _("the longest wait in these results is %(v)s days") % {"v": f"{v:.0f}"},
            same=_("Waits %(x)s days, like every result here.") % {"x": cand.wait_days},
        ),
        "travel": lambda t: _explain_lower(
            t,
            bounds,
            "travel",
            unknown=_("Flight time unknown (%(why)s): scored 0.") % {"why": est.travel.method.rstrip(".")},
            figure=_("About %(h)s h flying one way") % {"h": est.travel.flight_hours},
            largest=lambda v: _("the longest in these results is %(v)s h") % {"v": f"{v:.1f}"},
            same=_("About %(h)s h flying one way, like every result here.") % {"h": est.travel.flight_hours},
        ),
        "quality": lambda t: _explain_quality(t, cand, bounds, body_names, specialty_name, language),
    }
    return Score(
        item_score.total,
        tuple(Term(t.name, t.label, t.weight, t.raw, t.value, makers[t.name](t)) for t in item_score.terms),
    )


def _explain_cost(term: Term, est: TripEstimate, bounds: Bounds) -> str:
    if est.price_missing:
        return _(
            "Trip total %(total)s is not comparable: the price excludes %(what)s, which this procedure needs. "
            "Scored 0 on cost so it cannot win by leaving it out; ask the hospital for the whole price."
        ) % {
            "total": money(est.total, est.currency),
            "what": get_text_list([n.what for n in est.price_missing], _("and")),
        }
    if term.raw is None:
        return _("The trip total could not be worked out in %(ccy)s (no exchange rate): scored 0.") % {
            "ccy": est.currency
        }
    total = money(est.total, est.currency)
    missing = (
        " " + _("It leaves out %(lines)s.") % {"lines": ", ".join(x.lower() for x in est.leaves_out)}
        if est.leaves_out
        else ""
    )
    if bounds.all_equal["cost"]:
        return _("Trip total %(total)s, the same as every result here.") % {"total": total} + missing
    top = bounds.largest["cost"] or 0.0
    if term.raw >= top:
        return _("Trip total %(total)s is the dearest option in these results.") % {"total": total} + missing
    return (
        _("Trip total %(total)s is %(pct)s%% below the dearest option in these results (%(top)s).")
        % {
            "total": total,
            "pct": _pct(top - term.raw, top),
            "top": money(Decimal(str(top)).quantize(Decimal("0.01")), est.currency),
        }
        + missing
    )


def _explain_lower(
    term: Term,
    bounds: Bounds,
    name: str,
    *,
    unknown: str,
    figure: str,
    largest: Callable[[float], str],
    same: str,
) -> str:
    if term.raw is None:
        return unknown
    if bounds.all_equal[name]:
        return same
    top = bounds.largest[name] or 0.0
    if term.raw >= top:
        return _("%(figure)s, the most in these results.") % {"figure": figure}
    return _("%(figure)s; %(largest)s (%(pct)s%% less).") % {
        "figure": figure,
        "largest": largest(top),
        "pct": _pct(top - term.raw, top),
    }


def _explain_quality(
    term: Term,
    cand: Candidate,
    bounds: Bounds,
    body_names: Sequence[str],
    specialty_name: str,
    language: str | None,
) -> str:
    accreditations = ngettext("%(n)d current accreditation", "%(n)d current accreditations", cand.n_bodies) % {
        "n": cand.n_bodies
    }
    if body_names:
        accreditations += f" ({', '.join(body_names)})"
    parts = [
        accreditations,
        ngettext(
            "%(n)d doctor in %(specialty)s with a verified licence",
            "%(n)d doctors in %(specialty)s with a verified licence",
            cand.verified_doctors,
        )
        % {"n": cand.verified_doctors, "specialty": specialty_name},
    ]
    if language:
        parts.append(
            _("speaks %(lang)s") % {"lang": language}
            if cand.language_match
            else _("no listed speaker of %(lang)s") % {"lang": language}
        )
    signals = "; ".join(parts)
    if bounds.all_equal["quality"]:
        return _("%(signals)s: the same quality signals as every result here.") % {"signals": signals}
    if term.value >= 1:
        return _("%(signals)s: the strongest quality signals in these results.") % {"signals": signals}
    return _("%(signals)s: %(pct)s%% as strong as the strongest quality signals in these results.") % {
        "signals": signals,
        "pct": round(100 * term.value),
    }


RANKING_SUMMARY = (
    "score = Σ weight × value over four terms: cost (trip total), wait (waiting days), travel (one-way flight "
    "hours) and quality (mean of: current accreditations from admitted bodies, one 0.5 and two or more 1; "
    "doctors of the procedure's specialty with a verified licence, 1/3 each up to 1; and, when you name a "
    "language, whether the hospital or a doctor speaks it). Weights are yours divided by their sum. Values are "
    "normalised over these results: 1 − x ÷ largest x for cost, wait and travel, x ÷ largest x for quality; "
    "1 when every result has the same figure; 0 when a figure is unknown. Like is compared with like: an offer "
    "whose price leaves out something the procedure needs (the implant of a joint replacement, the stent of an "
    "angioplasty, ...) scores 0 on cost and cost is normalised over the whole prices only, so no offer wins on "
    "cost by leaving out the implant. Ties: a whole price first, then lower trip total, then hospital "
    "name, then offer id. No hospital can pay for its place: there is no such field. No outcome rates are used."
)
