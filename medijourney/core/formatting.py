"""Amounts for people, formatted for the page's language by Babel (CLDR): "USD 12,500" in English,
"USD 12.500" in Spanish, "USD 12 500" in French, always with Latin digits (every offered locale
allows them, and patients compare figures across languages). The currency is written as its ISO
code, never a symbol: "$" alone is ambiguous to people who travel."""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale
from babel.numbers import parse_pattern
from django.utils.translation import get_language, to_locale

CENT = Decimal("0.01")
# babel.numbers.format_decimal parses its pattern and the locale on every call; a search page
# formats some 60 amounts, so both are parsed once.
_PATTERNS = {True: parse_pattern("#,##0.00"), False: parse_pattern("#,##0")}


@functools.lru_cache(maxsize=32)
def _babel_locale(code: str) -> Locale:
    return Locale.parse(code)


def _locale() -> str:
    return to_locale(get_language() or "en")


@functools.lru_cache(maxsize=32)
def _separators(code: str) -> dict[int, str]:
    """The locale's Latin-digit group and decimal symbols, as a ``str.translate`` table from
    Python's own "1,234.50"."""
    symbols = _babel_locale(code).number_symbols
    latn = symbols.get("latn", symbols)
    return str.maketrans({",": latn["group"], ".": latn["decimal"]})


def number_text(value: Decimal, *, cents: bool) -> str:
    """The amount with the locale's separators. A positive amount is grouped by Python and its
    separators replaced with the locale's, which is what Babel's ``#,##0`` patterns give (a test
    compares the two in every offered language) at a tenth of the cost; a negative one is left to
    Babel (its minus sign is the locale's)."""
    quantum = CENT if cents else Decimal(1)
    exact = value.quantize(quantum, ROUND_HALF_UP)
    code = _locale()
    if exact >= 0:
        return format(exact, ",f").translate(_separators(code))
    return _PATTERNS[cents].apply(exact, _babel_locale(code), numbering_system="latn")


def money_text(amount: Any, currency: str = "", *, always_cents: bool = False) -> str:
    """'USD 12,500' for whole units (or always with cents), 'USD 12,500.50' otherwise."""
    value = Decimal(str(amount))
    cents = always_cents or value != value.to_integral_value()
    return f"{currency} {number_text(value, cents=cents)}".strip()
