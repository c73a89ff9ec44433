"""De-identification of the free text a hospital reads.

``deidentify(text, names=..., identifiers=...)`` removes or generalises what could identify a
patient: the names given (and each part of them), titled names ("Mr Okafor", "Dr. Shah"), email
addresses, phone numbers, identifiers (case references, passport-like codes, long digit runs),
street addresses, and exact dates (a day is generalised to its month and year; a date whose
day and month order is unclear to its year). It is a safety net under a human's edit, not a
guarantee: the case manager reads and edits the draft before it is sent, and the send service
refuses a summary that still holds the case's own name, email, phone or reference
(``identifying_leftovers``)."""

import calendar
import re
from collections.abc import Iterable

import phonenumbers

NAME = "[name]"
EMAIL = "[email]"
PHONE = "[phone]"
IDENTIFIER = "[identifier]"
ADDRESS = "[address]"

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))

_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+\s*(?:@|\(at\)|\[at\])\s*[A-Za-z0-9-]+(?:\s*(?:\.|\(dot\))\s*[A-Za-z0-9-]+)+")
_CASE_REF_RE = re.compile(r"\bMJ-[0-9A-Z]{4}-[0-9A-Z]{4}\b", re.I)
_LABELLED_ID_RE = re.compile(
    r"\b(passport|national id|id|mrn|medical record|patient id|insurance|policy|ssn|nin|aadhaar)"
    r"(\s*(?:no\.?|number|#|card)?\s*[:#]?\s*)((?=[A-Z0-9 -]*\d)[A-Z0-9][A-Z0-9 -]{3,20}[A-Z0-9])",
    re.I,
)
_PASSPORT_LIKE_RE = re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z]{1,2}\d{6,9}\b")
_TITLED_NAME_RE = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam)\.?\s+([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})")
_STREET_WORDS = (
    r"street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd|drive|close|way|crescent|place|square|"
    r"strasse|straße|str|calle|rue|via|marg|nagar|cadde(?:si)?|sokak|sok|mahallesi"
)
_ADDRESS_RE = re.compile(
    r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][\w'’-]*\s+){0,4}(?:" + _STREET_WORDS + r")\b\.?(?:,?\s+[A-Z][\w'’-]+){0,3}",
    re.I,
)
_POSTCODE_RE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|\d{5}(?:-\d{4})?|\d{6})\b")
_ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+Z?)?\b")
_NUMERIC_DATE_RE = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\b")
_DAY_MONTH_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + _MONTH_RE + r")\.?,?\s+(\d{4})\b", re.I)
_MONTH_DAY_RE = re.compile(r"\b(" + _MONTH_RE + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I)
_PHONE_CANDIDATE_RE = re.compile(r"(?<![\w/])(?:\+|00)?\d[\d\s().\-/]{6,20}\d(?![\w/])")
_LONG_DIGITS_RE = re.compile(r"\b\d[\d -]{7,}\d\b")


def _month_year(month: int, year: str) -> str:
    if not 1 <= month <= 12:
        return year
    return f"{calendar.month_name[month]} {year}"


def _generalise_dates(text: str) -> str:
    text = _ISO_DATE_RE.sub(lambda m: _month_year(int(m.group(2)), m.group(1)), text)
    text = _DAY_MONTH_RE.sub(lambda m: _month_year(_MONTHS[m.group(2).lower().rstrip(".")], m.group(3)), text)
    text = _MONTH_DAY_RE.sub(lambda m: _month_year(_MONTHS[m.group(1).lower().rstrip(".")], m.group(3)), text)

    def numeric(m: re.Match[str]) -> str:
        year = m.group(3)
        if len(year) == 2:
            year = ("20" if int(year) <= 40 else "19") + year
        return year  # day and month order differ between countries: keep the year only

    return _NUMERIC_DATE_RE.sub(numeric, text)


def _is_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if not 7 <= len(digits) <= 15:
        return False
    stripped = candidate.strip()
    if stripped.startswith(("+", "00")):
        number = "+" + (digits[2:] if stripped.startswith("00") else digits)
        try:
            return phonenumbers.is_possible_number(phonenumbers.parse(number, None))
        except phonenumbers.NumberParseException:
            return False
    return len(digits) >= 9


def _name_parts(names: Iterable[str]) -> list[str]:
    parts: set[str] = set()
    for name in names:
        name = (name or "").strip()
        if not name:
            continue
        parts.add(name)
        parts.update(p for p in re.split(r"[\s,()]+", name) if len(p) >= 2 and p.lower() not in _NOT_NAMES)
    return sorted(parts, key=len, reverse=True)


# Words that appear in demo and real names but are not names themselves.
_NOT_NAMES = {"demo", "patient", "mr", "mrs", "ms", "dr", "the", "and", "of", "de", "la", "van", "von", "bin"}


def deidentify(text: str, *, names: Iterable[str] = (), identifiers: Iterable[str] = ()) -> str:
    """``text`` with identifying details removed or generalised (see the module docstring)."""
    if not text:
        return ""
    out = text
    for ident in sorted({i.strip() for i in identifiers if i and len(i.strip()) >= 3}, key=len, reverse=True):
        out = re.sub(re.escape(ident), IDENTIFIER, out, flags=re.I)
    out = _EMAIL_RE.sub(EMAIL, out)
    out = _CASE_REF_RE.sub(IDENTIFIER, out)
    out = _LABELLED_ID_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{IDENTIFIER}", out)
    out = _PASSPORT_LIKE_RE.sub(IDENTIFIER, out)
    out = _ADDRESS_RE.sub(ADDRESS, out)
    out = _generalise_dates(out)
    out = _PHONE_CANDIDATE_RE.sub(lambda m: PHONE if _is_phone(m.group(0)) else m.group(0), out)
    out = _LONG_DIGITS_RE.sub(IDENTIFIER, out)
    out = _POSTCODE_RE.sub(lambda m: IDENTIFIER if any(c.isalpha() for c in m.group(0)) else m.group(0), out)
    out = _TITLED_NAME_RE.sub(lambda m: f"{m.group(1)} {NAME}" if m.group(1).lower() in ("dr", "prof") else NAME, out)
    for part in _name_parts(names):
        out = re.sub(r"(?<!\w)" + re.escape(part) + r"(?!\w)", NAME, out, flags=re.I)
    out = re.sub(r"(\[name\])(\s+\[name\])+", NAME, out)
    return out


def identifying_leftovers(text: str, *, names: Iterable[str] = (), exact: Iterable[str] = ()) -> list[str]:
    """The case's own identifying values still present in ``text`` (names, and exact values such
    as the email, phone or reference). Empty when none: the send service refuses otherwise."""
    found: list[str] = []
    lowered = (text or "").lower()
    for part in _name_parts(names):
        if re.search(r"(?<!\w)" + re.escape(part.lower()) + r"(?!\w)", lowered):
            found.append("name")
            break
    digits_text = re.sub(r"\D", "", text or "")
    for value in exact:
        value = (value or "").strip()
        if len(value) < 5:
            continue
        if value.lower() in lowered:
            found.append("email" if "@" in value else "identifier")
            continue
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 7 and digits[-7:] in digits_text:
            found.append("phone")
    if _EMAIL_RE.search(text or "") and "email" not in found:
        found.append("email")
    return sorted(set(found))
