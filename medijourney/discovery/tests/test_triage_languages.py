"""Triage in Arabic, Spanish, French, Russian and Bengali (and English unchanged): routing,
language detection, mixed-language text, the `lang` parameter, and languages triage does not read.
The texts here are written for these tests, not taken from the evaluation sets."""

import pytest

from medijourney.discovery.triage import NOTICE, triage
from medijourney.discovery.triage_answer import COULD_NOT_TELL, LOCAL_TEXT, NOT_A_DIAGNOSIS, answer_text
from medijourney.discovery.triage_text import detect_language

URL = "/api/v1/triage"

ROUTED = [
    # Spanish
    ("es", "Me duelen mucho las rodillas por la artrosis", "orthopedics"),
    ("es", "Tengo cálculos renales y me duele al orinar", "urology"),
    ("es", "Quiero ponerme implantes dentales porque me faltan muelas", "dental"),
    ("es", "Mi hija tiene asma y le falta el aire", "pulmonology"),
    # French
    ("fr", "J'ai une cataracte aux deux yeux", "ophthalmology"),
    ("fr", "Mon mari est en hémodialyse pour une insuffisance rénale", "nephrology"),
    ("fr", "Je voudrais une liposuccion et une rhinoplastie", "plastic_cosmetic_surgery"),
    ("fr", "Ma thyroïde ne fonctionne pas bien, hypothyroïdie", "endocrinology"),
    # Russian
    ("ru", "У меня катаракта на правом глазу", "ophthalmology"),
    ("ru", "Хочу сделать ЭКО, не могу забеременеть", "obgyn_fertility"),
    ("ru", "Рак легкого, нужна химиотерапия", "oncology"),
    ("ru", "Паховая грыжа справа", "general_surgery"),
    # Arabic
    ("ar", "أعاني من حصوة في الكلى", "urology"),
    ("ar", "أريد عملية تكميم المعدة بسبب السمنة", "bariatric_surgery"),
    ("ar", "عندي صدفية في الجلد", "dermatology"),
    ("ar", "أحتاج زراعة كبد", "organ_transplant"),
    # Bengali
    ("bn", "আমার চোখে ছানি পড়েছে", "ophthalmology"),
    ("bn", "কিডনিতে পাথর হয়েছে", "urology"),
    ("bn", "আমার হাঁপানি আছে", "pulmonology"),
    ("bn", "মায়ের স্তন ক্যান্সার", "oncology"),
    # English, as before
    ("en", "worn out knee, bone on bone", "orthopedics"),
]


@pytest.mark.parametrize(("lang", "text", "expected"), ROUTED)
def test_routes_in_each_language_with_the_language_detected(lang, text, expected):
    result = triage(text)
    assert result.lang == lang and result.lang_from == "detected" and result.supported
    assert result.specialties[0].id == expected and result.confident
    assert result.specialties[0].evidence


@pytest.mark.parametrize(("lang", "text", "expected"), ROUTED)
def test_the_same_with_the_language_given(lang, text, expected):
    result = triage(text, lang=lang)
    assert result.lang == lang and result.lang_from == "given"
    assert result.specialties[0].id == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("عندي kidney stones وألم شديد", "ar", "urology"),
        ("أمي تحتاج cataract surgery", "ar", "ophthalmology"),
        ("У мамы glaucoma, нужны капли", "ru", "ophthalmology"),
        ("আমার knee replacement দরকার", "bn", "orthopedics"),
    ],
)
def test_english_medical_words_inside_another_language_count(text, lang, expected):
    result = triage(text)
    assert result.lang == lang
    assert result.specialties[0].id == expected and result.confident


def test_a_negated_term_does_not_count_in_spanish_and_russian():
    assert not triage("No tengo diabetes, solo quiero información").confident
    assert not triage("Нет диабета, просто хочу узнать цены").confident


