"""The emergency check in Arabic, Spanish, French, Russian and Bengali: warning signs are caught,
negated ones are not, and through the triage API an emergency comes before any routing."""

import json
from pathlib import Path

import pytest

from medijourney.safety.emergency import FOREIGN_SIGNS, SIGNS, emergency_detect


def ids(text):
    found = emergency_detect(text)
    return found.ids if found else []


CAUGHT = [
    # chest pain in every language
    ("es", "Tengo un dolor muy fuerte en el pecho y me sudan las manos", "chest_pain"),
    ("fr", "J'ai une douleur dans la poitrine qui descend dans le bras", "chest_pain"),
    ("ru", "Сильная боль в груди отдает в левую руку", "chest_pain"),
    ("ar", "عندي ألم شديد في الصدر الآن", "chest_pain"),
    ("bn", "বুকে প্রচণ্ড ব্যথা হচ্ছে", "chest_pain"),
    # the other signs
    ("es", "A mi padre se le ha quedado la cara torcida y no puede hablar", "stroke"),
    ("fr", "Mon fils n'arrive plus à respirer", "breathing"),
    ("ru", "Муж потерял сознание и не приходит в себя", "unconscious"),
    ("ar", "أريد أن أنتحر", "self_harm"),
    ("bn", "শ্বাস নিতে পারছি না", "breathing"),
    ("es", "Estoy embarazada y tengo un sangrado abundante", "bleeding"),
    ("fr", "Sa langue est gonflée après une piqûre, réaction allergique grave", "allergy"),
    ("ru", "Ребенка сбила машина", "injury"),
    ("ar", "زوجي فاقد الوعي", "unconscious"),
    ("bn", "আত্মহত্যা করতে ইচ্ছে করছে", "self_harm"),
]


@pytest.mark.parametrize(("lang", "text", "sign"), CAUGHT)
def test_warning_signs_are_caught_in_each_language(lang, text, sign):
    assert sign in ids(text)


@pytest.mark.parametrize(
    "text",
    [
        "No tengo dolor en el pecho, solo quiero una prótesis de rodilla",
        "Je n'ai pas de douleur thoracique",
        "Нет боли в груди, просто хочу узнать цены",
        "لا يوجد ألم في الصدر",
        "বুকে ব্যথা নেই",
        "Ronco y dejo de respirar mientras duermo durante el sueño",  # sleep apnoea, not an emergency now
        "Tengo la regla muy abundante con sangrado abundante",  # heavy periods
    ],
)
def test_negated_or_excluded_signs_are_not_emergencies(text):
    assert ids(text) == []


def test_every_sign_has_phrases_in_every_language():
    sign_ids = {s.id for s in SIGNS}
    for lang, signs in FOREIGN_SIGNS.items():
        assert set(signs) == sign_ids, lang


def test_few_of_the_labelled_triage_texts_in_other_languages_are_emergencies():
    # The evaluation sets are elective requests: the check must not flag most of them.
    folder = Path(__file__).resolve().parents[3] / "tests" / "triage_eval"
    texts = [
        json.loads(line)["text"] for path in folder.glob("*_??.jsonl") for line in path.read_text().splitlines() if line
    ]
    flagged = [t for t in texts if emergency_detect(t)]
    assert len(texts) > 300
    assert len(flagged) <= len(texts) * 0.03, flagged


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "text", "sign"), CAUGHT[:5])
def test_the_api_answers_an_emergency_before_any_routing(client, lang, text, sign):
    body = client.get("/api/v1/triage", {"text": text}).json()
    assert body["emergency"]["detected"] is True
    assert sign in [s["id"] for s in body["emergency"]["signs"]]
    assert body["answer"]["kind"] == "emergency" and body["procedures"] == [] and body["answer"]["choices"] == []
