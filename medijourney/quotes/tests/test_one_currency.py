"""One comparison currency for every figure on the patient's quotes page: the patient's choice if
the ECB has a rate for it, else their own currency if it has one, else USD (EUR without a USD rate),
and the page says why. The visa rule is search's own, word for word."""

import datetime
import re
from decimal import Decimal
from typing import cast

import pytest
from django.urls import reverse
from django.utils import timezone

from medijourney.catalog.tests.factories import country, rate, visa_rule
from medijourney.core.forms import choice_field
from medijourney.discovery import reference
from medijourney.discovery.params import RawSearch, resolve_search
from medijourney.discovery.selectors import clear_caches, search
from medijourney.network.tests.factories import OfferFactory
from medijourney.quotes.forms import CurrencyForm
from medijourney.quotes.selectors import case_comparison, comparison_currency
from medijourney.quotes.services import LineInput

from .factories import answered, case_of, knee, lines, shared_request

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_discovery():
    reference.clear()  # discovery keeps a snapshot of the catalogue between searches
    clear_caches()
    yield
    reference.clear()
    clear_caches()


def _rates(**units_per_eur):
    for code, value in units_per_eur.items():
        rate(code, YESTERDAY, value)


# --- The rule ----------------------------------------------------------------------------------


def test_without_an_ecb_rate_for_the_patients_currency_it_is_usd_and_says_why():
    _rates(USD="1.10", INR="92.00")
    country("NG")
    request = shared_request()  # the case factory's patient lives in Nigeria: NGN, no ECB rate
    chosen = comparison_currency(case_of(request))
    assert chosen.code == "USD" and chosen.own == "NGN" and not chosen.chosen
    assert "publishes no exchange rate for NGN" in chosen.reason and "shown in USD" in chosen.reason


def test_the_patients_own_currency_when_the_ecb_has_it():
    _rates(USD="1.10", NGN="1650")
    country("NG")
    chosen = comparison_currency(case_of(shared_request()))
    assert chosen.code == "NGN" and chosen.reason == "NGN is your currency (from your country)."


def test_the_patients_choice_wins_when_it_has_a_rate_and_is_ignored_otherwise():
    _rates(USD="1.10", GBP="0.85")
    case = case_of(shared_request())
    assert comparison_currency(case, "gbp").code == "GBP"
    assert comparison_currency(case, "GBP").reason == "You chose GBP."
    assert comparison_currency(case, "NGN").code == "USD"  # no ECB rate: not a comparison currency
    assert comparison_currency(case, "DDM").code == "USD"  # the East German Mark is not a currency in use


def test_euros_when_the_ecb_has_no_usd_rate_either():
    country("NG")
    chosen = comparison_currency(case_of(shared_request()))
    assert chosen.code == "EUR" and "shown in EUR" in chosen.reason


def test_the_currency_list_holds_only_active_currencies_with_a_rate():
    _rates(USD="1.10", INR="92.00", BGN="1.95583")
    codes = [code for code, _label in cast(list[tuple[str, str]], choice_field(CurrencyForm(), "currency").choices)]
    assert codes[:2] == ["USD", "EUR"] and "INR" in codes
    assert "NGN" not in codes  # no ECB rate
    assert "BGN" not in codes  # the lev is no longer in ISO 4217's current list (Bulgaria uses the euro)
    assert "DDM" not in codes and "XAU" not in codes


def test_every_amount_of_the_comparison_is_converted_to_one_currency():
    _rates(USD="1.10", INR="92.00")
    country("NG")
    inr = shared_request()
    usd = shared_request(case=case_of(inr))
    answered(inr, currency="INR", lines=lines(surgeon=LineInput("included", Decimal("250000"))))
    answered(usd)
    comparison = case_comparison(case_of(inr), "USD")
    for col in comparison.columns:
        assert col.total_converted.amount is not None
    inr_col = next(c for c in comparison.columns if c.quote and c.quote.currency == "INR")
    assert inr_col.quote is not None
    assert inr_col.total_converted.amount == (inr_col.quote.total / Decimal("92.00") * Decimal("1.10")).quantize(
        Decimal("0.01")
    )


# --- The page ----------------------------------------------------------------------------------


def _page(client, case, **params):
    client.force_login(case.patient)
    return client.get(reverse("quotes:compare", args=[case.reference]), params).content.decode()


def test_the_page_shows_every_figure_in_the_comparison_currency_and_says_why(client):
    _rates(USD="1.10", INR="92.00")
    country("NG")
    inr = shared_request()
    usd = shared_request(case=case_of(inr))
    OfferFactory(hospital=inr.hospital, procedure=knee(), currency="INR", price_min=300000, price_max=400000)
    answered(inr, currency="INR", lines=lines(surgeon=LineInput("included", Decimal("250000"))))
    answered(usd)
    body = _page(client, case_of(inr))
    assert "Every amount on this page is in USD." in body
    assert "publishes no exchange rate for NGN" in body
    assert "quoted as INR 250,000.00" in body  # the hospital's own figure beneath the USD one
    assert "no rate" not in body and "NGN 0" not in body
    # The travel lines of the INR hospital are in USD too (no euro fallback, no third currency).
    travel = body.split("Travel costs")[1].split("Quote and travel together")[0]
    amounts = set(re.findall(r"\b(USD|EUR|INR|NGN) [\d,]+\.\d\d", travel))
    assert amounts <= {"USD"}, amounts


def test_choosing_another_currency_converts_everything_to_it(client):
    _rates(USD="1.10", INR="92.00", GBP="0.85")
    request = shared_request()
    answered(request)
    body = _page(client, case_of(request), currency="GBP")
    assert "Every amount on this page is in GBP." in body and "You chose GBP." in body
    assert "quoted as USD" in body


def test_a_currency_without_a_rate_in_the_address_is_refused_beside_the_field(client):
    _rates(USD="1.10")
    request = shared_request()
    answered(request)
    body = _page(client, case_of(request), currency="NGN")
    assert "Every amount on this page is in USD." in body
    assert "Select a valid choice" in body  # the field says what is wrong; the page still works


def test_the_visa_rule_is_the_same_words_as_search(client):
    _rates(USD="1.10", INR="92.00")
    country("NG")
    visa_rule("NG", "IN", "e_visa")
    request = shared_request()  # the hospital is in India (the factory's country)
    OfferFactory(hospital=request.hospital, procedure=knee(), price_min=5000, price_max=6000)
    answered(request)
    body = _page(client, case_of(request))
    result = search(resolve_search(RawSearch(procedure="knee-replacement", origin="NG", passport="NG")))
    words = result.rows[0].estimate.line("visa").method
    assert words.startswith("E-visa")
    assert words in body
    assert ">unknown<" not in body.split("Travel costs")[1].split("</tr>")[0].replace(" ", "")
