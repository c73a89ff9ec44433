"""Free-text triage: route a person's own words to medical specialties and candidate procedures.

This is routing, not diagnosis. A pure function of the text: CPU only, no network, no database.
The lexicon (``discovery/data/triage_lexicon.txt``), the procedure dataset
(``medijourney/data/procedures/procedures.csv``) and the specialty taxonomy are read once and
cached. See ``docs`` in the lexicon file for its format.

How a text is scored:

1. Words are folded (accents, British spellings), stemmed (Porter) and, when a word of five
   letters or more is not a known English word, corrected to the closest lexicon word.
2. Lexicon phrases are matched longest first, so "kidney stone" (urology) wins over "kidney".
   Phrases in a negated stretch ("no chest pain, but ...") are ignored.
   Two- and three-word phrases also match in another order or a few words apart, within one
   sentence ("pain in my chest" for "chest pain"); the longest phrases are chosen first and no
   word counts twice.
3. Each specialty's raw score adds the weights of the distinct phrases that matched it, the
   strongest first, each further one counting ``DECAY`` times less; the score shown is
   ``1 - exp(-raw / 3)`` (one specific term ≈ 0.6, two ≈ 0.8). ``confident`` needs a raw score
   of ``CONFIDENT_RAW`` (one specific term, or two weaker ones).
4. Procedures come from their names and synonyms in the dataset (a named procedure also counts
   ``NAMED_WEIGHT`` for its specialty) and from lexicon phrases that point at them, weighted by
   how well their specialty matched.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .triage_foreign import foreign_weights, lexicon_hits, parse_lexicon
from .triage_text import (
    FOREIGN_LANGUAGES,
    STOPWORDS,
    SUPPORTED_LANGUAGES,
    Detected,
    FuzzyIndex,
    Token,
    americanise,
    detect_language,
    fold,
    phrase_stems,
    phrase_tokens,
    stem,
    tokenize,
)

__all__ = [
    "MAX_TEXT_LENGTH",
    "NOTICE",
    "ProcedureMatch",
    "SpecialtyMatch",
    "TriageResult",
    "triage",
]


@dataclass(frozen=True)
class SpecialtyMatch:
    id: str
    name: str
    score: float
    evidence: list[str]


@dataclass(frozen=True)
class ProcedureMatch:
    slug: str
    name: str
    score: float
    named: bool = False  # the text names this procedure (its name or a synonym), not only a condition


@dataclass(frozen=True)
class TriageResult:
    specialties: list[SpecialtyMatch]  # at least 3, best first; ids from the taxonomy
    procedures: list[ProcedureMatch]  # from the procedure dataset, best first (may be empty)
    notice: str  # says this routes to a specialty and is not a diagnosis
    confident: bool  # False when the text names no condition / scores are low
    lang: str = "en"  # the language the text was read as ("de", "other", ... when not supported)
    lang_from: str = "given"  # given | detected | fallback (the lang given was unknown or did not fit)
    supported: bool = True  # False: a language triage does not read; nothing is routed


NOTICE = (
    "This only routes your description to a medical specialty and to procedures you may want to ask "
    "about. It is not a diagnosis or medical advice: a qualified doctor must assess you."
)
MAX_TEXT_LENGTH = 5000
DETECT_CHARS = 600  # the language is detected from the start of the text
MIN_SPECIALTIES = 3
MAX_SPECIALTIES = 6
MAX_PROCEDURES = 5
SCORE_SCALE = 3.0  # raw weight giving a score of 1 - 1/e ≈ 0.63
CONFIDENT_RAW = 2.0  # at least one specific term, or two weaker ones
FUZZY_FACTOR = 0.85  # a corrected misspelling counts a little less
DECAY = 0.7  # the n-th phrase of a specialty (strongest first) counts DECAY**n of its weight
REORDERED_FACTOR = 0.9  # a phrase found in another order or with words between

_ROOT = Path(__file__).resolve().parent
_DATA = _ROOT / "data"
_PROJECT_DATA = _ROOT.parent / "data"
LEXICON_PATH = _DATA / "triage_lexicon.txt"
WORDS_PATH = _DATA / "english_words.txt"
PROCEDURES_PATH = _PROJECT_DATA / "procedures" / "procedures.csv"
TAXONOMY_PATHS = (_PROJECT_DATA / "taxonomy" / "specialties.json", _DATA / "specialties.json")

# Negation: a cue opens a scope that ends at punctuation, a contrast word, or after a few words.
_NEGATION_CUES = {
    ("no",),
    ("denies",),
    ("denied",),
    ("deny",),
    ("without",),
    ("nor",),
    ("negative", "for"),
    ("free", "of"),
    ("ruled", "out"),
    ("absence", "of"),
    ("never", "had"),
    ("not", "have"),
    ("dont", "have"),
    ("doesnt", "have"),
    ("didnt", "have"),
    ("havent", "had"),
    ("hasnt", "had"),
    ("not", "had"),
    ("no", "history", "of"),
    ("no", "sign", "of"),
    ("no", "signs", "of"),
    ("no", "evidence", "of"),
}
# "no" that does not negate what follows ("no longer able to walk", "no luck getting pregnant").
_PSEUDO_NEGATION_NEXT = {
    "longer",
    "more",
    "improvement",
    "relief",
    "better",
    "luck",
    "success",
    "change",
    "help",
    "end",
    "matter",
    "idea",
    "one",
    "doubt",
    "response",
    "way",
    "real",
    "choice",
    "option",
    "options",
    "good",
    "cure",
}
_SCOPE_END_WORDS = {"but", "however", "though", "although", "except", "yet", "apart", "still", "only", "which"}
_SCOPE_END_CHARS = set(".,;:!?()\n")
_NEGATION_WINDOW = 6
_MOSTLY_CAPS = 0.5  # a text written mostly in capitals cannot tell "ALL" (leukaemia) from "all"
PROCEDURE_SECTION = "procedure-phrases"
ROOTS_SECTION = "roots"
ROOT_MIN_LENGTH = 7
DIRECT_VOTE = 1.0  # a procedure named by its name or synonym
POINTER_VOTE = 0.6  # a procedure a matched condition points to
MIN_PROCEDURE_SCORE = 0.25
NAMED_WEIGHT = 4.0  # naming a procedure says what the person is looking for: it outweighs a condition
NAMED_MIN_VOTE = 0.5  # a name weaker than this (a generic word of the dataset) does not count as naming it


@dataclass
class _Entry:
    specialty: str
    weight: float
    pointers: tuple[str, ...] = ()  # procedures the phrase points to (lexicon "> slugs")
    named: tuple[str, ...] = ()  # procedures whose own name or synonym the phrase is


@dataclass(frozen=True)
class _Phrase:
    key: tuple[str, ...]
    caps: tuple[bool, ...]  # positions that must be written in capitals


@dataclass
class _Procedure:
    slug: str
    name: str
    specialty: str


@dataclass
class _Model:
    names: dict[str, str]  # specialty id -> name, taxonomy order
    entries: dict[_Phrase, list[_Entry]]
    by_key: dict[tuple[str, ...], list[_Phrase]]
    by_stem: dict[str, list[_Phrase]]  # multi-word phrases by each of their stems
    max_len: int
    procedures: dict[str, _Procedure]
    stems: set[str]
    fuzzy: FuzzyIndex
    prefixes: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # root -> (specialty, weight)
    suffixes: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    prior: dict[str, int] = field(default_factory=dict)
    key_prefixes: frozenset[tuple[str, ...]] = frozenset()  # every leading part of every phrase key


# --- loading ---------------------------------------------------------------------------------


def _load_taxonomy() -> dict[str, str]:
    for path in TAXONOMY_PATHS:
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            return {s["id"]: s["name"] for s in data["specialties"]}
    raise FileNotFoundError("No specialty taxonomy found at " + ", ".join(str(p) for p in TAXONOMY_PATHS))


def load_procedures(path: Path = PROCEDURES_PATH) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _words_of(phrase: str) -> list[str]:
    """Lower-case words of a phrase for the misspelling index, without abbreviations ("TESE"
    must not turn "tease" into a sperm-retrieval request)."""
    return [w.lower() for w in re.findall(r"[A-Za-z0-9]+", fold(phrase)) if not (w.isupper() and len(w) <= 6)]


def _load_known_words() -> set[str]:
    if not WORDS_PATH.exists():
        return set()
    return {w for w in WORDS_PATH.read_text(encoding="utf-8").split() if w and not w.startswith("#")}


def _phrase(text: str, known: set[str], marked_caps: bool) -> _Phrase | None:
    """A lexicon phrase as stems. An abbreviation (marked ``=ABC`` in the lexicon, or written in
    capitals in the procedure dataset) must be written in capitals in the text only when it is
    ambiguous: two letters or fewer, or also an ordinary English word ("ALL", "PAD", "MS")."""
    toks = phrase_tokens(text)
    if not toks:
        return None
    caps = tuple((marked_caps or len(text) <= 5) and t.upper and (len(t.norm) <= 2 or t.norm in known) for t in toks)
    return _Phrase(tuple(t.stem for t in toks), caps)


_Rows = list[tuple[str, float, list[str], tuple[str, ...]]]
_Affixes = dict[str, list[tuple[str, float]]]


def _lexicon_specials(rows: _Rows, names: dict[str, str]) -> tuple[dict[tuple[str, ...], float], _Affixes, _Affixes]:
    """The lexicon's procedure-weight overrides and its specialty word roots (prefixes, suffixes)."""
    overrides: dict[tuple[str, ...], float] = {}
    prefixes: _Affixes = defaultdict(list)
    suffixes: _Affixes = defaultdict(list)
    for section, weight, phrases, _procs in rows:
        if section == PROCEDURE_SECTION:
            for text in phrases:
                overrides[phrase_stems(text.lstrip("="))] = weight
        elif section == ROOTS_SECTION:
            for text in phrases:
                spec, _, roots = text.partition(":")
                if spec.strip() not in names:
                    raise ValueError(f"triage lexicon roots: unknown specialty {spec!r}")
                for root in roots.split(","):
                    root = root.strip()
                    if root.startswith("-"):
                        suffixes[root.strip("-")].append((spec.strip(), weight))
                    elif root.endswith("-") and "-" not in root[:-1]:
                        prefixes[root[:-1]].append((spec.strip(), weight))
    return overrides, prefixes, suffixes


