"""Text handling for triage: normalisation, tokens, a light (Porter) stemmer and a small
edit-distance index for misspellings. Standard library only; no state besides pure functions and
the :class:`FuzzyIndex` built once from the lexicon."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_TOKEN_RE = re.compile(r"[a-z0-9]+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


@dataclass(frozen=True)
class Token:
    """One word of the input: ``norm`` is the lower-cased, accent-free spelling, ``stem`` the
    stemmed form used for matching, ``start``/``end`` the span in the normalised text, and
    ``upper`` whether it was written in capitals (for case-sensitive abbreviations)."""

    norm: str
    stem: str
    start: int
    end: int
    upper: bool


def fold(text: str) -> str:
    """Accents off, apostrophes unified (``don't`` → ``dont``), same length kept where possible."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("'", "")


# British → American spellings that matter for medical words (only applied to longer words so
# that "toe" or "does" stay intact).
_BRIT = (
    (re.compile(r"^oe(?=[a-z]{3})"), "e"),  # oesophagus, oedema, oestrogen
    (re.compile(r"(?<=[a-z])ae(?=[a-z]{2})"), "e"),  # haemorrhoids, anaemia, orthopaedic
    (re.compile(r"(?<=[a-z])oe(?=[a-z]{2})"), "e"),  # dyspnoea, apnoea, diarrhoea, foetus, coeliac
    (re.compile(r"(?<=[a-z]{3})our(s?)$"), r"or\1"),  # tumour(s), colour
    (re.compile(r"(?<=[a-z]{3})tre(s?)$"), r"ter\1"),  # centre(s), litre
    (re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation)$"), r"iz\1"),  # anaesthetise
)


def americanise(word: str) -> str:
    if len(word) < 5:
        return word
    for pattern, repl in _BRIT:
        word = pattern.sub(repl, word)
    return word


# Irregular forms that a suffix stemmer cannot reach.
_IRREGULAR = {
    "teeth": "tooth",
    "feet": "foot",
    "children": "child",
    "women": "woman",
    "men": "man",
    "swollen": "swell",
    "swolen": "swell",
    "calves": "calf",
    "halves": "half",
    "broke": "break",
    "broken": "break",
    "bled": "bleed",
    "lying": "lie",
    "hurt": "hurt",
    "hurts": "hurt",
    "hurting": "hurt",
    "wisdom": "wisdom",
    "sinus": "sinus",
    "sinuses": "sinus",
    "uterus": "uterus",
    "anus": "anus",
    "virus": "virus",
    "pancreas": "pancreas",
    "diabetes": "diabet",
    "herpes": "herpes",
    "varices": "varix",
    "vertebrae": "vertebra",
    "cervices": "cervix",
    "testes": "testis",
    "bronchi": "bronchus",
    "aids": "aids",
    "lens": "lens",
    "glasses": "glass",
    "stenoses": "stenosis",
    "diagnoses": "diagnosis",
    "metastases": "metastasis",
    "ovaries": "ovari",
    "ovary": "ovari",
    "kidneys": "kidnei",
    "news": "news",
    "has": "has",
    "was": "was",
    "is": "is",
    "this": "this",
    "his": "his",
    "us": "us",
    "yes": "yes",
    "less": "less",
    "bus": "bus",
    "gas": "gas",
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Porter (1980) stemmer with an irregular-forms table, applied after British → American
    spelling. Both the lexicon and the input go through it, so only consistency matters."""
    word = americanise(word)
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    return _porter(word)


# --- Porter stemmer -------------------------------------------------------------------------


def _is_cons(w: str, i: int) -> bool:
    ch = w[i]
    if ch in "aeiou":
        return False
    if ch == "y":
        return i == 0 or not _is_cons(w, i - 1)
    return True


def _measure(stem_: str) -> int:
    n, i, length = 0, 0, len(stem_)
    while i < length and _is_cons(stem_, i):
        i += 1
    while i < length:
        while i < length and not _is_cons(stem_, i):
            i += 1
        if i >= length:
            break
        n += 1
        while i < length and _is_cons(stem_, i):
            i += 1
    return n


def _has_vowel(stem_: str) -> bool:
    return any(not _is_cons(stem_, i) for i in range(len(stem_)))


def _double_cons(w: str) -> bool:
    return len(w) >= 2 and w[-1] == w[-2] and _is_cons(w, len(w) - 1)


def _cvc(w: str) -> bool:
    if len(w) < 3:
        return False
    return _is_cons(w, len(w) - 3) and not _is_cons(w, len(w) - 2) and _is_cons(w, len(w) - 1) and w[-1] not in "wxy"


def _replace(w: str, suffix: str, repl: str, min_m: int) -> str | None:
    if w.endswith(suffix):
        base = w[: len(w) - len(suffix)]
        if _measure(base) > min_m:
            return base + repl
        return w
    return None


_STEP2 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("abli", "able"),
    ("alli", "al"),
    ("entli", "ent"),
    ("eli", "e"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
)
_STEP3 = (("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""))
_STEP4 = (
    "al",
    "ance",
    "ence",
    "er",
    "ic",
    "able",
    "ible",
    "ant",
    "ement",
    "ment",
    "ent",
    "ion",
    "ou",
    "ism",
    "ate",
    "iti",
    "ous",
    "ive",
    "ize",
)


def _step1a(w: str) -> str:
    if w.endswith(("sses", "ies")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _step1b(w: str) -> str:
    if w.endswith("eed"):
        return w[:-1] if _measure(w[:-3]) > 0 else w
    if w.endswith("ed") and _has_vowel(w[:-2]):
        w = w[:-2]
    elif w.endswith("ing") and _has_vowel(w[:-3]):
        w = w[:-3]
    else:
        return w
    if w.endswith(("at", "bl", "iz")):
        return w + "e"
    if _double_cons(w) and w[-1] not in "lsz":
        return w[:-1]
    if _measure(w) == 1 and _cvc(w):
        return w + "e"
    return w


def _step1c(w: str) -> str:
    return w[:-1] + "i" if w.endswith("y") and _has_vowel(w[:-1]) else w


def _replace_first(w: str, table: tuple[tuple[str, str], ...]) -> str:
    """Steps 2 and 3: the first suffix of the table that ends the word, replaced if allowed."""
    for suffix, repl in table:
        if w.endswith(suffix):
            return _replace(w, suffix, repl, 0) or w
    return w


def _step4(w: str) -> str:
    for suffix in _STEP4:
        if w.endswith(suffix):
            base = w[: -len(suffix)]
            if suffix == "ion" and not base.endswith(("s", "t")):
                return w
            return base if _measure(base) > 1 else w
    return w


def _step5(w: str) -> str:
    if w.endswith("e"):
        base = w[:-1]
        m = _measure(base)
        if m > 1 or (m == 1 and not _cvc(base)):
            w = base
    if _measure(w) > 1 and _double_cons(w) and w.endswith("l"):
        w = w[:-1]
    return w


def _porter(w: str) -> str:
    w = _step1c(_step1b(_step1a(w)))
    w = _replace_first(_replace_first(w, _STEP2), _STEP3)
    return _step5(_step4(w))


# --- tokens ---------------------------------------------------------------------------------

# Small words that carry no routing signal; dropped before phrase matching (negation cues such as
# "no" and "without" are kept: they are read before the drop).
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "my",
        "mine",
        "me",
        "i",
        "im",
        "ive",
        "id",
        "we",
        "our",
        "ours",
        "us",
        "you",
        "your",
        "he",
        "his",
        "him",
        "she",
        "her",
        "hers",
        "it",
        "its",
        "they",
        "them",
        "their",
        "this",
        "that",
        "these",
        "those",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "about",
        "as",
        "into",
        "onto",
        "over",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "will",
        "would",
        "shall",
        "should",
        "could",
        "may",
        "might",
        "must",
        "can",
        "and",
        "or",
        "so",
        "if",
        "then",
        "than",
        "also",
        "just",
        "very",
        "really",
        "quite",
        "too",
        "some",
        "any",
        "which",
        "who",
        "whom",
        "what",
        "when",
        "where",
        "how",
        "there",
        "here",
        "please",
        "thanks",
        "thank",
        "hi",
        "hello",
        "dear",
        "ago",
        "now",
        "currently",
        "still",
        "already",
        "again",
        "well",
        "both",
        "each",
        "every",
        "other",
        "another",
        "such",
        "own",
        "same",
        "because",
        "while",
        "during",
    ]
)
# Spellings of "cannot" folded into one token so that "can not see", "cannot see" and "can't see"
# match the same lexicon phrase; "unable to" is the same idea.
_MERGE_NEXT = {("can", "not"): "cant", ("do", "not"): "dont", ("does", "not"): "doesnt", ("did", "not"): "didnt"}
_PLURAL_ABBREVIATION = re.compile(r"^[A-Z][A-Z0-9]+s$")
_SINGLE = {"cannot": "cant", "unable": "cant", "couldnt": "cant", "cnt": "cant"}


def tokenize(text: str) -> list[Token]:
    """Words of ``text`` with spans in the folded text (see :func:`fold`)."""
    folded = fold(text)
    lowered = folded.lower()
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(lowered):
        surface = folded[m.start() : m.end()]
        norm = _SINGLE.get(m.group(), m.group())
        if _PLURAL_ABBREVIATION.match(surface):  # "UTIs", "MRIs" -> "uti", "mri" in capitals
            surface, norm = surface[:-1], norm[:-1]
        if tokens and (tokens[-1].norm, norm) in _MERGE_NEXT and tokens[-1].end + 1 >= m.start():
            prev = tokens.pop()
            merged = _MERGE_NEXT[(prev.norm, norm)]
            tokens.append(Token(merged, merged, prev.start, m.end(), False))
            continue
        tokens.append(
            Token(
                norm=norm,
                stem=stem(norm),
                start=m.start(),
                end=m.end(),
                upper=len(surface) >= 2 and surface.isupper() and surface.isalpha(),
            )
        )
    return tokens


def phrase_tokens(phrase: str) -> list[Token]:
    """Tokens of a lexicon phrase without stopwords (capitalised abbreviations are always kept)."""
    return [t for t in tokenize(phrase) if t.upper or t.norm not in STOPWORDS]


def phrase_stems(phrase: str) -> tuple[str, ...]:
    return tuple(t.stem for t in phrase_tokens(phrase))


# --- misspellings ---------------------------------------------------------------------------


def damerau(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, giving up (returning ``limit + 1``) beyond ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[len(b)]


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        nxt = set()
        for w in frontier:
            for i in range(len(w)):
                nxt.add(w[:i] + w[i + 1 :])
        out |= nxt
        frontier = nxt
    return out


def max_edits(word: str) -> int:
    if len(word) < 5:
        return 0
    return 1 if len(word) < 8 else 2


class FuzzyIndex:
    """Symmetric-delete index (as in SymSpell) over the lexicon's words: a misspelt word of five
    letters or more is corrected to the unique closest lexicon word within 1 edit (5–7 letters)
    or 2 edits (8 letters or more). Words known to be correct English are never corrected."""

    def __init__(self, vocabulary: set[str], known_words: set[str]) -> None:
        self.vocabulary = {w for w in vocabulary if len(w) >= 4}
        self.known = known_words | vocabulary
        # delete -> the one lexicon word it comes from (most of them), or a tuple of words. A set
        # per delete cost every web process about 60 MB for some 200,000 deletes; this costs 20.
        self._index: dict[str, str | tuple[str, ...]] = {}
        index = self._index
        for word in sorted(self.vocabulary):
            for d in _deletes(word, 2 if len(word) >= 7 else 1):
                held = index.get(d)
                if held is None:
                    index[d] = word
                elif isinstance(held, str):
                    index[d] = (held, word)
                else:
                    index[d] = (*held, word)
        self._cache: dict[str, str | None] = {}

    def correct(self, word: str) -> str | None:
        if word in self._cache:
            return self._cache[word]
        result = self._correct(word)
        if len(self._cache) < 50_000:
            self._cache[word] = result
        return result

    def _correct(self, word: str) -> str | None:
        limit = max_edits(word)
        if not limit or word in self.known or not word.isalpha():
            return None
        candidates: set[str] = set()
        for d in _deletes(word, limit):
            held = self._index.get(d)
            if held is None:
                continue
            if isinstance(held, str):
                candidates.add(held)
            else:
                candidates.update(held)
        best: list[tuple[int, str]] = []
        for cand in candidates:
            if cand[0] != word[0] and limit == 1:
                continue  # one-edit fixes keep the first letter: fewer false friends
            dist = damerau(word, cand, limit)
            if dist <= min(limit, max_edits(cand) or 1):
                best.append((dist, cand))
        if not best:
            return None
        best.sort()
        if len(best) > 1 and best[0][0] == best[1][0] and stem(best[0][1]) != stem(best[1][1]):
            return None  # ambiguous: two different words equally close
        return best[0][1]


# --- other languages ------------------------------------------------------------------------
# Triage reads English, Arabic, Spanish, French, Russian and Bengali. Each language other than
# English has its own lexicon (data/triage_lexicon_<lang>.txt) read with the light normalisation
# and suffix stripping below: the same function runs on the lexicon and on the text, so only
# consistency matters, not linguistic correctness. No model, no download.

SUPPORTED_LANGUAGES = ("en", "ar", "es", "fr", "ru", "bn")
FOREIGN_LANGUAGES = ("ar", "es", "fr", "ru", "bn")

_ARABIC_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_FOREIGN_TOKEN_RE = re.compile(r"(?:[^\W\d_]|[\u0980-\u09FF])+|\d+")
_BENGALI_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


@lru_cache(maxsize=8192)
def _normalise_char(ch: str, lang: str) -> str:
    if lang in ("es", "fr"):
        return fold(ch).lower()
    if lang == "ar":
        return _ARABIC_DIACRITICS.sub("", ch).translate(_ARABIC_LETTERS).translate(_ARABIC_DIGITS).lower()
    if lang == "bn":
        return ch.translate(_BENGALI_DIGITS)
    if lang == "ru":
        return ch.lower().replace("ё", "е")
    return ch.lower()


def normalise_spans(text: str, lang: str) -> tuple[str, list[int], str]:
    """The normalised text (see :func:`normalise_foreign`), for each of its characters the index
    of the character it came from, and the text those indices refer to (the text in NFC), so that
    evidence can be quoted as written."""
    base = unicodedata.normalize("NFC", (text or "").translate(_APOSTROPHES))
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(base):
        if ch in "\u200c\u200d":
            continue
        n = _normalise_char(ch, lang)
        out.append(n)
        offsets.extend([i] * len(n))
    return "".join(out), offsets, base


def normalise_foreign(text: str, lang: str) -> str:
    """Lower case and the spelling variants each language folds: accents (Spanish, French),
    ё (Russian), hamza seats, alef forms, tā' marbūṭa and vowel marks (Arabic), zero-width joiners
    (Bengali)."""
    return normalise_spans(text, lang)[0]


_SUFFIXES = {
    "es": (
        "amientos",
        "imientos",
        "amiento",
        "imiento",
        "aciones",
        "iciones",
        "acion",
        "icion",
        "mente",
        "ciones",
        "cion",
        "iones",
        "ion",
        "ces",
        "es",
        "os",
        "as",
        "s",
        "o",
        "a",
        "e",
    ),
    "fr": (
        "issements",
        "issement",
        "ations",
        "ation",
        "euses",
        "euse",
        "ements",
        "ement",
        "ments",
        "ment",
        "ites",
        "ite",
        "eaux",
        "eau",
        "aux",
        "es",
        "s",
        "x",
        "e",
    ),
    "ru": (
        "иями",
        "ями",
        "ами",
        "ого",
        "его",
        "ому",
        "ему",
        "ыми",
        "ими",
        "ией",
        "ия",
        "ию",
        "ий",
        "ые",
        "ие",
        "ая",
        "яя",
        "ое",
        "ее",
        "ую",
        "юю",
        "ой",
        "ей",
        "ый",
        "ом",
        "ем",
        "ам",
        "ям",
        "ах",
        "ях",
        "ов",
        "ев",
        "ых",
        "их",
        "ия",
        "а",
        "я",
        "ы",
        "и",
        "у",
        "ю",
        "е",
        "о",
        "й",
        "ь",
    ),
    "ar": ("ها", "ان", "ات", "ون", "ين", "يه", "يا", "ه", "ي"),
    "bn": ("গুলোর", "গুলো", "গুলি", "দের", "েরা", "য়ের", "ের", "কে", "তে", "টা", "টি", "রা", "য়", "র", "ে"),
}
_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و")
_MIN_STEM = {"es": 3, "fr": 3, "ru": 3, "ar": 2, "bn": 2}


@lru_cache(maxsize=65536)
def stem_foreign(word: str, lang: str) -> str:
    """Light stemming (one suffix off; Arabic also one prefix, as in Larkey's light10)."""
    if lang == "ar":
        for prefix in _AR_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 2:
                word = word[len(prefix) :]
                break
    minimum = _MIN_STEM.get(lang, 3)
    for suffix in _SUFFIXES.get(lang, ()):
        if word.endswith(suffix) and len(word) - len(suffix) >= minimum:
            return word[: -len(suffix)]
    return word


def tokenize_foreign(normalised: str, lang: str) -> list[Token]:
    """Words of an already normalised text (see :func:`normalise_foreign`); Latin-script words
    inside Arabic, Russian or Bengali text are left to the English reading."""
    out = []
    for m in _FOREIGN_TOKEN_RE.finditer(normalised):
        word = m.group()
        if lang in ("ar", "ru", "bn") and word.isascii():
            continue
        out.append(Token(word, stem_foreign(word, lang), m.start(), m.end(), False))
    return out


# --- which language -------------------------------------------------------------------------

# Frequent function words of the Latin-script languages we read (en, es, fr) and of a few we do
# not (so a German or Portuguese text is recognised as such and answered "could not tell").
_FUNCTION_WORDS = {
    "en": "the a an and or my i is have has with for of in on at it was to since me am are been but not no can cant dont had he she they we what when about as after from this that be very im ive",
    "es": "el la los las y de del que en un una mi me tengo es por con para se muy desde hace no pero al lo le su estoy hay quiero tiene",
    "fr": "le la les et de des du un une mon ma mes je j ai est avec pour dans pas ne que qui au aux sur depuis tres il elle nous suis avoir voudrais",
    "de": "der die das und ich habe mit ist nicht ein eine mein meine seit wochen sehr auch von zu den dem im fur brauche hat sind",
    "it": "il lo gli e di da che non un una mio mia ho ha con per sono della del mal da mesi medico parla",
    "pt": "o os as e de do da que em um uma meu minha tenho com para nao no na dor falou medico",
    "tr": "ve bir bu cok var ben icin ile da de mi ne ama",
    "pl": "i w na z nie jest mam sie od do ze to jak",
    "nl": "de het een en ik heb van met is niet mijn voor op",
    "id": "saya dan yang di ini itu dengan untuk tidak sakit",
}
_FUNCTION_SETS = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
# Letters that only some Latin-script languages use (after lower-casing, before folding accents).
_LETTER_HINTS = {
    "es": "ñ¿¡áíóú",
    "fr": "çèêàùœëîû",
    "de": "ßäöü",
    "pt": "ãõ",
    "tr": "ğışç",
    "pl": "łąęśźżńć",
}
_CYRILLIC_OTHER = set("іїєґўјљњћџ")  # Ukrainian, Belarusian, Serbian, Macedonian


MIN_LATIN_VOTES = 1.5


def _script(ch: str) -> str:
    o = ord(ch)
    if ch.isascii() or 0x00C0 <= o <= 0x024F:
        return "latin"
    if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFEFF:
        return "arabic"
    if 0x0400 <= o <= 0x04FF:
        return "cyrillic"
    if 0x0980 <= o <= 0x09FF:
        return "bengali"
    return "other"


@dataclass(frozen=True)
class Detected:
    lang: str  # a supported language, or another code ("de", "zh", "und") when we cannot read it
    supported: bool
    scripts: dict[str, int]  # words per script


def _word_scripts(text: str) -> tuple[dict[str, int], list[str]]:
    counts: dict[str, int] = {}
    latin_words = []
    for word in re.findall(r"[^\W\d_]+|[\u0980-\u09FF]+", text):
        scripts = [_script(ch) for ch in word if ch.isalpha() or "\u0980" <= ch <= "\u09ff"]
        if not scripts:
            continue
        main = max(set(scripts), key=scripts.count)
        counts[main] = counts.get(main, 0) + 1
        if main == "latin":
            latin_words.append(word.lower())
    return counts, latin_words


def _latin_language(text: str, words: list[str], lexicon_hits: dict[str, int]) -> str:
    votes: dict[str, float] = dict.fromkeys(_FUNCTION_SETS, 0.0)
    lowered = text.lower()
    for lang, hints in _LETTER_HINTS.items():
        votes[lang] += min(2.0, 0.5 * sum(lowered.count(ch) for ch in hints))
    for word in words:
        folded = fold(word)
        for lang, words_ in _FUNCTION_SETS.items():
            if folded in words_:
                votes[lang] += 1.0
    for lang, hits in lexicon_hits.items():
        votes[lang] = votes.get(lang, 0.0) + 0.5 * hits
    best = max(votes, key=lambda lang: (votes[lang], lang == "en"))
    # Another language must show itself by its small words or letters, not by medical words that
    # English shares ("psoriasis", "hernia"): otherwise the text is read as English, as before.
    if best == "en" or votes[best] < MIN_LATIN_VOTES or votes[best] <= votes["en"]:
        return "en"
    return best


def detect_language(text: str, lexicon_hits: dict[str, int] | None = None) -> Detected:
    """The language of a text from its scripts, then (Latin script) its function words, letters
    and lexicon hits. A supported non-Latin script with a fair share of the words wins, so English
    medical words inside Arabic, Russian or Bengali text read as that language (and still match
    the English lexicon). A text mostly in another script (Chinese, Hindi, ...) is not supported."""
    counts, latin_words = _word_scripts(text)
    total = sum(counts.values())
    if not total:
        return Detected("und", False, counts)
    scripts = {"arabic": "ar", "cyrillic": "ru", "bengali": "bn"}
    main = max(scripts, key=lambda s: counts.get(s, 0))
    if counts.get("other", 0) > max(counts.get(main, 0), counts.get("latin", 0) // 2):
        return Detected("other", False, counts)
    if counts.get(main, 0) >= max(1, total * 0.25):
        if main == "cyrillic" and _CYRILLIC_OTHER.intersection(text.lower()):
            return Detected("uk", False, counts)
        return Detected(scripts[main], True, counts)
    lang = _latin_language(text, latin_words, lexicon_hits or {})
    return Detected(lang, lang in SUPPORTED_LANGUAGES, counts)
