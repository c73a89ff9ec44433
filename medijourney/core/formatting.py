"""Amounts for people, formatted for the page's language by Babel (CLDR): "USD 12,500" in English,
"USD 12.500" in Spanish, "USD 12 500" in French, always with Latin digits (every offered locale
allows them, and patients compare figures across languages). The currency is written as its ISO
code, never a symbol: "$" alone is ambiguous to people who travel."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.numbers import format_decimal
from django.utils.translation import get_language, to_locale

CENT = Decimal("0.01")


def _locale() -> str:
    return to_locale(get_language() or "en")


def number_text(value: Decimal, *, cents: bool) -> str:
    pattern = "#,##0.00" if cents else "#,##0"
    quantum = CENT if cents else Decimal(1)
    return format_decimal(
        value.quantize(quantum, ROUND_HALF_UP), format=pattern, locale=_locale(), numbering_system="latn"
    )


def money_text(amount: Any, currency: str = "", *, always_cents: bool = False) -> str:
    """'USD 12,500' for whole units (or always with cents), 'USD 12,500.50' otherwise."""
    value = Decimal(str(amount))
    cents = always_cents or value != value.to_integral_value()
    return f"{currency} {number_text(value, cents=cents)}".strip()
