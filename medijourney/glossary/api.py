"""Glossary API: GET /api/v1/glossary (public reference text, paged, searchable)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from medijourney.core.api import Paged

from .schemas import GlossaryEntryOut, GlossaryQuery
from .selectors import Entry, current_language, glossary_search

router = Router(tags=["glossary"])


def entry_out(entry: Entry, lang: str) -> dict[str, Any]:
    text, english = entry.text(lang), entry.texts["en"]
    return {
        "id": entry.id,
        "lang": text.lang,
        "term": text.term,
        "aliases": list(text.aliases),
        "explanation": text.explanation,
        "english": {"term": english.term, "explanation": english.explanation},
        "source": entry.source,
        "credit": entry.credit,
        "url": entry.url,
        "explanation_is": entry.explanation_is,
        "translation": "original" if text.lang == "en" else "machine-drafted, not reviewed by a medical translator",
        "reviewed": entry.reviewed,
    }


@router.get("/glossary", response=list[GlossaryEntryOut], summary="Medical glossary terms")
@paginate(Paged)
def list_glossary(request: HttpRequest, filters: Query[GlossaryQuery]) -> list[dict[str, Any]]:
    lang = filters.lang or current_language()
    return [entry_out(e, lang) for e in glossary_search(filters.q, lang)]
