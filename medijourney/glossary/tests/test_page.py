"""The glossary page /glossary/ and the API /api/v1/glossary: letter sections and pages, search by
term or alias in the reader's language and in English, a clear answer when nothing matches, what
each entry says about its origin and review, no database queries, and bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medijourney.api import api
from medijourney.glossary.views import PAGE_SIZE
from medijourney.testing.html import anchors, contains, squash

pytestmark = pytest.mark.django_db


def get(client, query: str = "", lang: str = "en") -> str:
    return squash(client.get(f"/glossary/{query}", headers={"Accept-Language": lang}).content.decode())


def entry_ids(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('class="glossary-entry" id="')[1:]]


def test_the_page_lists_terms_in_letter_sections_and_pages(client):
    html = get(client)
    assert "<h1>Medical glossary</h1>" in html and "174 medical words explained" in html
    ids = entry_ids(html)
    assert len(ids) == PAGE_SIZE and ids[0] == "abdomen"
    assert '<h2 id="letter-A">A</h2>' in html
    letters = [a["href"] for a in anchors(html) if a.get("href", "").startswith("?page=")]
    assert "?page=1#letter-A" in letters and any(h.endswith("#letter-X") for h in letters)
    second = entry_ids(get(client, "?page=2"))
    assert len(second) == PAGE_SIZE and not set(second) & set(ids)
    assert "Page 2 of 5" in get(client, "?page=2")
    last = entry_ids(get(client, "?page=99"))  # past the end: the last page
    assert last[-1] == "x-ray"


def test_each_entry_shows_its_explanation_origin_credit_and_review_status(client):
    html = get(client, "?q=biopsy")
    assert "The removal of cells or tissues for examination by a pathologist." in html
    assert "Source: NCI Dictionary of Cancer Terms, National Cancer Institute, cancer.gov" in html
    assert "The English explanation is quoted from the source." in html
    assert "Not yet checked by a medical reviewer." in html and "No medical reviewer has checked" in html
    project = get(client, "?q=arthroplasty")
    assert "Written for MediJourney." in project and "quoted from the source" not in project
    cdc = get(client, "?q=hypertension")
    assert "CDC Plain Language Thesaurus" in cdc and "adapted from the source" in cdc


def test_search_finds_a_term_and_an_alias(client):
    assert entry_ids(get(client, "?q=stent"))[0] == "stent"
    html = get(client, "?q=tummy+tuck")
    assert entry_ids(html) == ["abdominoplasty"] and "1 term matches “tummy tuck”." in html
    assert entry_ids(get(client, "?q=IVF")) == ["in-vitro-fertilization"]


def test_search_in_another_language_matches_its_terms_and_english(client):
    html = get(client, "?q=خزعة", lang="ar")
    assert entry_ids(html)[0] == "biopsy" and '<html lang="ar" dir="rtl"' in html
    assert "أخذ خلايا أو أنسجة ليفحصها طبيب علم الأمراض." in html
    assert "Translation machine-drafted, not reviewed by a medical translator." not in html  # translated
    assert "ترجمة آلية لم يراجعها مترجم طبي." in html
    assert entry_ids(get(client, "?q=biopsy", lang="ar"))[0] == "biopsy"  # English in the Arabic page
    assert entry_ids(get(client, "?q=биопсию", lang="ru")) == ["biopsy"]


def test_no_match_says_so_with_a_way_back(client):
    html = get(client, "?q=zzzq")
    assert "No term matches “zzzq”." in html and entry_ids(html) == []
    assert any(a["href"] == "/glossary/" for a in anchors(html))
    assert contains(html, 'value="zzzq"')


def test_a_query_with_markup_is_escaped(client):
    html = get(client, "?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_the_page_needs_no_database_query_for_the_glossary(client):
    client.get("/glossary/")  # warm the per-process load
    with CaptureQueriesContext(connection) as first:
        client.get("/glossary/?page=1")
    with CaptureQueriesContext(connection) as search:
        client.get("/glossary/?q=a&page=3")
    assert len(search) <= len(first) <= 3  # only the session/user lookups, none per term


def test_the_footer_links_to_the_glossary(client):
    assert any(a["href"] == "/glossary/" for a in anchors(client.get("/about/").content.decode()))


def test_the_api_pages_searches_and_answers_in_the_asked_language(client):
    body = client.get("/api/v1/glossary?limit=10&offset=0").json()
    assert body["count"] == 174 and len(body["items"]) == 10
    first = body["items"][0]
    assert first["id"] == "abdomen" and first["reviewed"] is False and first["translation"] == "original"
    hit = client.get("/api/v1/glossary", {"q": "tummy tuck", "lang": "fr"}).json()
    assert hit["count"] == 1
    item = hit["items"][0]
    assert item["lang"] == "fr" and item["term"] == "abdominoplastie" and item["english"]["term"] == "abdominoplasty"
    assert item["translation"] == "machine-drafted, not reviewed by a medical translator"
    assert item["source"] == "project" and item["explanation_is"] == "written"


def test_the_api_names_a_bad_field(client):
    response = client.get("/api/v1/glossary", {"lang": "de"})
    assert response.status_code == 422
    assert any(e["field"] == "lang" for e in response.json()["errors"])
    assert client.get("/api/v1/glossary", {"limit": 0}).status_code == 422
    assert client.get("/api/v1/glossary", {"q": "x" * 101}).status_code == 422


def test_the_openapi_document_has_the_glossary_components():
    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert "GlossaryEntryOut" in schemas and "/api/v1/glossary" in api.get_openapi_schema()["paths"]


EVERYONE_200 = {
    "anonymous": 200,
    **dict.fromkeys(["patient", "case_manager", "partner", "quality_lead", "specialist", "clinician", "admin"], 200),
}


def test_the_page_and_the_api_are_public_for_everyone(matrix):
    for url in ("/glossary/", "/glossary/?q=stent", "/api/v1/glossary", "/api/v1/glossary?q=stent&lang=ar"):
        matrix.check(method="GET", url=lambda obj, u=url: u, expect=EVERYONE_200)


def test_writing_to_the_page_or_the_api_is_refused(client):
    assert client.post("/glossary/").status_code == 405
    assert client.post("/api/v1/glossary", {}).status_code in (403, 405)
