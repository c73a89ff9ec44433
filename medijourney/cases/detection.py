"""Spot contact and bank details in a message. Partner hospitals must go through the case team
(no side deals, no direct payments), so a message to or from a partner that carries a phone
number, an email address or bank details is flagged to the case manager. The message is still
delivered: this is a flag for a human, not a filter."""

import re

import phonenumbers

EMAIL = "email address"
PHONE = "phone number"
IBAN = "bank details (IBAN)"
SWIFT = "bank details (SWIFT/BIC)"
ACCOUNT = "bank details (account number)"
ROUTING = "bank details (routing or sort code)"

_EMAIL_RE = re.compile(
    r"[A-Za-z0-9._%+-]+\s*(?:@|\(at\)|\[at\])\s*[A-Za-z0-9-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[A-Za-z0-9-]+)+"
)
_PHONE_CANDIDATE_RE = re.compile(r"(?<![\w/])(?:\+|00)?\d[\d\s().\-/]{6,20}\d(?![\w/])")
_DATE_RE = re.compile(r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$")
_IBAN_RE = re.compile(r"\b([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30})\b")
_SWIFT_RE = re.compile(
    r"\b(?:swift|bic)(?:\s*(?:code|no\.?|number|#|:))*\s*:?\s*([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b", re.I
)
_ACCOUNT_RE = re.compile(
    r"\b(?:(?:bank|a/?c|acct|account)\s*)+(?:no\.?|number|#)?\s*[:#]?\s*(\d[\d -]{5,20}\d)",
    re.I,
)
_ROUTING_RE = re.compile(
    r"\b(?:(?:aba|routing|transit|sort|ifsc|bsb)\s*)+(?:no\.?|number|code|#)?\s*[:#]?\s*"
    r"((?=[A-Z0-9 -]*\d)[A-Z0-9][A-Z0-9 -]{4,12}[A-Z0-9])",
    re.I,
)


def _iban_valid(raw: str) -> bool:
    iban = raw.replace(" ", "").upper()
    if not 15 <= len(iban) <= 34:
        return False
    moved = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


def _iban_prefix(raw: str) -> str:
    """The longest valid IBAN at the start of ``raw`` (the pattern may run into following words)."""
    compact = raw.replace(" ", "")
    for length in range(min(34, len(compact)), 14, -1):
        if _iban_valid(compact[:length]):
            return compact[:length]
    return ""


def _looks_like_phone(candidate: str) -> bool:
    text = candidate.strip()
    if _DATE_RE.match(text):
        return False
    digits = re.sub(r"\D", "", text)
    if not 8 <= len(digits) <= 15:
        return False
    if text.startswith(("+", "00")):
        number = "+" + digits[2:] if text.startswith("00") else "+" + digits
        try:
            return phonenumbers.is_possible_number(phonenumbers.parse(number, None))
        except phonenumbers.NumberParseException:
            return False
    # A national number without a country code: long digit runs with phone-like grouping.
    return len(digits) >= 9


def contact_details_detect(text: str) -> list[str]:
    """The kinds of contact or bank details found in ``text`` (empty when none)."""
    found: list[str] = []
    if not text:
        return found
    if _EMAIL_RE.search(text):
        found.append(EMAIL)
    ibans = [iban for m in _IBAN_RE.finditer(text.upper()) if (iban := _iban_prefix(m.group(1)))]
    if ibans:
        found.append(IBAN)
    if _SWIFT_RE.search(text):
        found.append(SWIFT)
    if _ACCOUNT_RE.search(text):
        found.append(ACCOUNT)
    if _ROUTING_RE.search(text):
        found.append(ROUTING)
    # Digits already explained as bank details or an email are not also a phone number.
    scrubbed = text
    for pattern in (_EMAIL_RE, _SWIFT_RE, _ACCOUNT_RE, _ROUTING_RE):
        scrubbed = pattern.sub(" ", scrubbed)
    for iban in ibans:
        scrubbed = re.sub(r"\s?".join(re.escape(ch) for ch in iban.replace(" ", "")), " ", scrubbed, flags=re.I)
    if any(_looks_like_phone(m.group(0)) for m in _PHONE_CANDIDATE_RE.finditer(scrubbed)):
        found.append(PHONE)
    return found
