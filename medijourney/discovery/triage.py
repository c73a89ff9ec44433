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
3. Each specialty's raw score is the sum of the weights of the distinct phrases that matched it;
   the score shown is ``1 - exp(-raw / 3)`` (one specific term ≈ 0.6, two ≈ 0.85).
4. Procedures come from their names and synonyms in the dataset and from lexicon phrases that
   point at them, weighted by how well their specialty matched.
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

from .triage_text import FuzzyIndex, Token, fold, phrase_stems, stem, tokenize

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


@dataclass(frozen=True)
class TriageResult:
    specialties: list[SpecialtyMatch]  # at least 3, best first; ids from the taxonomy
    procedures: list[ProcedureMatch]  # from the procedure dataset, best first (may be empty)
    notice: str  # says this routes to a specialty and is not a diagnosis
    confident: bool  # False when the text names no condition / scores are low


NOTICE = (
    "This only routes your description to a medical specialty and to procedures you may want to ask "
    "about. It is not a diagnosis or medical advice: a qualified doctor must assess you."
)
MAX_TEXT_LENGTH = 5000
MIN_SPECIALTIES = 3
MAX_SPECIALTIES = 6
MAX_PROCEDURES = 5
SCORE_SCALE = 3.0  # raw weight giving a score of 1 - 1/e ≈ 0.63
CONFIDENT_RAW = 2.0  # at least one specific term, or two weaker ones
FUZZY_FACTOR = 0.85  # a corrected misspelling counts a little less

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


@dataclass
class _Entry:
    specialty: str
    weight: float
    procedures: tuple[str, ...] = ()


@dataclass
class _Procedure:
    slug: str
    name: str
    specialty: str


@dataclass
class _Model:
    names: dict[str, str]  # specialty id -> name, taxonomy order
    index: dict[tuple[str, ...], list[_Entry]]
    caps_index: dict[tuple[str, ...], list[_Entry]]
    max_len: int
    procedures: dict[str, _Procedure]
    proc_index: dict[tuple[str, ...], list[tuple[str, float]]]
    proc_max_len: int
    stems: set[str]
    fuzzy: FuzzyIndex
    prior: dict[str, int] = field(default_factory=dict)


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


_LINE_RE = re.compile(r"^(?P<weight>\d+(?:\.\d+)?)\s*:\s*(?P<phrases>[^>]*?)\s*(?:>\s*(?P<procs>.*))?$")


def parse_lexicon(text: str) -> list[tuple[str, float, list[str], tuple[str, ...]]]:
    """Lines of ``weight: phrase; phrase > slug, slug`` under ``[specialty_id]`` headings.
    Returns (specialty, weight, phrases, procedure slugs) rows."""
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


def _words_of(phrase: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(phrase).lower())


@lru_cache(maxsize=1)
def _model() -> _Model:
    names = _load_taxonomy()
    index: dict[tuple[str, ...], list[_Entry]] = defaultdict(list)
    caps_index: dict[tuple[str, ...], list[_Entry]] = defaultdict(list)
    raw_words: set[str] = set()

    def add(target: dict[tuple[str, ...], list[_Entry]], key: tuple[str, ...], entry: _Entry) -> None:
        for existing in target[key]:
            if existing.specialty == entry.specialty:
                existing.weight = max(existing.weight, entry.weight)
                existing.procedures = tuple(dict.fromkeys(existing.procedures + entry.procedures))
                return
        target[key].append(entry)

    procedures: dict[str, _Procedure] = {}
    proc_index: dict[tuple[str, ...], list[tuple[str, float]]] = defaultdict(list)
    for row in load_procedures():
        slug, spec = row["slug"], row["specialty"]
        procedures[slug] = _Procedure(slug=slug, name=row["name"], specialty=spec)
        for phrase in [row["name"], *row.get("synonyms", "").split(";")]:
            phrase = phrase.strip()
            if not phrase:
                continue
            key = phrase_stems(phrase)
            if not key:
                continue
            proc_index[key].append((slug, 1.0))
            raw_words.update(_words_of(phrase))
            # A procedure's own name is strong evidence for its specialty.
            caps = phrase.isupper() and len(phrase) <= 4
            add(caps_index if caps else index, key, _Entry(spec, 3.0, (slug,)))

    for spec, weight, phrases, procs in parse_lexicon(LEXICON_PATH.read_text(encoding="utf-8")):
        if spec not in names:
            raise ValueError(f"triage lexicon: unknown specialty {spec!r}")
        for phrase in phrases:
            caps = phrase.startswith("=")
            phrase = phrase.lstrip("=").strip()
            key = phrase_stems(phrase)
            if not key:
                continue
            add(caps_index if caps else index, key, _Entry(spec, weight, procs))
            if not caps:
                raw_words.update(_words_of(phrase))
            for slug in procs:
                if slug in procedures:
                    proc_index[key].append((slug, 0.7))

    known = set()
    if WORDS_PATH.exists():
        known = {w.strip() for w in WORDS_PATH.read_text(encoding="utf-8").split() if w.strip()}
    vocab_words = {w for w in raw_words if w.isalpha()}
    vocab_words |= {w + "s" for w in vocab_words if not w.endswith("s")}
    stems_ = {s for key in list(index) + list(proc_index) for s in key}
    return _Model(
        names=names,
        index=dict(index),
        caps_index=dict(caps_index),
        max_len=max((len(k) for k in index), default=1),
        procedures=procedures,
        proc_index=dict(proc_index),
        proc_max_len=max((len(k) for k in proc_index), default=1),
        stems=stems_,
        fuzzy=FuzzyIndex(vocab_words, known),
        prior={sid: i for i, sid in enumerate(names)},
    )