class _EntryTable:
    """Phrases and their entries, one entry per specialty (weights and pointers merged)."""

    def __init__(self) -> None:
        self.entries: dict[_Phrase, list[_Entry]] = defaultdict(list)
        self.raw_words: set[str] = set()

    def add(self, phrase: _Phrase, entry: _Entry) -> None:
        for existing in self.entries[phrase]:
            if existing.specialty == entry.specialty:
                existing.weight = max(existing.weight, entry.weight)
                existing.pointers = tuple(dict.fromkeys(existing.pointers + entry.pointers))
                existing.named = tuple(dict.fromkeys(existing.named + entry.named))
                return
        self.entries[phrase].append(entry)


def _add_procedure_names(
    table: _EntryTable, names: dict[str, str], known: set[str], overrides: dict[tuple[str, ...], float]
) -> dict[str, _Procedure]:
    """Each procedure's name, bracketed parts and synonyms name it (and its specialty)."""
    procedures: dict[str, _Procedure] = {}
    for row in load_procedures():
        slug, spec = row["slug"], row["specialty"]
        if spec not in names:
            continue
        procedures[slug] = _Procedure(slug=slug, name=row["name"], specialty=spec)
        name = row["name"]
        variants = [name, re.sub(r"\s*\([^)]*\)", "", name), *re.findall(r"\(([^)]*)\)", name)]
        for text in [*variants, *row.get("synonyms", "").split(";")]:
            text = text.strip()
            phrase = _phrase(text, known, marked_caps=False) if text else None
            if phrase is None:
                continue
            table.raw_words.update(_words_of(text))
            table.add(phrase, _Entry(spec, overrides.get(phrase.key, NAMED_WEIGHT), named=(slug,)))
    return procedures


