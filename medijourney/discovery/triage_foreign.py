"""Triage in Arabic, Spanish, French, Russian and Bengali: each language's lexicon
(``data/triage_lexicon_<lang>.txt``, same format as the English one) matched against the text
after light normalisation and suffix stripping (:mod:`.triage_text`). Gives per-specialty weights
in the same shape and scale as the English reading, which triage adds together, so that English
medical words inside such a text count as well. CPU only, standard library, data read once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Set
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .triage_text import FOREIGN_LANGUAGES, Token, normalise_foreign, normalise_spans, tokenize_foreign

DATA = Path(__file__).resolve().parent / "data"
REORDERED_FACTOR = 0.9
_LINE_RE = re.compile(r"^(?P<weight>\d+(?:\.\d+)?)\s*:\s*(?P<phrases>[^>]*?)\s*(?:>\s*(?P<procs>.*))?$")

# Small words dropped before matching (so "dolor de rodilla" matches "dolor rodilla").
_STOPWORDS = {
    "es": "de del la el los las en mi mis me y a con que un una unos unas al por para se lo le les su sus muy e o",
    "fr": "de du des la le les l d en mon ma mes et a au aux un une j je me m ai est son sa ses tres",
    "ru": "в во на у с со и по к ко о об от для из мне меня я мой моя мои мою а же",
    "ar": "في من على الى عن مع و او عند عندي لي",
    "bn": "আমার আমি এর ও আর এবং এ যে কি",
}
# Negation cues (the scope runs to the end of the clause or a few words); Bengali also negates
# after the words ("বুকে ব্যথা নেই": no chest pain).
_NEGATION = {
    "es": "no sin niega nunca ni tampoco",
    "fr": "pas sans aucun aucune jamais ni",
    "ru": "не нет без ни отрицает",
    "ar": "لا ليس ليست بدون لم بلا",
    "bn": "",
}
_POST_NEGATION = {"bn": frozenset(["নেই", "নাই", "না"])}
_SCOPE_END = {
    "es": "pero aunque sino",
    "fr": "mais sauf",
    "ru": "но однако",
    "ar": "لكن بس",
    "bn": "কিন্তু তবে",
}
_CLAUSE_CHARS = set(".,;:!?()\n،؛؟।")
_NEGATION_WINDOW = 4


@dataclass(frozen=True)
class _Entry:
    specialty: str
    weight: float
    pointers: tuple[str, ...]


@dataclass
class _Lexicon:
    entries: dict[tuple[str, ...], list[_Entry]]
    by_stem: dict[str, list[tuple[str, ...]]]  # 2- and 3-word phrases by each of their stems
    max_len: int
    single: frozenset[str]  # one-word phrases (for language detection)


Rows = list[tuple[str, float, list[str], tuple[str, ...]]]


def parse_lexicon(text: str) -> Rows:
    """Lines of ``weight: phrase; phrase > slug, slug`` under ``[section]`` headings.
    Returns (section, weight, phrases, procedure slugs) rows."""
    rows = []
    section = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        m = _LINE_RE.match(line)
        if not m or section is None:
            raise ValueError(f"triage lexicon line {lineno}: cannot read {raw!r}")
        phrases = [p.strip() for p in m.group("phrases").split(";") if p.strip()]
        procs = tuple(p.strip() for p in (m.group("procs") or "").split(",") if p.strip())
        rows.append((section, float(m.group("weight")), phrases, procs))
    return rows


def _content(tokens: list[Token], lang: str) -> list[Token]:
    stop = _stopwords(lang)
    return [t for t in tokens if t.norm not in stop]


@lru_cache(maxsize=8)
def _stopwords(lang: str) -> frozenset[str]:
    return frozenset(normalise_foreign(_STOPWORDS.get(lang, ""), lang).split())


def phrase_key(text: str, lang: str) -> tuple[str, ...]:
    return tuple(t.stem for t in _content(tokenize_foreign(normalise_foreign(text, lang), lang), lang))


def lexicon_path(lang: str) -> Path:
    return DATA / f"triage_lexicon_{lang}.txt"


@lru_cache(maxsize=8)
def lexicon(lang: str) -> _Lexicon:
    entries: dict[tuple[str, ...], list[_Entry]] = defaultdict(list)
    path = lexicon_path(lang)
    rows = parse_lexicon(path.read_text(encoding="utf-8")) if path.exists() else []
    for section, weight, phrases, procs in rows:
        for text in phrases:
            key = phrase_key(text, lang)
            if not key:
                continue
            same = [e for e in entries[key] if e.specialty == section]
            if same and same[0].weight >= weight:
                continue
            entries[key] = [e for e in entries[key] if e.specialty != section] + [_Entry(section, weight, procs)]
    by_stem: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for key in entries:
        if 2 <= len(key) <= 3:
            for s in set(key):
                by_stem[s].append(key)
    return _Lexicon(
        entries=dict(entries),
        by_stem=dict(by_stem),
        max_len=max((len(k) for k in entries), default=1),
        single=frozenset(k[0] for k in entries if len(k) == 1),
    )


def specialties_used(lang: str) -> set[str]:
    return {e.specialty for entries in lexicon(lang).entries.values() for e in entries}


@dataclass
class _Word:
    token: Token
    clause: int
    negated: bool


def _words(normalised: str, lang: str) -> list[_Word]:
    tokens = tokenize_foreign(normalised, lang)
    cues = frozenset(normalise_foreign(_NEGATION.get(lang, ""), lang).split())
    ends = frozenset(normalise_foreign(_SCOPE_END.get(lang, ""), lang).split())
    post = _POST_NEGATION.get(lang, frozenset())
    stop = _stopwords(lang)
    out: list[_Word] = []
    clause, scope = 0, 0
    for i, tok in enumerate(tokens):
        gap = normalised[tokens[i - 1].end : tok.start] if i else ""
        if any(ch in _CLAUSE_CHARS for ch in gap) or tok.norm in ends:
            clause += 1
            scope = 0
        if tok.norm in cues:
            scope = _NEGATION_WINDOW
            continue
        negated = scope > 0
        scope = max(0, scope - 1)
        if tok.norm in post:
            for w in out[-3:]:
                if w.clause == clause:
                    w.negated = True
            continue
        if tok.norm not in stop:
            out.append(_Word(tok, clause, negated))
    return out


@dataclass
class _Hit:
    key: tuple[str, ...]
    positions: tuple[int, ...]
    factor: float


def _exact(words: list[_Word], lex: _Lexicon) -> list[_Hit]:
    hits = []
    for i in range(len(words)):
        for n in range(1, min(lex.max_len, len(words) - i) + 1):
            if words[i + n - 1].clause != words[i].clause:
                break
            key = tuple(w.token.stem for w in words[i : i + n])
            if key in lex.entries:
                hits.append(_Hit(key, tuple(range(i, i + n)), 1.0))
    return hits


def _reordered(words: list[_Word], lex: _Lexicon) -> list[_Hit]:
    """Two- and three-word phrases in another order or a few words apart, within one clause."""
    where: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, w in enumerate(words):
        where[(w.clause, w.token.stem)].append(i)
    hits, seen = [], set()
    for w in words:
        for key in lex.by_stem.get(w.token.stem, ()):
            if (key, w.clause) in seen:
                continue
            seen.add((key, w.clause))
            options = [where.get((w.clause, s), []) for s in key]
            if not all(options):
                continue
            chosen: list[int] = []
            for opts in options:
                free = [p for p in opts if p not in chosen]
                if not free:
                    break
                chosen.append(free[0])
            contiguous = tuple(chosen) == tuple(range(chosen[0], chosen[0] + len(key))) if chosen else True
            if len(chosen) == len(key) and max(chosen) - min(chosen) < len(key) + 3 and not contiguous:
                hits.append(_Hit(key, tuple(sorted(chosen)), REORDERED_FACTOR))
    return hits


def _select(hits: list[_Hit]) -> list[_Hit]:
    ordered = sorted(hits, key=lambda h: (-len(h.positions), -h.factor, min(h.positions)))
    taken: set[int] = set()
    chosen = []
    for hit in ordered:
        if taken.intersection(hit.positions):
            continue
        taken.update(hit.positions)
        chosen.append(hit)
    return chosen


Weights = dict[str, dict[tuple[str, ...], float]]
Evidence = dict[str, dict[str, float]]


@dataclass
class ForeignReading:
    weights: Weights  # specialty -> phrase key -> weight
    evidence: Evidence  # specialty -> words as written (normalised) -> weight
    pointers: dict[str, float]  # procedure slug -> pointer vote
    hits: int


def foreign_weights(text: str, lang: str) -> ForeignReading:
    """The specialties the text's words in ``lang`` point to (negated phrases left out)."""
    reading = ForeignReading(defaultdict(dict), defaultdict(dict), {}, 0)
    if lang not in FOREIGN_LANGUAGES:
        return reading
    lex = lexicon(lang)
    normalised, offsets, base = normalise_spans(text, lang)
    words = _words(normalised, lang)
    for hit in _select([*_exact(words, lex), *_reordered(words, lex)]):
        if any(words[p].negated for p in hit.positions):
            continue
        reading.hits += 1
        first, last = words[min(hit.positions)].token, words[max(hit.positions)].token
        surface = " ".join(base[offsets[first.start] : offsets[last.end - 1] + 1].split())[:60]
        for entry in lex.entries[hit.key]:
            weight = entry.weight * hit.factor
            key = (lang + ":", *hit.key)
            seen = reading.weights[entry.specialty]
            seen[key] = max(seen.get(key, 0.0), weight)
            ev = reading.evidence[entry.specialty]
            ev[surface] = max(ev.get(surface, 0.0), weight)
            for slug in entry.pointers:
                reading.pointers[slug] = max(reading.pointers.get(slug, 0.0), 0.6 * min(1.0, weight / 3.0))
    return reading


def lexicon_hits(text: str, exclude: Set[str] = frozenset(), langs: tuple[str, ...] = ("es", "fr")) -> dict[str, int]:
    """How many words of the text are one-word phrases of each Latin-script lexicon, leaving out
    words in ``exclude`` (words English has too)."""
    out = {}
    for lang in langs:
        single = lexicon(lang).single
        tokens = tokenize_foreign(normalise_foreign(text, lang), lang)
        out[lang] = sum(t.stem in single and t.norm not in exclude for t in tokens)
    return out
