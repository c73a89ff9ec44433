"""Accuracy of triage on labelled sets: used by the ``bench/triage_eval`` script and by the
accuracy-floor tests.

English: tests/triage_eval/cases.jsonl (dev and holdout). Other languages:
tests/triage_eval/holdout_<lang>.jsonl (written blind, committed before the lexicons, never tuned
on) and dev_<lang>.jsonl (tuning allowed); holdout_unsupported.jsonl holds texts in languages
triage does not read, all expected "none". Triage is called without ``lang`` (the language is
detected), as the API does when no ``lang`` is given.

A case is ``{"text", "expected_specialty", "voice", "split"[, "lang"]}``. ``expected_specialty`` is a
taxonomy id, or ``"none"`` for a text that names no condition: such a case counts as right
(for top-1 and top-3 alike) when triage answers ``confident=False``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .triage import triage

EVAL_DIR = Path(__file__).resolve().parents[2] / "tests" / "triage_eval"
CASES_PATH = EVAL_DIR / "cases.jsonl"
LANGUAGES = ("en", "ar", "es", "fr", "ru", "bn")


def load_cases(path: Path = CASES_PATH) -> list[dict[str, str]]:
    """One file's cases (by default the English set); ``lang`` defaults to "en"."""
    with path.open(encoding="utf-8") as fh:
        cases = [json.loads(line) for line in fh if line.strip()]
    for case in cases:
        case.setdefault("lang", "en")
    return cases


def load_all_cases() -> list[dict[str, str]]:
    """Every language's dev and holdout cases, and the unsupported-language texts (lang kept as
    written, e.g. "de"; grouped as "other" by :func:`group_of`)."""
    cases = load_cases()
    for lang in LANGUAGES[1:]:
        for split in ("dev", "holdout"):
            path = EVAL_DIR / f"{split}_{lang}.jsonl"
            if path.exists():
                cases.extend(load_cases(path))
    cases.extend(load_cases(EVAL_DIR / "holdout_unsupported.jsonl"))
    return cases


def group_of(case: dict[str, str]) -> str:
    return case["lang"] if case["lang"] in LANGUAGES else "other"


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

    @property
    def macro_recall(self) -> float:
        """Top-1 recall averaged over the specialties present (not over "none")."""
        rates = [t.top1_rate for spec, t in self.by_specialty.items() if spec != "none" and t.n]
        return sum(rates) / len(rates) if rates else 0.0


def judge(case: dict[str, str]) -> tuple[bool, bool, list[str], bool]:
    result = triage(case["text"], lang=case.get("given_lang", ""))
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