def _add_lexicon_phrases(
    table: _EntryTable, rows: _Rows, names: dict[str, str], known: set[str], procedures: dict[str, _Procedure]
) -> None:
    """The lexicon's specialty sections: phrases pointing at a specialty (and some procedures)."""
    for section, weight, phrases, procs in rows:
        if section in (PROCEDURE_SECTION, ROOTS_SECTION):
            continue
        if section not in names:
            raise ValueError(f"triage lexicon: unknown specialty {section!r}")
        for text in phrases:
            marked = text.startswith("=")
            text = text.lstrip("=").strip()
            phrase = _phrase(text, known, marked_caps=marked)
            if phrase is None:
                continue
            table.raw_words.update(_words_of(text))
            table.add(phrase, _Entry(section, weight, pointers=tuple(p for p in procs if p in procedures)))


@lru_cache(maxsize=1)
def _model() -> _Model:
    names = _load_taxonomy()
    known = _load_known_words()
    rows = parse_lexicon(LEXICON_PATH.read_text(encoding="utf-8"))
    overrides, prefixes, suffixes = _lexicon_specials(rows, names)
    table = _EntryTable()
    procedures = _add_procedure_names(table, names, known, overrides)
    _add_lexicon_phrases(table, rows, names, known, procedures)
    entries = table.entries

    by_key: dict[tuple[str, ...], list[_Phrase]] = defaultdict(list)
    by_stem: dict[str, list[_Phrase]] = defaultdict(list)
    for phrase in entries:
        by_key[phrase.key].append(phrase)
        if 2 <= len(phrase.key) <= 3:
            for s in set(phrase.key):
                by_stem[s].append(phrase)
    vocab_words = {w for w in table.raw_words if w.isalpha() and w not in STOPWORDS}
    vocab_words |= {w + "s" for w in vocab_words if not w.endswith("s")}
    return _Model(
        names=names,
        entries=dict(entries),
        by_key=dict(by_key),
        by_stem=dict(by_stem),
        max_len=max((len(p.key) for p in entries), default=1),
        procedures=procedures,
        stems={s for key in by_key for s in key},
        fuzzy=FuzzyIndex(vocab_words, known),
        prefixes=dict(prefixes),
        suffixes=dict(suffixes),
        prior={sid: i for i, sid in enumerate(names)},
        key_prefixes=frozenset(key[:n] for key in by_key for n in range(1, len(key) + 1)),
    )


