"""Plain values the cases app stores: BCP 47 language tags, ISO 4217 currencies, ISO 3166 country
codes, and case references. Validation helpers raise Django ValidationError with field-ready
messages."""

import datetime
import re
import secrets
from functools import lru_cache

import phonenumbers
import pycountry
from babel import Locale, UnknownLocaleError
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django_countries import countries

from medijourney.core.currencies import currency_choices as active_currency_choices
from medijourney.core.currencies import is_active_currency
from medijourney.core.dates import day_text

# Crockford base32 (no I, L, O, U): easy to read out on the phone, hard to guess.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_RE = re.compile(r"^MJ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
_BCP47_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")

# Languages offered on the form (any valid BCP 47 tag is accepted through the API).
COMMON_LANGUAGES = (
    "en", "ar", "es", "fr", "pt", "ru", "de", "it", "tr", "fa", "ur", "hi", "bn", "zh", "ja", "ko",
    "id", "ms", "th", "vi", "tl", "sw", "am", "ha", "yo", "so", "uk", "pl", "ro", "nl", "el", "he",
    "ne", "si", "ta", "ps", "uz", "kk", "az", "ka", "hy", "mn",
)  # fmt: skip
# Destinations offered on the form as checkboxes (any ISO code is accepted through the API).
COMMON_DESTINATIONS = ("IN", "TH", "TR", "MY", "SG", "AE", "KR", "DE", "ES", "MX", "CR", "CO", "HU", "PL")


def reference_generate() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"MJ-{chars[:4]}-{chars[4:]}"


def primary_subtag(tag: str) -> str:
    return (tag or "").split("-")[0].split("_")[0].lower()


def language_normalize(tag: str) -> str:
    """A well-formed BCP 47 tag in canonical case (``pt-BR``, ``zh-Hant``), or ValidationError."""
    raw = (tag or "").strip().replace("_", "-")
    if not _BCP47_RE.match(raw):
        raise ValidationError(_("Enter a language tag such as en, ar or pt-BR."), code="invalid_language")
    parts = raw.split("-")
    primary = parts[0].lower()
    known = pycountry.languages.get(alpha_2=primary) if len(primary) == 2 else pycountry.languages.get(alpha_3=primary)
    if known is None:
        raise ValidationError(_("“%(tag)s” is not a known language.") % {"tag": primary}, code="unknown_language")
    out = [primary]
    for sub in parts[1:]:
        if len(sub) == 4 and sub.isalpha():
            out.append(sub.title())
        elif len(sub) == 2 and sub.isalpha():
            out.append(sub.upper())
        else:
            out.append(sub.lower())
    return "-".join(out)


@lru_cache(maxsize=256)
def language_name(tag: str) -> str:
    """The language's own name and its English name, e.g. 'العربية (Arabic)'."""
    try:
        loc = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return tag
    english = loc.get_display_name("en") or tag
    native = loc.get_display_name() or english
    return english if native == english else f"{native} ({english})"


def language_choices() -> list[tuple[str, str]]:
    return sorted(((t, language_name(t)) for t in COMMON_LANGUAGES), key=lambda c: language_name(c[0]).lower())


def currency_validate(code: str) -> str:
    """An active ISO 4217 code (medijourney.core.currencies): no withdrawn or fund currencies."""
    code = (code or "").strip().upper()
    if not is_active_currency(code):
        raise ValidationError(
            _("“%(code)s” is not a currency in use (ISO 4217).") % {"code": code}, code="currency"
        ) from None
    return code


def currency_choices() -> list[tuple[str, str]]:
    """Active ISO 4217 currencies, common ones first (one list for every currency field)."""
    return active_currency_choices()


def country_validate(code: str) -> str:
    code = (code or "").strip().upper()
    if code not in dict(countries):
        raise ValidationError(_("“%(code)s” is not an ISO 3166 country code.") % {"code": code}, code="country")
    return code


def destination_choices() -> list[tuple[str, str]]:
    return [(c, str(countries.name(c))) for c in COMMON_DESTINATIONS]


def phone_normalize(raw: str, region: str | None = None) -> str:
    """An international (E.164) number. Without a leading + the country of residence is used."""
    raw = (raw or "").strip()
    try:
        number = phonenumbers.parse(raw, None if raw.startswith("+") else (region or None))
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number with its country code, e.g. +44 20 7946 0958."), code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def travel_window_text(earliest: datetime.date | None, latest: datetime.date | None, *, months: bool = False) -> str:
    """A travel window in words, never "? – ?": both ends, one end ("from …", "until …") or "not
    given yet". ``months`` writes "March 2027" (the de-identified summary hospitals receive)."""

    def show(day: datetime.date) -> str:
        return formats.date_format(day, "F Y") if months else day_text(day)

    if earliest and latest:
        return _("%(start)s – %(end)s") % {"start": show(earliest), "end": show(latest)}
    if earliest:
        return _("from %(start)s") % {"start": show(earliest)}
    if latest:
        return _("until %(end)s") % {"end": show(latest)}
    return _("not given yet")
