"""The glossary's files: every entry has its origin, credit and review status, and a term and a
one- or two-sentence explanation in every interface language; the choice stays within bounds."""

import json
import re
from collections import Counter

import pytest
from django.conf import settings

from medijourney.glossary.selectors import DATA, EXPLANATION_KINDS, SOURCES, glossary

LANGS = [code for code, _name in settings.LANGUAGES]
ENTRIES = json.loads((DATA / "en.json").read_text(encoding="utf-8"))["entries"]
# A sentence ends with . ! ? or the Bengali full stop, before a space or the end.
_END = re.compile(r"[.!?।](?=\s|$)")


def sentences(text: str) -> int:
    # Decimal points and abbreviations such as "e.g." are not sentence ends.
    return len(_END.findall(text.replace("e.g.", "eg")))


def test_between_150_and_300_entries_from_the_three_origins():
    counts = Counter(e["source"] for e in ENTRIES)
    assert 150 <= len(ENTRIES) <= 300
    assert counts["cdc"] >= 20 and counts["nci_cancer"] >= 60 and counts["project"] >= 30
    assert set(counts) <= set(SOURCES)
    assert len({e["id"] for e in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["id"])
def test_each_entry_says_where_it_comes_from_and_that_nobody_reviewed_it(entry):
    assert entry["source"] in SOURCES and entry["explanation_is"] in EXPLANATION_KINDS
    assert entry["reviewed"] is False
    if entry["source"] == "project":
        assert entry["explanation_is"] == "written" and entry["credit"] == "Written for MediJourney"
    else:
        assert entry["explanation_is"] in {"quoted", "adapted"} and entry["source_term"]
        assert entry["credit"].startswith("Source: ") and entry["url"].startswith("https://")
    if entry["source"].startswith("nci"):
        assert "National Cancer Institute, cancer.gov" in entry["credit"]
    if entry["source"] == "cdc":
        assert "Centers for Disease Control and Prevention" in entry["credit"]


def test_quoted_explanations_are_word_for_word_in_the_source_extract():
    extract = (DATA / "sources" / "nci_cancer_terms_used.csv").read_text(encoding="utf-8")
    quoted = [e for e in ENTRIES if e["explanation_is"] == "quoted"]
    assert len(quoted) > 50
    for e in quoted:
        for sentence in re.split(r"(?<=\.) ", e["explanation"]):
            assert sentence in extract, e["id"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_has_a_term_and_a_one_or_two_sentence_explanation_in_each_language(lang):
    problems = []
    for entry in glossary().entries:
        text = entry.texts.get(lang)
        if text is None or not text.term.strip() or not text.explanation.strip():
            problems.append(f"{entry.id}: missing")
        elif not 1 <= sentences(text.explanation) <= 2:
            problems.append(f"{entry.id}: {sentences(text.explanation)} sentences: {text.explanation}")
        elif any(not a.strip() for a in text.aliases):
            problems.append(f"{entry.id}: empty alias")
    assert problems == []


@pytest.mark.parametrize("lang", [code for code in LANGS if code != "en"])
def test_each_translation_file_says_it_was_machine_drafted_and_not_reviewed(lang):
    raw = json.loads((DATA / f"{lang}.json").read_text(encoding="utf-8"))
    assert raw["reviewed_by_medical_translator"] is False and raw["about"]
    assert set(raw["entries"]) == {e["id"] for e in ENTRIES}
    assert {t["translation"] for t in raw["entries"].values()} == {
        "machine-drafted, not reviewed by a medical translator"
    }


def test_no_form_points_at_two_entries_in_one_language():
    for lang in LANGS:
        seen: dict[str, str] = {}
        clashes = []
        for entry in glossary().entries:
            for form in entry.text(lang).forms:
                key = form.casefold()
                if key in seen and seen[key] != entry.id:
                    clashes.append(f"{lang}: {form!r} in {seen[key]} and {entry.id}")
                seen.setdefault(key, entry.id)
        assert clashes == []


def test_the_provenance_credits_each_source():
    text = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "Source: NCI Dictionary of Cancer Terms, National Cancer Institute, cancer.gov" in text
    assert "Centers for Disease Control and Prevention" in text and "public domain" in text
    assert "not reviewed" in text.lower()
