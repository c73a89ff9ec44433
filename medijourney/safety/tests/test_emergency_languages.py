"""The emergency check in Arabic, Spanish, French, Russian and Bengali: warning signs are caught,
negated ones are not, and through the triage API an emergency comes before any routing."""

import json
from pathlib import Path

import lxml.html
import pytest
from django.urls import reverse

from medijourney.safety.answer import emergency_answer
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


# --- the message in the language the patient wrote in ---------------------------------------


@pytest.mark.parametrize(("lang", "text", "sign"), CAUGHT)
def test_the_message_is_also_given_in_the_language_written(lang, text, sign):
    answer = emergency_answer(text, country="ES")
    assert answer is not None and answer.text_lang == lang
    local = answer.local
    assert local is not None and local.lang == lang
    assert "112" in local.text  # Spain's number, in the sentence
    assert local.dir == ("rtl" if lang == "ar" else "ltr")
    assert local.reviewed is False  # said on the page until a medical translator has checked it


def test_english_words_inside_arabic_still_answer_in_arabic():
    answer = emergency_answer("عندي chest pain قوي منذ ساعة", country="EG")
    assert answer is not None and answer.local is not None and answer.local.lang == "ar"


def test_an_english_text_gets_no_second_message():
    answer = emergency_answer("crushing chest pain going down my left arm", country="GB")
    assert answer is not None and answer.text_lang == "en" and answer.local is None


def test_without_a_country_the_local_message_names_no_number():
    answer = emergency_answer("Сильная боль в груди отдает в левую руку")
    assert answer is not None and answer.number is None and answer.local is not None
    assert "местному номеру" in answer.local.text


@pytest.mark.django_db
def test_the_api_gives_the_local_message_with_self_harm_words(client):
    body = client.get("/api/v1/triage", {"text": "أريد أن أنتحر", "country": "AE"}).json()
    local = body["emergency"]["local"]
    assert local["lang"] == "ar" and local["reviewed"] is False
    assert "999" in local["message"] or "998" in local["message"] or "112" in local["message"]
    assert local["self_harm"], "the self-harm sentence in Arabic"
    assert body["emergency"]["signs"][0]["lang"] == "ar"


@pytest.mark.django_db
def test_the_triage_page_shows_the_local_message_marked_with_its_language(client):
    html = client.post(reverse("discovery:triage"), {"text": "Tengo un dolor muy fuerte en el pecho"}).content.decode()
    doc = lxml.html.fromstring(html)
    local = doc.xpath('//section[@id="emergency"]//div[contains(@class, "emergency-local")]')
    assert len(local) == 1 and local[0].get("lang") == "es" and local[0].get("dir") == "ltr"
    assert "urgencias" in local[0].text_content()
    assert "not yet been checked by a medical translator" in doc.get_element_by_id("emergency").text_content()
    # The English message still comes first.
    assert html.index("emergency-title") < html.index("emergency-local")