def specialty_procedures(specialty: str) -> list[tuple[str, str]]:
    """(slug, name) of the dataset's procedures of one specialty, commoner first."""
    return [(p.slug, p.name) for p in _model().procedures.values() if p.specialty == specialty]


def specialty_names() -> dict[str, str]:
    return dict(_model().names)


def warm_up() -> None:
    """Load and index the data now (e.g. at start-up) instead of on the first request."""
    _model()


# --- matching --------------------------------------------------------------------------------


@dataclass
class _Word:
    token: Token
    stem: str
    fuzzy: bool
    sentence: int
    index: int  # position among all tokens, stopwords included
    negated_by: int = -1  # index of the negation cue whose scope covers this word, or -1


def _prepare(text: str, model: _Model, correct: bool = True) -> tuple[str, list[_Word], bool]:
    """Content words of ``text`` (stopwords dropped, misspellings corrected, negation marked)."""
    folded = fold(text)
    tokens = tokenize(text)
    caps_share = sum(t.upper for t in tokens) / len(tokens) if tokens else 0.0
    mostly_caps = caps_share > _MOSTLY_CAPS and len(tokens) > 3
    negated = _negations(folded, tokens)
    words = []
    sentence = 0
    for i, tok in enumerate(tokens):
        if i and any(ch in ".;!?\n" for ch in folded[tokens[i - 1].end : tok.start]):
            sentence += 1
        if tok.norm in STOPWORDS and (mostly_caps or not tok.upper):
            continue
        s, fuzzy = tok.stem, False
        if correct and s not in model.stems:
            fixed = model.fuzzy.correct(tok.norm)
            if fixed is not None:
                s, fuzzy = stem(fixed), True
        words.append(_Word(tok, s, fuzzy, sentence, i, negated.get(i, -1)))
    return folded, words, mostly_caps


