"""Accuracy floors on the evaluation set (tests/triage_eval/cases.jsonl), so a regression fails CI.
Figures: `python bench/triage_eval`. Floors sit a little under what was measured (dev 98%/100%,
holdout 95%/97% top-1/top-3 on 2026-11-24)."""

from typing import Any

import pytest

from medijourney.discovery.triage_eval import evaluate, group_of, load_all_cases, load_cases


@pytest.fixture(scope="module")
def cases():
    return load_cases()


def test_the_set_is_large_and_covers_every_specialty_in_both_voices(cases):
    assert len(cases) >= 150
    per: dict[str, Any] = {}
    for c in cases:
        per.setdefault(c["expected_specialty"], set()).add(c["voice"])
    assert len([s for s in per if s != "none"]) == 18
    assert all(sum(c["expected_specialty"] == s for c in cases) >= 6 for s in per if s != "none")
    assert {c["split"] for c in cases} == {"dev", "holdout"}


def test_accuracy_floors_dev(cases):
    report = evaluate([c for c in cases if c["split"] == "dev"])
    assert report.overall.top3_rate >= 0.98
    assert report.overall.top1_rate >= 0.95


def test_accuracy_floors_holdout(cases):
    report = evaluate([c for c in cases if c["split"] == "holdout"])
    assert report.overall.top3_rate >= 0.96
    assert report.overall.top1_rate >= 0.94


# --- other languages -------------------------------------------------------------------------
# Holdout sets (tests/triage_eval/holdout_<lang>.jsonl) were committed before the lexicons and
# never tuned on; measured 2026-12-01 (top-1 / top-3): ar 96.7/100, es 100/100, fr 93.1/93.1,
# ru 100/100, bn 100/100; English holdout (150 cases) 96.0/98.0. Floors sit a little under.
HOLDOUT_FLOORS = {
    "en": (0.94, 0.96),
    "ar": (0.93, 0.96),
    "es": (0.95, 0.96),
    "fr": (0.90, 0.90),
    "ru": (0.95, 0.96),
    "bn": (0.95, 0.96),
}


@pytest.fixture(scope="module")
def all_cases():
    return load_all_cases()


@pytest.mark.parametrize("lang", sorted(HOLDOUT_FLOORS))
def test_accuracy_floors_holdout_per_language(all_cases, lang):
    chosen = [c for c in all_cases if group_of(c) == lang and c["split"] == "holdout"]
    assert len(chosen) >= (150 if lang == "en" else 55)
    per_specialty = {c["expected_specialty"] for c in chosen} - {"none"}
    assert len(per_specialty) == 18
    report = evaluate(chosen)
    top1, top3 = HOLDOUT_FLOORS[lang]
    assert report.overall.top1_rate >= top1
    assert report.overall.top3_rate >= top3


@pytest.mark.parametrize("lang", ["ar", "es", "fr", "ru", "bn"])
def test_accuracy_floors_dev_per_language(all_cases, lang):
    report = evaluate([c for c in all_cases if group_of(c) == lang and c["split"] == "dev"])
    assert report.overall.n >= 20
    assert report.overall.top1_rate >= 0.95


def test_unsupported_languages_always_could_not_tell(all_cases):
    report = evaluate([c for c in all_cases if group_of(c) == "other"])
    assert report.overall.n >= 10
    assert report.overall.no_evidence_rate == 1.0
