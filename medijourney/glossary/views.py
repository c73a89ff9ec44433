"""The glossary page, /glossary/: every term with its plain explanation in the reader's language,
in letter sections and pages, with a search form (GET ``q``) that works without JavaScript."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import Entry, current_language, glossary, glossary_search, letter_of

PAGE_SIZE = 40
MAX_QUERY = 100


def _letter_pages(entries: list[Entry], lang: str) -> list[tuple[str, int]]:
    """(letter, page number) for the letter index: the page where each letter starts."""
    out: list[tuple[str, int]] = []
    for i, entry in enumerate(entries):
        letter = letter_of(entry, lang)
        if not out or out[-1][0] != letter:
            out.append((letter, i // PAGE_SIZE + 1))
    return out


def _rows(entries: list[Entry], lang: str) -> list[dict[str, Any]]:
    return [
        {"entry": e, "text": e.text(lang), "english": e.texts["en"], "translated": lang in e.texts and lang != "en"}
        for e in entries
    ]


@require_GET
def glossary_page(request: HttpRequest) -> HttpResponse:
    lang = current_language()
    q = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    entries = glossary_search(q, lang)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    sections = [
        (letter, _rows(list(group), lang))
        for letter, group in groupby(page.object_list, key=lambda e: letter_of(e, lang))
    ]
    context = {
        "q": q,
        "lang": lang,
        "page": page,
        "sections": sections,
        "letters": [] if q else _letter_pages(entries, lang),
        "total": len(glossary().entries),
        "count": len(entries),
    }
    return render(request, "glossary/glossary.html", context)