def _negations(folded: str, tokens: list[Token]) -> dict[int, int]:
    """token index -> index of the negation cue whose scope covers it."""
    norms = [t.norm for t in tokens]
    out: dict[int, int] = {}
    i = 0
    while i < len(tokens):
        cue_len = 0
        for n in (3, 2, 1):
            if tuple(norms[i : i + n]) in _NEGATION_CUES:
                cue_len = n
                break
        if not cue_len or (norms[i] == "no" and i + 1 < len(norms) and norms[i + 1] in _PSEUDO_NEGATION_NEXT):
            i += 1
            continue
        j = i + cue_len
        count = 0
        while j < len(tokens) and count < _NEGATION_WINDOW:
            gap = folded[tokens[j - 1].end : tokens[j].start]
            if any(ch in _SCOPE_END_CHARS for ch in gap) or norms[j] in _SCOPE_END_WORDS:
                break
            out[j] = i
            j += 1
            count += 1
        i = j
    return out


@dataclass
class _Hit:
    phrase: _Phrase
    positions: tuple[int, ...]  # indices into the content words
    exact: bool
    fuzzy: bool


def _caps_ok(phrase: _Phrase, words: list[_Word], positions: tuple[int, ...], mostly_caps: bool) -> bool:
    for need, pos in zip(phrase.caps, positions, strict=True):
        if need and (mostly_caps or not words[pos].token.upper):
            return False
    return True


def _negated(words: list[_Word], positions: tuple[int, ...]) -> bool:
    """Negated unless the phrase itself holds the cue ("no periods", "no sperm")."""
    inside = {words[p].index for p in positions}
    return any(words[p].negated_by >= 0 and words[p].negated_by not in inside for p in positions)


def _exact_hits(words: list[_Word], model: _Model, mostly_caps: bool) -> list[_Hit]:
    """Exact, contiguous phrases."""
    hits: list[_Hit] = []
    n = len(words)
    stems = [w.stem for w in words]
    for i in range(n):
        for length in range(1, min(model.max_len, n - i) + 1):
            if words[i + length - 1].sentence != words[i].sentence:
                break
            key = tuple(stems[i : i + length])
            if key not in model.key_prefixes:
                break  # no phrase starts with these words, so no longer one does
            positions = tuple(range(i, i + length))
            for phrase in model.by_key.get(key, ()):
                if _caps_ok(phrase, words, positions, mostly_caps):
                    hits.append(_Hit(phrase, positions, True, any(words[p].fuzzy for p in positions)))
    return hits


def _nearby_positions(positions_list: list[list[int]], window: int) -> tuple[int, ...] | None:
    """The first anchor whose other words each lie within ``window`` of it, nearest first."""
    for anchor in positions_list[0]:
        chosen = [anchor]
        for options in positions_list[1:]:
            near = [p for p in options if abs(p - anchor) < window and p not in chosen]
            if not near:
                break
            chosen.append(min(near, key=lambda p: abs(p - anchor)))
        else:
            if max(chosen) - min(chosen) < window:
                return tuple(chosen)
    return None


