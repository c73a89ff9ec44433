"""Reading the glossary: the entries from ``data/<lang>.json``, loaded once per process (the files
ship with the code and change only with a release), and search over them.

``data/en.json`` holds every entry with its origin, credit and review status; each other language's
file holds the term, the forms to match and the explanation for every entry id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import translation

DATA = Path(__file__).resolve().parent / "data"
SOURCES = ("cdc", "nci_cancer", "nci_genetics", "project")
EXPLANATION_KINDS = ("quoted", "adapted", "written")


@dataclass(frozen=True)
class Text:
    """An entry in one language: the term, the other forms to match, the explanation."""

    lang: str
    term: str
    aliases: tuple[str, ...]
    explanation: str

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Entry:
    id: str
    source: str  # cdc | nci_cancer | nci_genetics | project
    source_term: str
    credit: str
    url: str
    explanation_is: str  # quoted | adapted | written (for the English text)
    reviewed: bool  # has a medical reviewer checked it? (none has)
    texts: dict[str, Text]

    def text(self, lang: str) -> Text:
        """The entry in ``lang``, or in English when the language has no text for it."""
        return self.texts.get(lang) or self.texts["en"]


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]
    by_id: dict[str, Entry]
    notes: dict[str, str]  # per language: how the text was produced


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _read(lang: str) -> dict[str, object]:
    path = DATA / f"{lang}.json"
    if not path.exists():
        return {}
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _texts(raw: dict[str, object], lang: str) -> dict[str, Text]:
    out = {}
    entries = raw.get("entries", {})
    assert isinstance(entries, dict)
    for entry_id, t in entries.items():
        out[entry_id] = Text(lang, t["term"], tuple(t.get("aliases", ())), t["explanation"])
    return out


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    english = _read("en")
    others = {lang: _read(lang) for lang in languages() if lang != "en"}
    translated = {lang: _texts(raw, lang) for lang, raw in others.items()}
    entries = []
    en_entries = english["entries"]
    assert isinstance(en_entries, list)
    for e in en_entries:
        texts = {"en": Text("en", e["term"], tuple(e["aliases"]), e["explanation"])}
        for lang, by_id in translated.items():
            if e["id"] in by_id:
                texts[lang] = by_id[e["id"]]
        entries.append(
            Entry(
                id=e["id"],
                source=e["source"],
                source_term=e["source_term"],
                credit=e["credit"],
                url=e["url"],
                explanation_is=e["explanation_is"],
                reviewed=bool(e["reviewed"]),
                texts=texts,
            )
        )
    notes = {lang: str(raw.get("about", "")) for lang, raw in others.items()}
    return Glossary(tuple(entries), {e.id: e for e in entries}, notes)


def current_language() -> str:
    lang = (translation.get_language() or "en").split("-")[0]
    return lang if lang in languages() else "en"


def entries_sorted(lang: str) -> list[Entry]:
    """Every entry, in alphabetical order of its term in ``lang``."""
    return sorted(glossary().entries, key=lambda e: e.text(lang).term.casefold())


def _rank(entry: Entry, needle: str, lang: str) -> int | None:
    """0: a form is the query; 1: a form starts with it; 2: a form contains it; None: no match.
    Forms in ``lang`` and in English count."""
    best = None
    for text in {entry.text(lang), entry.texts["en"]}:
        for form in text.forms:
            f = form.casefold()
            rank = 0 if f == needle else 1 if f.startswith(needle) else 2 if needle in f else None
            if rank is not None and (best is None or rank < best):
                best = rank
    return best


def glossary_search(q: str, lang: str) -> list[Entry]:
    """Entries whose term or aliases (in ``lang`` or English) contain ``q``, best matches first;
    every entry when ``q`` is blank."""
    needle = " ".join(q.split()).casefold()
    if not needle:
        return entries_sorted(lang)
    ranked = []
    for entry in glossary().entries:
        rank = _rank(entry, needle, lang)
        if rank is not None:
            ranked.append((rank, entry.text(lang).term.casefold(), entry))
    return [e for _r, _t, e in sorted(ranked, key=lambda x: (x[0], x[1]))]


_SAME_LETTER = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})  # Arabic alif with hamza or madda files under alif


def letter_of(entry: Entry, lang: str) -> str:
    return entry.text(lang).term[:1].upper().translate(_SAME_LETTER)
