"""The emergency warning signs: what counts, what does not (negations, the past, risks), and the
rule for each."""

import json
from pathlib import Path

import pytest

from medijourney.safety.emergency import SIGNS, emergency_detect


def ids(text):
    found = emergency_detect(text)
    return found.ids if found else []


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        # chest pain, heart attack
        ("crushing chest pain right now", "chest_pain"),
        ("I have chest pain", "chest_pain"),
        ("I had chest pain an hour ago and it is still there", "chest_pain"),
        ("there is a heavy pressure in my chest and the pain is going down my left arm", "chest_pain"),
        ("I am not sure if this is a heart attack", "chest_pain"),
        # stroke (BE-FAST)
        ("I think my dad is having a stroke", "stroke"),
        ("her face is drooping on one side", "stroke"),
        ("his speech is slurred and his arm is weak", "stroke"),
        ("suddenly lost my vision in one eye", "stroke"),
        ("the worst headache of my life", "stroke"),
        ("I had a stroke this morning", "stroke"),
        # breathing
        ("I can't breathe", "breathing"),
        ("my son is struggling to breathe", "breathing"),
        ("severe shortness of breath since an hour", "breathing"),
        ("her lips are turning blue", "breathing"),
        # bleeding
        ("heavy bleeding from a cut that won't stop", "bleeding"),
        ("I'm pregnant and bleeding", "bleeding"),
        ("vomiting blood", "bleeding"),
        # consciousness, fits
        ("he passed out and won't wake up", "unconscious"),
        ("my mother collapsed in the kitchen", "unconscious"),
        ("a seizure that won't stop", "unconscious"),
        # allergy
        ("my throat is swelling after a bee sting", "allergy"),
        ("anaphylactic reaction to peanuts", "allergy"),
        # self-harm
        ("I want to kill myself", "self_harm"),
        ("I don't want to live any more", "self_harm"),
        ("I took an overdose", "self_harm"),
        ("thoughts of suicide", "self_harm"),
        # injuries
        ("severe burns on my arm", "injury"),
        ("hit by a car", "injury"),
        # accents and capitals are folded
        ("CHEST PAIN NOW", "chest_pain"),
    ],
)
def test_warning_signs_are_recognised(text, sign):
    assert sign in ids(text)


@pytest.mark.parametrize(
    "text",
    [
        # negated
        "no chest pain",
        "I don't have any chest pain, just a sore knee",
        "not suicidal, just tired of waiting",
        "without bleeding",
        # clearly in the past (a week or more), or a history
        "chest pain last year",
        "I had chest pain 3 years ago, now I need a knee replacement",
        "I had a stroke in 2019 and need rehabilitation",
        "history of heart attack, now stable",
        "after my stroke my hand is stiff",
        "I had a heart attack five years ago and now need a bypass",
        "family history of heart attacks",
        # a risk, not an event
        "risk of stroke with atrial fibrillation, want an ablation",
        "to prevent a heart attack my doctor wants a stent",
        # other senses of the words
        "heavy bleeding during my periods",
        "my husband says I stop breathing at night",
        "blocked nose for years, can't breathe through the left side",
        "severe acne unresponsive to isotretinoin",
        "collapsed lung twice",
        "I want lip fillers",
        "my face droops on one side since birth",
        # nothing at all
        "hello",
        "asdfgh",
        "😀",
        "",
        "knee pain",
        "I have a headache",
    ],
)
def test_not_an_emergency_now(text):
    assert ids(text) == []


def test_a_negation_covers_only_its_own_clause():
    assert ids("no chest pain, but I can't breathe") == ["breathing"]
    assert ids("chest pain last year. Today chest pain again") == ["chest_pain"]


def test_recent_words_bring_a_past_sign_back():
    assert ids("I had a heart attack years ago and have chest pain right now") == ["chest_pain"]


def test_evidence_and_labels():
    found = emergency_detect("Her face is drooping and she says she wants to end her life")
    assert found is not None and found.ids == ["stroke", "self_harm"] and found.self_harm
    assert found.signs[0].evidence == "face is drooping" and found.signs[0].label == "signs of a stroke"


def test_every_sign_has_a_label_and_patterns():
    assert {s.id for s in SIGNS} == {
        "chest_pain",
        "stroke",
        "breathing",
        "bleeding",
        "unconscious",
        "allergy",
        "self_harm",
        "injury",
    }
    assert all(str(s.label) and s.patterns for s in SIGNS)


def test_few_of_the_labelled_triage_texts_are_emergencies():
    # The triage evaluation set is elective requests; the few it flags are real warning signs.
    cases = Path(__file__).resolve().parents[3] / "tests" / "triage_eval" / "cases.jsonl"
    flagged = [
        c["text"]
        for line in cases.read_text().splitlines()
        if line and emergency_detect((c := json.loads(line))["text"])
    ]
    assert len(flagged) <= 5, flagged
