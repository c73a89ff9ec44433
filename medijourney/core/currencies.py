"""The currencies a person may choose: active ISO 4217 currencies only.

"Active" means both (1) in the current ISO 4217 list as the iso-codes project publishes it
(PyPI ``pycountry``: no East German Mark, no French Franc) and (2) legal tender in some country or
territory today according to the Unicode CLDR territory data (PyPI ``Babel``), which leaves out fund
codes, precious metals and test codes (XAU, XDR, XTS, CHE, USN …). About 150 currencies. Every
currency field of every form offers these, named in the page's language; the common ones first."""

import datetime
from functools import cache

import pycountry
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import get_currency_name, get_territory_currencies
from django.utils import translation

# Offered first in every list (then the others by code).
COMMON = ("USD", "EUR", "GBP", "AED", "SAR", "INR", "NGN", "KES", "CAD", "AUD")


@cache
def _active_on(day: datetime.date) -> frozenset[str]:
    iso = {c.alpha_3 for c in pycountry.currencies}
    tender: set[str] = set()
    for territory in get_global("territory_currencies"):
        tender.update(get_territory_currencies(territory, start_date=day, tender=True))
    return frozenset(iso & tender)


def active_currency_codes(day: datetime.date | None = None) -> frozenset[str]:
    """ISO 4217 codes in use as legal tender somewhere on ``day`` (today)."""
    return _active_on(day or datetime.date.today())


def is_active_currency(code: str) -> bool:
    return (code or "").upper() in active_currency_codes()


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale("en")


def currency_name(code: str) -> str:
    """The currency's name in the current language ("US Dollar", "Dólar estadounidense")."""
    return str(get_currency_name(code, locale=_locale(translation.get_language() or "en")))


def currency_choices(codes: frozenset[str] | set[str] | None = None) -> list[tuple[str, str]]:
    """(code, "USD – US Dollar") for the active currencies (or the given subset of them), common
    ones first."""
    allowed = active_currency_codes() if codes is None else frozenset(codes) & active_currency_codes()
    ordered = [c for c in COMMON if c in allowed] + sorted(allowed - set(COMMON))
    return [(code, f"{code} – {currency_name(code)}") for code in ordered]