def warm_up() -> None:
    """Load and index the data now (e.g. at start-up) instead of on the first request."""
    _model()


# --- matching --------------------------------------------------------------------------------


@dataclass
class _Word:
    token: Token
    stem: str
    fuzzy: bool
    negated: bool = False


def _prepare(text: str, model: _Model) -> tuple[str, list[_Word]]:
    folded = fold(text)
    words = []
    for tok in tokenize(text):
        s, fuzzy = tok.stem, False
        if s not in model.stems:
            fixed = model.fuzzy.correct(tok.norm)
            if fixed is not None:
                s, fuzzy = stem(fixed), True
        words.append(_Word(tok, s, fuzzy))
    _mark_negations(folded, words)
    return folded, words


def _mark_negations(folded: str, words: list[_Word]) -> None:
    norms = [w.token.norm for w in words]
    i = 0
    while i < len(words):
        cue_len = 0
        for n in (3, 2, 1):
            if tuple(norms[i : i + n]) in _NEGATION_CUES:
                cue_len = n
                break
        if not cue_len or (
            cue_len == 1 and norms[i] == "no" and i + 1 < len(norms) and norms[i + 1] in _PSEUDO_NEGATION_NEXT
        ):
            i += 1
            continue
        j = i + cue_len
        count = 0
        while j < len(words) and count < _NEGATION_WINDOW:
            gap = folded[words[j - 1].token.end : words[j].token.start]
            if any(ch in _SCOPE_END_CHARS for ch in gap) or norms[j] in _SCOPE_END_WORDS:
                break
            words[j].negated = True
            j += 1
            count += 1
        i = j


@dataclass
class _Hit:
    key: tuple[str, ...]
    start: int
    end: int
    entries: list[_Entry]
    fuzzy: bool


def _scan(words: list[_Word], model: _Model) -> list[_Hit]:
    hits = []
    i = 0
    n = len(words)
    while i < n:
        matched = 0
        for length in range(min(model.max_len, n - i), 0, -1):
            span = words[i : i + length]
            if any(w.negated for w in span):
                continue
            key = tuple(w.stem for w in span)
            entries = list(model.index.get(key, ()))
            if all(w.token.upper for w in span):
                entries += model.caps_index.get(key, ())
            if entries:
                hits.append(_Hit(key, span[0].token.start, span[-1].token.end, entries, any(w.fuzzy for w in span)))
                matched = length
                break
        i += matched or 1
    return hits


def _score(raw: float) -> float:
    return round(1.0 - math.exp(-raw / SCORE_SCALE), 3)


def triage(text: str, lang: str = "en") -> TriageResult:
    """Route ``text`` (a patient's or clinician's words) to specialties and candidate procedures.
    ``lang`` is accepted for the API's sake; only English is understood today."""
    model = _model()
    folded, words = _prepare((text or "")[:MAX_TEXT_LENGTH], model)
    hits = _scan(words, model)

    raw: dict[str, float] = defaultdict(float)
    evidence: dict[str, dict[str, float]] = defaultdict(dict)
    seen: set[tuple[tuple[str, ...], str]] = set()
    proc_votes: dict[str, float] = defaultdict(float)
    for hit in hits:
        surface = folded[hit.start : hit.end]
        factor = FUZZY_FACTOR if hit.fuzzy else 1.0
        for entry in hit.entries:
            weight = entry.weight * factor
            if (hit.key, entry.specialty) not in seen:
                seen.add((hit.key, entry.specialty))
                raw[entry.specialty] += weight
            ev = evidence[entry.specialty]
            ev[surface] = max(ev.get(surface, 0.0), weight)
            for slug in entry.procedures:
                proc_votes[slug] = max(proc_votes[slug], 0.7 * factor)

    ranked = sorted(model.names, key=lambda sid: (-raw.get(sid, 0.0), model.prior[sid]))
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
    spec_score = {s.id: s.score for s in specialties}

    # Procedures named directly (by name or synonym) count fully.
    for i in range(len(words)):
        for length in range(min(model.proc_max_len, len(words) - i), 0, -1):
            span = words[i : i + length]
            if any(w.negated for w in span):
                continue
            for slug, weight in model.proc_index.get(tuple(w.stem for w in span), ()):
                factor = FUZZY_FACTOR if any(w.fuzzy for w in span) else 1.0
                proc_votes[slug] = max(proc_votes[slug], weight * factor)
    procedures = []
    for slug, vote in proc_votes.items():
        proc = model.procedures.get(slug)
        if proc is None:
            continue
        score = round(vote * (0.6 + 0.4 * spec_score.get(proc.specialty, 0.0)), 3)
        if score >= 0.2:
            procedures.append(ProcedureMatch(slug=slug, name=proc.name, score=score))
    procedures.sort(key=lambda p: (-p.score, p.slug))

    top_raw = raw.get(ranked[0], 0.0)
    return TriageResult(
        specialties=specialties,
        procedures=procedures[:MAX_PROCEDURES],
        notice=NOTICE,
        confident=top_raw >= CONFIDENT_RAW,
    )
