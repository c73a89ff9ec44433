"""Amounts as people read them: the fast path gives exactly what Babel's CLDR patterns give, in
every offered language."""

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from babel.numbers import parse_pattern
from django.conf import settings
from django.utils import translation

from medijourney.core.formatting import _babel_locale, _locale, money_text, number_text

CODES = [code for code, _name in settings.LANGUAGES] + ["de", "hi", "pt-br"]


def _values() -> list[Decimal]:
    rng = random.Random(7)
    fixed = ["0", "0.5", "0.004", "0.005", "1", "9.995", "999", "999.5", "1000", "1234.5", "12345.675", "99999.995"]
    values = [Decimal(v) for v in fixed]
    values += [Decimal(rng.randrange(0, 10**10)) / Decimal(10 ** rng.randrange(0, 4)) for _ in range(300)]
    return values + [-v for v in values[:40] if v]


@pytest.mark.parametrize("code", CODES)
def test_number_text_matches_babel_in_every_language(code: str) -> None:
    with translation.override(code):
        locale = _babel_locale(_locale())
        for value in _values():
            for cents in (False, True):
                quantum = Decimal("0.01") if cents else Decimal(1)
                expected = parse_pattern("#,##0.00" if cents else "#,##0").apply(
                    value.quantize(quantum, ROUND_HALF_UP), locale, numbering_system="latn"
                )
                assert number_text(value, cents=cents) == expected, (code, value, cents)


def test_money_text_in_three_languages() -> None:
    with translation.override("en"):
        assert money_text(Decimal("12500"), "USD") == "USD 12,500"
        assert money_text(Decimal("12500.5"), "USD") == "USD 12,500.50"
    with translation.override("es"):
        assert money_text(Decimal("12500"), "EUR") == "EUR 12.500"
    with translation.override("fr"):
        assert money_text(Decimal("1234.5"), "EUR", always_cents=True) == "EUR 1\u202f234,50"