def _reordered_hits(words: list[_Word], model: _Model, mostly_caps: bool) -> list[_Hit]:
    """Two- and three-word phrases in another order or with a few words between them, within one
    sentence ("pain in my chest", "my knee is worn out", "stones in the kidney")."""
    hits: list[_Hit] = []
    where: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, w in enumerate(words):
        where[(w.sentence, w.stem)].append(i)
    seen: set[tuple[int, int]] = set()  # (id of the model's phrase, sentence): phrases live as long as the model
    for w in words:
        for phrase in model.by_stem.get(w.stem, ()):
            marker = (id(phrase), w.sentence)
            if marker in seen:
                continue
            seen.add(marker)
            positions_list = [where.get((w.sentence, s), []) for s in phrase.key]
            if not all(positions_list):
                continue
            best = _nearby_positions(positions_list, len(phrase.key) + 3)
            if best is None or best == tuple(range(best[0], best[0] + len(best))):
                continue  # not found, or already an exact hit
            if _caps_ok(phrase, words, best, mostly_caps):
                hits.append(_Hit(phrase, best, False, any(words[p].fuzzy for p in best)))
    return hits


def _candidates(words: list[_Word], model: _Model, mostly_caps: bool) -> list[_Hit]:
    return [*_exact_hits(words, model, mostly_caps), *_reordered_hits(words, model, mostly_caps)]


def _select(hits: list[_Hit], words: list[_Word], model: _Model) -> list[_Hit]:
    """Longest phrases first, exact before reordered, never two phrases on one word."""

    def strength(h: _Hit) -> float:
        return max(e.weight for e in model.entries[h.phrase])

    ordered = sorted(hits, key=lambda h: (-len(h.positions), not h.exact, -strength(h), min(h.positions)))
    taken: set[int] = set()
    chosen = []
    for hit in ordered:
        if taken.intersection(hit.positions):
            continue
        taken.update(hit.positions)
        if not _negated(words, hit.positions):
            chosen.append(hit)
    return chosen


def _root_matches(word: _Word, model: _Model) -> list[tuple[str, float]]:
    """An unknown long clinical word routed by its root: the longest prefix or suffix wins."""
    norm = word.token.norm
    if word.stem in model.stems or word.fuzzy or word.negated_by >= 0 or len(norm) < ROOT_MIN_LENGTH:
        return []
    if not norm.isalpha():
        return []
    norm = americanise(norm)
    best: list[tuple[str, float]] = []
    best_len = 0
    for n in range(min(len(norm) - 2, 14), 2, -1):
        if norm[:n] in model.prefixes:
            best, best_len = model.prefixes[norm[:n]], n
            break
    for n in range(min(len(norm) - 1, 14), best_len, -1):
        if norm[-n:] in model.suffixes:
            return model.suffixes[norm[-n:]]
    return best


def _factor(hit: _Hit) -> float:
    return (FUZZY_FACTOR if hit.fuzzy else 1.0) * (1.0 if hit.exact else REORDERED_FACTOR)


def _score(raw: float) -> float:
    return round(1.0 - math.exp(-raw / SCORE_SCALE), 3)


def _evidence_text(folded: str, words: list[_Word], hit: _Hit) -> str:
    first, last = min(hit.positions), max(hit.positions)
    start, end = words[first].token.start, words[last].token.end
    if end - start <= 60:
        return " ".join(folded[start:end].split())
    return " … ".join(folded[words[p].token.start : words[p].token.end] for p in sorted(hit.positions))


def _specialty_weights(
    folded: str, words: list[_Word], hits: list[_Hit], model: _Model
) -> tuple[dict[str, dict[tuple[str, ...], float]], dict[str, dict[str, float]]]:
    """Each specialty's weight per phrase (and word root), and the words that gave it."""
    weights: dict[str, dict[tuple[str, ...], float]] = defaultdict(dict)
    evidence: dict[str, dict[str, float]] = defaultdict(dict)
    for hit in hits:
        surface = _evidence_text(folded, words, hit)
        factor = _factor(hit)
        for entry in model.entries[hit.phrase]:
            weight = entry.weight * factor
            seen = weights[entry.specialty]
            seen[hit.phrase.key] = max(seen.get(hit.phrase.key, 0.0), weight)
            ev = evidence[entry.specialty]
            ev[surface] = max(ev.get(surface, 0.0), weight)
    for word in words:
        for sid, weight in _root_matches(word, model):
            weights[sid][("root:", word.stem)] = weight
            surface = folded[word.token.start : word.token.end]
            evidence[sid][surface] = max(evidence[sid].get(surface, 0.0), weight)
    return weights, evidence


