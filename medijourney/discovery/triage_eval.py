"""Accuracy of triage on a labelled set (tests/triage_eval/cases.jsonl): used by the
``bench/triage_eval`` script and by the accuracy-floor test.

A case is ``{"text", "expected_specialty", "voice", "split"}``. ``expected_specialty`` is a
taxonomy id, or ``"none"`` for a text that names no condition: such a case counts as right
(for top-1 and top-3 alike) when triage answers ``confident=False``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .triage import triage

CASES_PATH = Path(__file__).resolve().parents[2] / "tests" / "triage_eval" / "cases.jsonl"


def load_cases(path: Path = CASES_PATH) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass
class Tally:
    n: int = 0
    top1: int = 0
    top3: int = 0
    unsure: int = 0  # triage not confident
    no_evidence: int = 0  # no specialty at all: the page says "we could not tell from this"

    def add(self, top1: bool, top3: bool, unsure: bool = False, no_evidence: bool = False) -> None:
        self.n += 1
        self.top1 += top1
        self.top3 += top3
        self.unsure += unsure
        self.no_evidence += no_evidence

    @property
    def unsure_rate(self) -> float:
        return self.unsure / self.n if self.n else 0.0

    @property
    def no_evidence_rate(self) -> float:
        return self.no_evidence / self.n if self.n else 0.0

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.n if self.n else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.n if self.n else 0.0


@dataclass
class Report:
    overall: Tally = field(default_factory=Tally)
    by_specialty: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_voice: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    errors: list[dict[str, object]] = field(default_factory=list)


def judge(case: dict[str, str]) -> tuple[bool, bool, list[str], bool]:
    result = triage(case["text"])
    ids = [s.id for s in result.specialties]
    case["_no_evidence"] = not any(s.score > 0 for s in result.specialties)  # type: ignore[assignment]
    expected = case["expected_specialty"]
    if expected == "none":
        ok = not result.confident
        return ok, ok, ids, result.confident
    return ids[0] == expected and result.confident, expected in ids[:3], ids, result.confident


def evaluate(cases: list[dict[str, str]]) -> Report:
    report = Report()
    for case in cases:
        top1, top3, ids, confident = judge(case)
        flags = (not confident, bool(case.pop("_no_evidence", False)))
        report.overall.add(top1, top3, *flags)
        report.by_specialty[case["expected_specialty"]].add(top1, top3, *flags)
        report.by_voice[case["voice"]].add(top1, top3, *flags)
        if not top1:
            report.errors.append({**case, "got": ids[:3], "confident": confident, "top3": top3})
    return report
