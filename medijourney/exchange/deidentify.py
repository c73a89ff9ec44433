"""What a case presentation may not hold. A spoke clinician's text has no MediJourney patient
behind it, so there is no name list to check against: quotes' ``deidentify`` is run on the text
and what it would remove or generalise is named by kind; a date of birth is named on its own
(``deidentify`` would only generalise it to a month). The form shows the de-identified text
(``presentation_preview``) before the clinician confirms."""

import re

from medijourney.quotes.deidentify import ADDRESS, EMAIL, IDENTIFIER, NAME, PHONE, deidentify

_DOB_RE = re.compile(
    r"\b(d\.?o\.?b\.?|date of birth|born(?: on)?)\b\s*[:\-]?\s*(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|"
    r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})",
    re.I,
)
_DAY_DATE_RE = re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{1,2}-\d{1,2}\b")

_KINDS = (
    (NAME, "a name"),
    (EMAIL, "an email address"),
    (PHONE, "a phone number"),
    (IDENTIFIER, "an identifier"),
    (ADDRESS, "an address"),
)


def presentation_preview(text: str) -> str:
    """The text as it would be shared: quotes' de-identification, dates of birth removed."""
    return deidentify(_DOB_RE.sub("[date of birth]", text or ""))


def presentation_leftovers(text: str) -> list[str]:
    """What identifying details ``text`` still holds, in words; empty when none."""
    text = text or ""
    found: list[str] = []
    if _DOB_RE.search(text):
        found.append("a date of birth")
    cleaned = deidentify(text)
    for marker, words in _KINDS:
        if cleaned.count(marker) > text.count(marker):
            found.append(words)
    if not found and _DAY_DATE_RE.search(text):
        found.append("an exact date")
    return found
