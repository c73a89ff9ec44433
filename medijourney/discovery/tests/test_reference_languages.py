"""The search's reference snapshot keeps its texts in words (how the origin airport and a home
price were chosen, visa labels) per interface language: the language of a process's first request
is not the language everyone sees after it."""

import pytest

from medijourney.discovery.tests.world import standard_world

pytestmark = pytest.mark.django_db

ARABIC_BASIS = "لم تُدخَل مدينة أو مطار: المطار الدولي الكبير الأقرب إلى مركز مطارات البلد"
ENGLISH_BASIS = "no city or airport given: the large international airport nearest the centre of the country's airports"


def _search(client, lang: str) -> dict:
    client.cookies["mj_language"] = lang
    response = client.get("/api/v1/search", {"procedure": "knee-replacement", "origin": "GB", "currency": "GBP"})
    assert response.status_code == 200, response.content
    return response.json()


def test_each_language_gets_its_own_words_whichever_came_first(client):
    standard_world()
    first_ar, then_en, again_ar = _search(client, "ar"), _search(client, "en"), _search(client, "ar")
    assert first_ar["origin"]["basis"] == ARABIC_BASIS
    assert then_en["origin"]["basis"] == ENGLISH_BASIS
    assert again_ar["origin"]["basis"] == ARABIC_BASIS
    methods = {body["items"][0]["savings"]["reference"]["price_method"] for body in (first_ar, then_en)}
    assert len(methods) == 2, methods  # the same price, its method in Arabic and in English
    labels = {body["items"][0]["visa"]["label"] for body in (then_en, again_ar)}
    assert len(labels) == 2, labels
