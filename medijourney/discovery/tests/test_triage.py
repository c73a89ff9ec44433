"""Behaviour of the triage function (contracts.md §2): everyday words, clinical wording,
abbreviations, misspellings, negation, text without a condition, evidence, procedures."""

import json
from pathlib import Path

import pytest

from medijourney.discovery.triage import NOTICE, ProcedureMatch, SpecialtyMatch, TriageResult, triage
from medijourney.discovery.triage_text import stem, tokenize

TAXONOMY = Path(__file__).resolve().parents[1] / "data" / "specialties.json"
TAXONOMY_IDS = {s["id"] for s in json.loads(TAXONOMY.read_text(encoding="utf-8"))["specialties"]}


def top(text):
    return triage(text).specialties[0].id


def test_result_shape_and_at_least_three_specialties():
    result = triage("my knee is worn out")
    assert isinstance(result, TriageResult)
    assert len(result.specialties) >= 3
    assert all(isinstance(s, SpecialtyMatch) for s in result.specialties)
    assert all(isinstance(p, ProcedureMatch) for p in result.procedures)
    assert result.specialties[0].id == "orthopedics"
    assert {s.id for s in result.specialties} <= TAXONOMY_IDS
    scores = [s.score for s in result.specialties]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert result.notice == NOTICE
    assert "not a diagnosis" in result.notice
    assert "specialty" in result.notice


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my knee is worn out", "orthopedics"),
        ("we have tried for a baby for three years", "obgyn_fertility"),
        ("two back teeth missing", "dental"),
        ("my vision is cloudy and I see halos at night", "ophthalmology"),
        ("I snore and my nose is always blocked", "ent"),
        ("my hair is falling out", "dermatology"),
    ],
)
def test_everyday_words(text, expected):
    assert top(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("severe OA right knee, TKA advised", "orthopedics"),
        ("NSTEMI, TVD on angiography, LVEF 35%, for CABG", "cardiology"),
        ("CKD stage 5, eGFR 9, for AV fistula before haemodialysis", "nephrology"),
        ("Papillary thyroid carcinoma, for total thyroidectomy", "endocrinology"),
    ],
)
def test_clinical_wording(text, expected):
    assert top(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "procedure"),
    [
        ("IVF", "obgyn_fertility", "ivf-cycle"),
        ("CABG", "cardiology", "cabg"),
        ("TKR", "orthopedics", "knee-replacement"),
        ("LASIK", "ophthalmology", "lasik"),
        ("BPH", "urology", None),
        ("ivf", "obgyn_fertility", "ivf-cycle"),
    ],
)
def test_abbreviations(text, expected, procedure):
    result = triage(text)
    assert result.specialties[0].id == expected
    assert result.confident
    if procedure:
        assert result.procedures[0].slug == procedure


def test_ambiguous_short_abbreviations_count_only_in_capitals():
    assert top("ALL in remission") == "oncology"  # acute lymphoblastic leukaemia
    assert not triage("all in all I am fine").confident
    assert top("suspected MS, MRI shows demyelination") == "neurology_neurosurgery"


@pytest.mark.parametrize(
    ("text", "expected", "procedure"),
    [
        ("catarct", "ophthalmology", "cataract-surgery"),
        ("I think I have a hernai", "general_surgery", None),
        ("knee replacment", "orthopedics", "knee-replacement"),
        ("rhinoplasy", "plastic_cosmetic_surgery", "rhinoplasty"),
    ],
)
def test_misspellings(text, expected, procedure):
    result = triage(text)
    assert result.specialties[0].id == expected
    if procedure:
        assert procedure in [p.slug for p in result.procedures]


def test_correct_everyday_words_are_not_corrected_into_medical_terms():
    assert not triage("my kids tease me about it").confident


def test_negation_drops_the_denied_condition():
    result = triage("no chest pain, but I cough every morning and get wheezy")
    assert result.specialties[0].id == "pulmonology"
    assert not any("chest pain" in e for s in result.specialties for e in s.evidence)


def test_a_phrase_that_holds_its_own_negation_is_kept():
    assert top("no periods for six months") == "obgyn_fertility"


@pytest.mark.parametrize(
    "text",
    ["", "hello", "Can you send me information about visas and hotels?", "what are your prices", "asdf qwerty"],
)
def test_text_without_a_condition_is_not_confident(text):
    result = triage(text)
    assert result.confident is False
    assert len(result.specialties) >= 3
    assert all(s.score < 0.3 for s in result.specialties)


def test_evidence_shows_the_words_that_matched():
    result = triage("Pain in my chest when I climb stairs, and my ankles swell")
    cardio = next(s for s in result.specialties if s.id == "cardiology")
    assert any("chest" in e.lower() for e in cardio.evidence)


def test_named_procedure_outweighs_the_underlying_condition():
    result = triage("end stage kidney disease on dialysis, my brother will donate, kidney transplant")
    assert result.specialties[0].id == "organ_transplant"
    assert result.procedures[0].slug == "kidney-transplant"


def test_condition_points_to_candidate_procedures():
    slugs = [p.slug for p in triage("we have tried for a baby for three years").procedures]
    assert "ivf-cycle" in slugs


def test_long_text_is_handled():
    text = "I have had pain in my knee for years. " * 200
    assert top(text) == "orthopedics"


def test_stemmer_and_spelling_folding():
    assert stem("haemorrhoids") == stem("hemorrhoids")
    assert stem("tumours") == stem("tumor")
    assert stem("knees") == stem("knee")
    assert stem("teeth") == stem("tooth")
    assert [t.norm for t in tokenize("I can't see")] == ["i", "cant", "see"]
    assert [t.norm for t in tokenize("can not see")] == ["cant", "see"]
