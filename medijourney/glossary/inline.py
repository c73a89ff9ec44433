"""Terms explained where they appear: the first occurrence of each glossary term in a product text
(a procedure's description, a treatment plan, a discharge summary, a check-in question) becomes a
``<details class="gloss">`` whose summary is the word as written and whose body is the plain
explanation in the reader's language, with a link to the glossary entry. Works without JavaScript;
nothing is hover-only.

Matching: whole words, case-insensitive, longest form first, in the current language and in
English (much product text is English whatever the interface language). The text is escaped first
and only the text between tags is searched, so nothing inside a tag or attribute, and nothing
already inside a link or an explanation, is wrapped. Never for messages between people."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext

from .selectors import Entry, current_language, glossary

# Letters and the combining marks that belong to words in the six languages (Bengali vowel signs
# and Arabic diacritics are not ``\w`` in Python), so "whole word" holds in each script.
_WORD = (
    r"\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u0900-\u0903\u093a-\u094f\u0981-\u0983\u09bc-\u09d7\u09e2\u09e3"
)
# Arabic attaches "the", "and", "with", "for" to the word: allow them before a form.
_ARABIC_PREFIX = "(?:[وف]?(?:بال|كال|لل|ال|ب|ل)?)"
_TAG = re.compile(r"(<[^>]*>)")
_SKIP_INSIDE = {"a", "details", "summary", "script", "style", "code"}


@lru_cache(maxsize=16)
def _matcher(lang: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One compiled pattern per language (forms in ``lang`` and English, longest first) and the
    entry id of each form (casefolded)."""
    form_to_id: dict[str, str] = {}
    for code in dict.fromkeys([lang, "en"]):
        for entry in glossary().entries:
            text = entry.texts.get(code)
            if text is None:
                continue
            for form in text.forms:
                form_to_id.setdefault(form.casefold(), entry.id)
    forms = sorted(form_to_id, key=len, reverse=True)
    prefix = _ARABIC_PREFIX if lang == "ar" else ""
    body = "|".join(re.escape(f) for f in forms)
    pattern = re.compile(rf"(?<![{_WORD}-])({prefix})({body})(?![{_WORD}-])", re.IGNORECASE)
    return pattern, form_to_id


def _explanation(entry: Entry, lang: str, written: str) -> SafeString:
    """The inline explanation of ``entry``; ``written`` is the word as the text has it (escaped here)."""
    text = entry.text(lang)
    url = reverse("glossary:glossary") + "?" + urlencode({"q": entry.texts["en"].term}) + "#" + entry.id
    return format_html(
        '<details class="gloss"><summary>{}</summary><span class="gloss-body"><span lang="{}" dir="auto">'
        '<strong>{}</strong>: {}</span> <a href="{}">{}</a></span></details>',
        written,
        text.lang,
        text.term,
        text.explanation,
        url,
        gettext("More in the glossary"),
    )


def _explain_plain(text: str, lang: str, seen: set[str]) -> SafeString:
    """Plain text, escaped, with the first occurrence of each term (not in ``seen``) explained."""
    pattern, form_to_id = _matcher(lang)
    out, pos = SafeString(""), 0
    for m in pattern.finditer(text):
        entry_id = form_to_id.get(m.group(2).casefold())
        if entry_id is None or entry_id in seen:
            continue
        seen.add(entry_id)
        out += escape(text[pos : m.start()]) + _explanation(glossary().by_id[entry_id], lang, m.group(0))
        pos = m.end()
    return out + escape(text[pos:])


def _tag_name(tag: str) -> tuple[str, bool]:
    m = re.match(r"<\s*(/?)\s*([a-zA-Z0-9]+)", tag)
    if not m:
        return "", False
    return m.group(2).lower(), m.group(1) == "/"


def _explain_markup(markup: str, lang: str, seen: set[str]) -> SafeString:
    """Markup that was already safe: only the text between tags is searched, and nothing inside a
    link, an explanation, a script or code."""
    out, depth = SafeString(""), 0
    for piece in _TAG.split(markup):
        if piece.startswith("<"):
            name, closing = _tag_name(piece)
            if name in _SKIP_INSIDE:
                depth = max(0, depth - 1) if closing else depth + 1
            out += SafeString(piece)  # nosec B703 - a tag of markup that was safe already
        elif depth == 0 and piece:
            out += _explain_plain(html.unescape(piece), lang, seen)
        else:
            out += SafeString(piece)  # nosec B703 - text inside a skipped element of safe markup
    return out


def explain_terms(value: object, lang: str | None = None, seen: set[str] | None = None) -> SafeString:
    """``value`` escaped (or, if already safe markup, kept), with the first occurrence of each
    glossary term wrapped in an inline explanation. ``seen`` carries terms already explained."""
    if value is None or value == "":
        return SafeString("")
    lang = lang or current_language()
    seen = set() if seen is None else seen
    if isinstance(value, SafeData):
        return _explain_markup(str(value), lang, seen)
    return _explain_plain(str(value), lang, seen)


def _what_is(word: str) -> str:
    return gettext("What does “%(term)s” mean?") % {"term": word}


def explained_terms(value: object, lang: str | None = None) -> SafeString:
    """Only the explanations of the terms in ``value`` (not the text), for places where the text
    must stay plain, such as a form field's ``<label>`` or ``<legend>`` (no ``<details>`` there)."""
    if value is None or value == "":
        return SafeString("")
    lang = lang or current_language()
    text = str(value)
    if isinstance(value, SafeData):
        text = html.unescape(_TAG.sub(" ", text))
    pattern, form_to_id = _matcher(lang)
    found: dict[str, str] = {}
    for m in pattern.finditer(text):
        entry_id = form_to_id.get(m.group(2).casefold())
        if entry_id and entry_id not in found:
            found[entry_id] = m.group(0)
    if not found:
        return SafeString("")
    parts = format_html_join(
        "", "{}", ((_explanation(glossary().by_id[i], lang, _what_is(w)),) for i, w in found.items())
    )
    return format_html('<div class="gloss-notes">{}</div>', parts)
