"""Issue 17: a string meant for people that nobody marked for translation shows up here. Key pages
are rendered in a pseudo-locale whose catalogue wraps every marked message in ⟦…⟧; any English
words left outside the brackets in the page's text were never marked."""

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from django.test import override_settings
from django.utils import translation
from lxml import html as lxml_html

from medijourney.testing.messages import PLURALS, source_messages

PSEUDO = "eo"  # a real language code Django knows (Esperanto), never offered to people here
PAGES = [
    "/",
    "/about/",
    "/privacy/",
    "/terms/",
    "/contact/",
    "/reviews/",
    "/inquiry/",
    "/triage/",
    "/search/",
    "/accounts/login/",
    "/accounts/signup/",
    "/procedures/",
    "/hospitals/",
    "/emergency/",
    "/glossary/",
    "/glossary/?q=zzzz",
]
# Words that are rightly the same in every language: names, codes and units.
ALLOWED = {
    "MediJourney",
    "JCI",
    "NABH",
    "FHIR",
    "IPS",
    "HL7",
    "ISO",
    "UTC",
    "PDF",
    "JPEG",
    "PNG",
    "MB",
    "API",
    "OpenAPI",
    "CSV",
    "NHS",
    "CMS",
    "ECB",
    "WHO",
    "SMART",
    "ICD",
    "SNOMED",
    "LOINC",
    "htmx",
}
# English words, to tell unmarked English from what third-party catalogues (Django, countries)
# render in Esperanto: the project's own word list (discovery/data/PROVENANCE.md).
ENGLISH = set((Path(__file__).resolve().parents[2] / "discovery" / "data" / "english_words.txt").read_text().split())


def _pseudo(text: str) -> str:
    return "⟦" + text + "⟧"


@pytest.fixture
def pseudo_locale(tmp_path: Path):
    catalog = Catalog(locale=PSEUDO, fuzzy=False)
    for context, msgid in source_messages():
        plural = PLURALS.get((context, msgid))
        if plural is None:
            catalog.add(msgid, _pseudo(msgid), context=context)
        else:
            catalog.add((msgid, plural), (_pseudo(msgid), _pseudo(plural)), context=context)
    folder = tmp_path / PSEUDO / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "django.mo").open("wb") as f:
        write_mo(f, catalog)
    with override_settings(LOCALE_PATHS=[tmp_path], LANGUAGES=[("en", "English"), (PSEUDO, "pseudo")]):
        yield  # override_settings resets Django's translation caches on the way in and out
    translation.activate("en")


def _unmarked(page_html: str) -> list[str]:
    doc = lxml_html.fromstring(page_html)
    main = doc.find(".//main")
    assert main is not None
    # Left out: choices from data (countries, languages), scripts, and text marked as another
    # language (lang="en" on a source citation, say).
    for bad in main.xpath(".//select|.//script|.//style|.//*[@lang]|.//*[@translate='no']"):
        bad.drop_tree()
    for code in main.xpath(".//code"):  # formulas and identifiers, not prose
        code.drop_tree()
    text = re.sub(r"\S+@\S+", " ", " ".join(main.itertext()))  # email addresses
    outside = re.sub(r"⟦.*?⟧", " ", text, flags=re.S)
    found = []
    for m in re.finditer(r"[A-Za-z][A-Za-z'’-]{2,}", outside):
        if m.group(0) not in ALLOWED and m.group(0).lower() in ENGLISH:
            found.append(" ".join(outside[max(0, m.start() - 40) : m.end() + 40].split()))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_word_on_key_pages_was_marked_for_translation(client, pseudo_locale, path):
    response = client.get(path, headers={"Accept-Language": PSEUDO})
    assert response.status_code == 200, path
    assert f'<html lang="{PSEUDO}"' in response.content.decode()
    left = _unmarked(response.content.decode())
    assert not left, f"{path}: English not marked for translation, in: {left[:10]}"