@pytest.mark.parametrize(
    "text",
    [
        "Ich habe seit Monaten Rückenschmerzen und mein Arzt spricht von einer Bandscheibe",  # German
        "Mio padre ha bisogno di un intervento al cuore",  # Italian
        "我母亲需要做白内障手术",  # Chinese
        "मुझे मधुमेह है और चीनी बहुत ज़्यादा है",  # Hindi
        "У мене болить коліно і лікар каже про операцію",  # Ukrainian
    ],
)
def test_a_language_triage_does_not_read_gets_no_specialty(text):
    result = triage(text)
    assert not result.supported and not result.confident
    assert all(s.score == 0 for s in result.specialties)
    answer = answer_text(text)
    assert answer.could_not_tell and answer.specialties == () and answer.choices == ()


def test_detection_keeps_english_with_shared_medical_words():
    for text in ["psoriasis", "hernia repair", "lasik cost", "diabetes", "carcinoma of the colon"]:
        assert detect_language(text).lang == "en", text


def test_notice_and_could_not_tell_are_in_the_texts_language():
    assert NOT_A_DIAGNOSIS == NOTICE  # one text, marked for translation in triage_answer.py
    for lang, table in LOCAL_TEXT.items():
        assert set(table) == {NOT_A_DIAGNOSIS, COULD_NOT_TELL}, lang
    answer = answer_text("Me duele la rodilla")
    assert answer.notice == LOCAL_TEXT["es"][NOT_A_DIAGNOSIS]
    answer = answer_text("Buenos días, ¿cuánto cuesta el viaje?")
    assert answer.could_not_tell and answer.headline == LOCAL_TEXT["es"][COULD_NOT_TELL]
    assert answer_text("knee pain").notice == NOTICE


@pytest.mark.django_db
class TestApi:
    def test_lang_is_detected_when_not_given(self, client):
        body = client.get(URL, {"text": "عندي خشونة في الركبة"}).json()
        assert body["specialties"][0]["id"] == "orthopedics"
        assert body["answer"]["language"]["code"] == "ar" and body["answer"]["language"]["from"] == "detected"
        assert body["notice"] == LOCAL_TEXT["ar"][NOT_A_DIAGNOSIS]

    def test_a_given_lang_is_used(self, client):
        body = client.get(URL, {"text": "Catarata en el ojo izquierdo", "lang": "es-MX"}).json()
        assert body["answer"]["language"] == {"code": "es", "from": "given", "supported": True, "note": ""}
        assert body["specialties"][0]["id"] == "ophthalmology"

    @pytest.mark.parametrize("lang", ["xx", "tlh", "de", "en"])
    def test_an_unknown_or_unfitting_lang_falls_back_to_detection_and_says_so(self, client, lang):
        body = client.get(URL, {"text": "Хочу операцию по удалению катаракты", "lang": lang}).json()
        language = body["answer"]["language"]
        assert language["code"] == "ru" and language["from"] == "fallback"
        assert lang in language["note"] and "Русский" in language["note"]
        assert body["specialties"][0]["id"] == "ophthalmology"

    def test_an_unsupported_language_answers_could_not_tell(self, client):
        body = client.get(URL, {"text": "Ich brauche eine neue Hüfte, die Schmerzen sind schlimm"}).json()
        assert body["specialties"] == [] and body["procedures"] == [] and body["confident"] is False
        answer = body["answer"]
        assert answer["kind"] == "unclear" and answer["could_not_tell"] is True and answer["choices"] == []
        assert "case manager" in answer["headline"]
        assert answer["language"]["supported"] is False and answer["language"]["note"]

    def test_english_default_is_unchanged(self, client):
        body = client.get(URL, {"text": "cataract in both eyes"}).json()
        assert body["answer"]["language"]["code"] == "en"
        assert "not a diagnosis" in body["notice"]


@pytest.mark.django_db
def test_the_page_shows_the_notice_in_the_texts_language(client):
    from django.urls import reverse

    response = client.post(reverse("discovery:triage"), {"text": "У меня астма и одышка"})
    assert response.status_code == 200
    assert LOCAL_TEXT["ru"][NOT_A_DIAGNOSIS] in response.content.decode()