def _procedure_votes(
    words: list[_Word], hits: list[_Hit], candidates: list[_Hit], model: _Model
) -> tuple[dict[str, float], dict[str, dict[tuple[str, ...], float]]]:
    """Procedures: named ones from the chosen phrases; pointed-to ones from every phrase found,
    even one that overlaps a longer phrase ("two back teeth missing" -> "missing teeth")."""
    named: dict[str, float] = defaultdict(float)
    pointers: dict[str, dict[tuple[str, ...], float]] = defaultdict(dict)
    for hit in hits:
        for entry in model.entries[hit.phrase]:
            for slug in entry.named:
                named[slug] = max(named[slug], DIRECT_VOTE * _factor(hit) * min(1.0, entry.weight / 3.0))
    for hit in candidates:
        if _negated(words, hit.positions):
            continue
        for entry in model.entries[hit.phrase]:
            for slug in entry.pointers:
                vote = POINTER_VOTE * _factor(hit) * min(1.0, entry.weight / 3.0)
                pointers[slug][hit.phrase.key] = max(pointers[slug].get(hit.phrase.key, 0.0), vote)
    return named, pointers


def _ranked_procedures(
    named: dict[str, float],
    pointers: dict[str, dict[tuple[str, ...], float]],
    specialties: list[SpecialtyMatch],
    model: _Model,
) -> list[ProcedureMatch]:
    spec_score = {s.id: s.score for s in specialties}
    top3 = {s.id for s in specialties[:3] if s.score > 0}
    procedures = []
    for slug in set(named) | set(pointers):
        proc = model.procedures[slug]
        votes = sorted(pointers.get(slug, {}).values(), reverse=True)
        pointer = min(0.9, votes[0] + 0.1 * (len(votes) - 1)) if votes and proc.specialty in top3 else 0.0
        s = spec_score.get(proc.specialty, 0.0)
        score = max(named.get(slug, 0.0) * (0.7 + 0.3 * s), pointer * (0.4 + 0.6 * s))
        if score >= MIN_PROCEDURE_SCORE:
            is_named = named.get(slug, 0.0) >= NAMED_MIN_VOTE
            procedures.append(ProcedureMatch(slug=slug, name=proc.name, score=round(score, 3), named=is_named))
    order = {slug: i for i, slug in enumerate(model.procedures)}  # dataset order: commoner first
    procedures.sort(key=lambda p: (-p.score, order[p.slug]))
    return procedures


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    model = _model()
    return frozenset(model.fuzzy.known | model.stems)


def resolve_language(text: str, lang: str = "") -> tuple[Detected, str]:
    """The language to read ``text`` in, and how it was chosen: ``given`` (a supported ``lang``
    that fits the text's script), ``detected`` (no ``lang``) or ``fallback`` (an unknown ``lang``,
    or one whose script the text is not written in: detection instead)."""
    base = (lang or "").split("-")[0].lower()
    sample = text[:DETECT_CHARS]  # enough to tell the language; keeps long texts fast
    detected = detect_language(sample)
    if detected.lang not in ("ar", "ru", "bn", "other", "uk", "und"):  # Latin script: lexicon words help
        detected = detect_language(sample, lexicon_hits(sample, exclude=_english_words()))
    if not base:
        return detected, "detected"
    if base not in SUPPORTED_LANGUAGES:
        return detected, "fallback"
    script = {"ar": "arabic", "ru": "cyrillic", "bn": "bengali"}.get(base, "latin")
    if detected.scripts.get(script, 0) == 0 and sum(detected.scripts.values()) > 0:
        return detected, "fallback"
    return Detected(base, True, detected.scripts), "given"


def _rank(
    model: _Model, weights: dict[str, dict[tuple[str, ...], float]]
) -> tuple[list[str], dict[str, float], dict[str, float]]:
    # Each further phrase for a specialty counts a little less than the one before, so that one
    # specific term ("overactive thyroid") is not outvoted by a list of symptoms of other organs.
    raw: dict[str, float] = {}
    best: dict[str, float] = {}
    for sid, by_phrase in weights.items():
        ordered = sorted(by_phrase.values(), reverse=True)
        if not ordered:
            continue
        raw[sid] = sum(w * DECAY**i for i, w in enumerate(ordered))
        best[sid] = ordered[0]
    ranked = sorted(model.names, key=lambda sid: (-round(raw.get(sid, 0.0), 6), -best.get(sid, 0.0), model.prior[sid]))
    return ranked, raw, best


def _add_foreign(
    text: str,
    lang: str,
    weights: dict[str, dict[tuple[str, ...], float]],
    evidence: dict[str, dict[str, float]],
    pointers: dict[str, dict[tuple[str, ...], float]],
) -> None:
    reading = foreign_weights(text, lang)
    for sid, by_key in reading.weights.items():
        weights.setdefault(sid, {}).update(by_key)
    for sid, by_surface in reading.evidence.items():
        ev = evidence.setdefault(sid, {})
        for surface, weight in by_surface.items():
            ev[surface] = max(ev.get(surface, 0.0), weight)
    for slug, vote in reading.pointers.items():
        pointers.setdefault(slug, {})[(lang + ":",)] = vote


def triage(text: str, lang: str = "") -> TriageResult:
    """Route ``text`` (a patient's or clinician's words) to specialties and candidate procedures.
    ``lang``: the language of the text (BCP 47); empty or unknown: detected from the text. Text in
    a language triage does not read gets no specialty at all (the answer says "could not tell")."""
    model = _model()
    text = (text or "")[:MAX_TEXT_LENGTH]
    detected, lang_from = resolve_language(text, lang)
    if not detected.supported:
        weights: dict[str, dict[tuple[str, ...], float]] = {}
        evidence: dict[str, dict[str, float]] = defaultdict(dict)
        named: dict[str, float] = {}
        pointers: dict[str, dict[tuple[str, ...], float]] = {}
    else:
        # Misspelling correction is for English words only: it would turn Spanish "dolor" into "donor".
        folded, words, mostly_caps = _prepare(text, model, correct=detected.lang == "en")
        candidates = _candidates(words, model, mostly_caps)
        hits = _select(candidates, words, model)
        weights, evidence = _specialty_weights(folded, words, hits, model)
        named, pointers = _procedure_votes(words, hits, candidates, model)
        if detected.lang in FOREIGN_LANGUAGES:
            _add_foreign(text, detected.lang, weights, evidence, pointers)
    ranked, raw, _best = _rank(model, weights)
    positive = [sid for sid in ranked if raw.get(sid, 0.0) > 0]
    count = min(MAX_SPECIALTIES, max(MIN_SPECIALTIES, len(positive)))
    specialties = [
        SpecialtyMatch(
            id=sid,
            name=model.names[sid],
            score=_score(raw.get(sid, 0.0)),
            evidence=[s for s, _ in sorted(evidence[sid].items(), key=lambda kv: (-kv[1], kv[0]))][:8],
        )
        for sid in ranked[:count]
    ]
    procedures = _ranked_procedures(named, pointers, specialties, model)

    top_raw = raw.get(ranked[0], 0.0)
    return TriageResult(
        specialties=specialties,
        procedures=procedures[:MAX_PROCEDURES],
        notice=NOTICE,
        confident=top_raw >= CONFIDENT_RAW,
        lang=detected.lang,
        lang_from=lang_from,
        supported=detected.supported,
    )
